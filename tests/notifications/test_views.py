"""The inbox (every signed-in user, auditors and experts included), the header's unread count,
and the administrators' outbox page with its audited resend and drop."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from supervision.audit.models import AuditEvent
from supervision.core import uow
from supervision.extensions import db
from supervision.notifications import sending
from supervision.notifications.models import InboxItem
from supervision.notifications.rules import Event, Rule
from supervision.notifications.services import emit
from tests.notifications.conftest import (EMIT_LABELS, RULES, delivered, inbox_rows, outbox_rows,
                                          request_event)
from tests.notifications.test_sending import later

EVERYONE_IN_DEPARTMENT = (Rule("all", "department_officers", "Case %(case)s: %(action)s", "Body of %(title)s",
                               email=False),
                          Rule("approvers", "department_approvers", "Case %(case)s: %(action)s", "b", email=False))


def tell_officers(case, actor, times: int = 1) -> None:
    with uow.unit_of_work():
        for _ in range(times):
            emit(Event("case.transition", case.id, actor.id, trigger="submit"), EVERYONE_IN_DEPARTMENT,
                 action_label="Accept")


def audit_actions() -> list[str]:
    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def sign_in(web, email: str) -> None:
    """Sign in and read the pages in English."""
    assert web.login(email).status_code == 302
    assert web.post("/language", {"lang": "en", "next": "/inbox"}, token_from="/inbox").status_code == 302


def badge(html: str) -> str | None:
    match = re.search(r'class="inbox-link[^"]*">[^<]*<span class="badge"[^>]*>(\d+)</span>', html)
    return match.group(1) if match else None


def test_inbox_lists_newest_first_in_the_readers_language_with_unread_highlighted(app, world, web, zh_catalog):
    case = world.case(title="Patrol robot X1")
    with uow.unit_of_work():
        emit(request_event(case, world.officer), RULES, **EMIT_LABELS)
    older = inbox_rows()[0].id
    with uow.unit_of_work():
        emit(Event("case.transition", case.id, world.officer.id, trigger="request_information",
                   to_state="info_requested", tags=frozenset({"information_request"}), params={"due": "2027-01-05"}),
             RULES, **EMIT_LABELS)
    newer = inbox_rows()[1].id
    assert web.login("a@firm-a.test").status_code == 302
    html = web.get("/inbox").get_data(as_text=True)
    assert html.index(f'id="item-{newer}"') < html.index(f'id="item-{older}"')
    assert f'<li id="item-{newer}" class="unread">' in html
    assert f"案件 {case.number}：要求补充信息" in html and "请于 2027-01-05 前答复" in html
    assert badge(html) == "2"

    web.post("/language", {"lang": "en", "next": "/inbox"}, token_from="/inbox")
    html = web.get("/inbox").get_data(as_text=True)
    assert f"Case {case.number}: Request information" in html and "Answer by 2027-01-05" in html


def test_mark_one_read_and_all_read_each_audited(app, world, web):
    case = world.case()
    tell_officers(case, world.applicant_a, times=3)
    first, second, third = [row.id for row in inbox_rows() if row.user_id == world.officer.id]
    web.login("officer@t.test")
    assert badge(web.get("/cases").get_data(as_text=True)) == "3"  # every page's header
    resp = web.post(f"/inbox/{second}/read", token_from="/inbox")
    assert resp.status_code == 303
    html = web.get("/inbox").get_data(as_text=True)
    assert f'<li id="item-{second}" class="read">' in html and badge(html) == "2"
    assert web.post(f"/inbox/{second}/read", token_from="/inbox").status_code == 303  # again: no change
    assert audit_actions().count("notification.read") == 1

    assert web.post("/inbox/read-all", token_from="/inbox").status_code == 303
    html = web.get("/inbox").get_data(as_text=True)
    assert badge(html) is None and 'class="unread"' not in html
    assert audit_actions().count("notification.read_all") == 1
    others = [row for row in inbox_rows() if row.user_id != world.officer.id]
    assert others and all(row.read_at is None for row in others)  # only the officer's own rows


def test_a_user_cannot_mark_another_users_item(app, world, web):
    tell_officers(world.case(), world.applicant_a)
    theirs = next(row.id for row in inbox_rows() if row.user_id == world.officer2.id)
    web.login("officer@t.test")
    assert web.post(f"/inbox/{theirs}/read", token_from="/inbox").status_code == 404
    assert web.post("/inbox/999999/read", token_from="/inbox").status_code == 404
    assert db.session.get(InboxItem, theirs).read_at is None


@pytest.mark.parametrize("email", ["auditor@t.test", "expert@t.test", "admin@t.test"])
def test_auditors_experts_and_admins_have_an_inbox_and_may_mark_it_read(app, world, web, email):
    user = {"auditor@t.test": world.auditor, "expert@t.test": world.expert, "admin@t.test": world.admin}[email]
    db.session.add(InboxItem(event_key="k" * 32, user_id=user.id, event="case.transition", rule="r",
                             subject="Case %(case)s: %(action)s", body="b",
                             params='{"values": {"case": "REG-1", "action": "x"}, "msgids": {}}'))
    db.session.commit()
    item = inbox_rows()[0]
    web.login(email)
    html = web.get("/inbox").get_data(as_text=True)
    assert "Case REG-1: x" in html and badge(html) == "1"
    assert web.post(f"/inbox/{item.id}/read", token_from="/inbox").status_code == 303
    assert inbox_rows()[0].read_at is not None


def test_the_inbox_is_paged_by_fifty(app, world, web):
    tell_officers(world.case(), world.applicant_a, times=51)
    web.login("officer@t.test")
    page1 = web.get("/inbox").get_data(as_text=True)
    page2 = web.get("/inbox?page=2").get_data(as_text=True)
    assert page1.count('<li id="item-') == 50 and page2.count('<li id="item-') == 1
    assert "/inbox?page=2" in page1
    assert web.get("/inbox?page=99").status_code == 200


def test_the_header_count_is_one_query(app, world, web):
    tell_officers(world.case(), world.applicant_a, times=2)
    web.login("officer@t.test")
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        if "inbox_items" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        html = web.get("/cases").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert badge(html) == "2"
    assert len(statements) == 1 and "count" in statements[0].lower()


def test_visitors_have_no_inbox(app, client):
    assert client.get("/inbox").status_code == 302
    assert "inbox-link" not in client.get("/").get_data(as_text=True)


# -- the administrators' outbox ------------------------------------------------------------


@pytest.fixture
def stuck_and_failed(app, world, monkeypatch, tmp_path):
    """Two e-mails stuck in "sending" (their sender died an hour ago) and one failed."""
    monkeypatch.setattr(sending, "kick", lambda: None)  # the test sends by hand
    monkeypatch.setitem(app.config, "MAIL_STUCK_AFTER_SECONDS", 600)
    case = world.case()
    with later(-3600):
        with uow.unit_of_work():
            emit(Event("case.transition", case.id, world.applicant_a.id, trigger="submit"),
                 (Rule("officers", "department_officers", "Submitted %(case)s", "b"),))
        first, second, _third = [row.id for row in outbox_rows()]
        assert sending._claim(set())[0] == first
        assert sending._claim(set())[0] == second
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the mail folder should be")
    with monkeypatch.context() as m:
        m.setitem(app.config, "MAIL_DIR", str(blocked))
        m.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
        assert sending.send_due() == 0
    return {row.status: row.id for row in outbox_rows() if row.status == "failed"} | {
        "stuck": [first, second]}


def test_only_admins_reach_the_outbox_page(app, world, web, client):
    assert client.get("/admin/outbox").status_code == 302  # sign in first
    web.login("officer@t.test")
    assert web.get("/admin/outbox").status_code == 403
    assert web.post("/admin/outbox/1/resend", token_from="/inbox").status_code == 403
    assert web.post("/admin/outbox/1/drop", token_from="/inbox").status_code == 403


def test_stuck_and_failed_emails_are_listed_and_the_sender_leaves_them(app, world, web, stuck_and_failed, mailbox):
    assert sending.send_due() == 0
    assert delivered(mailbox) == []
    sign_in(web, "admin@t.test")
    html = web.get("/admin/outbox").get_data(as_text=True)
    for row_id in stuck_and_failed["stuck"] + [stuck_and_failed["failed"]]:
        assert f'id="message-{row_id}"' in html
    assert html.count("Stuck while sending since") == 2
    assert "cannot write to" in html  # the failed one's error


def test_resend_and_drop_are_audited_and_resend_delivers_once(app, world, web, stuck_and_failed, mailbox):
    resend_me, drop_me = stuck_and_failed["stuck"]
    failed = stuck_and_failed["failed"]
    sign_in(web, "admin@t.test")
    assert web.post(f"/admin/outbox/{resend_me}/resend", token_from="/admin/outbox").status_code == 303
    assert web.post(f"/admin/outbox/{drop_me}/drop", token_from="/admin/outbox").status_code == 303
    assert web.post(f"/admin/outbox/{failed}/resend", token_from="/admin/outbox").status_code == 303
    status = {row.id: (row.status, row.attempts) for row in outbox_rows()}
    assert status[resend_me] == ("queued", 0) and status[failed] == ("queued", 0)
    assert status[drop_me][0] == "dropped"

    db.session.commit()
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action.like("notification.mail_%"))
                                .order_by(AuditEvent.seq)).scalars().all()
    assert [(e.action, e.object_id, e.actor_id) for e in events] == [
        ("notification.mail_resend", str(resend_me), world.admin.id),
        ("notification.mail_drop", str(drop_me), world.admin.id),
        ("notification.mail_resend", str(failed), world.admin.id)]

    assert sending.send_due() == 2 and sending.send_due() == 0
    assert len(delivered(mailbox)) == 2
    assert {row.id: row.status for row in outbox_rows()}[drop_me] == "dropped"

    # Neither button acts on an e-mail that is no longer stuck or failed.
    html = web.get("/admin/outbox").get_data(as_text=True)
    assert f'id="message-{resend_me}"' not in html
    resp = web.post(f"/admin/outbox/{resend_me}/resend", token_from="/admin/outbox")
    assert resp.status_code == 303
    assert "no longer stuck or failed" in web.get("/admin/outbox").get_data(as_text=True)
    assert {row.id: row.status for row in outbox_rows()}[resend_me] == "sent"
    assert audit_actions().count("notification.mail_resend") == 2
    assert web.post("/admin/outbox/999999/drop", token_from="/admin/outbox").status_code == 404
