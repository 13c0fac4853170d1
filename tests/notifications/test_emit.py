"""emit: one inbox row per recipient and event, never for the actor; e-mails rendered in each
recipient's language; nothing at all when the change rolls back."""
from __future__ import annotations

import json

import pytest

from supervision.accounts import services as accounts
from supervision.core import uow
from supervision.extensions import db
from supervision.jobs import runners
from supervision.notifications.rules import Event, Rule
from supervision.notifications.services import emit
from tests.factories import UserFactory
from tests.notifications.conftest import (EMIT_LABELS, RULES, delivered, inbox_rows, outbox_rows,
                                          request_event)


def submit_event(case, actor) -> Event:
    return Event(name="case.transition", case_id=case.id, actor_id=actor.id, trigger="submit",
                 from_state="draft", to_state="submitted", tags=frozenset({"submission"}))


def test_each_recipient_gets_one_row_and_the_actor_none(app, world):
    colleague = UserFactory(email="a2@firm-a.test", organisation=world.firm_a, roles=["applicant"])
    gone = UserFactory(email="gone@firm-a.test", organisation=world.firm_a, roles=["applicant"])
    accounts.set_active(gone, False, actor=world.admin)
    case = world.case()
    everyone = (Rule("firm", "firm", "s", "b"), Rule("officers", "department_officers", "s", "b"))
    with uow.unit_of_work():
        count = emit(submit_event(case, world.applicant_a), everyone)
    got = sorted(row.user_id for row in inbox_rows())
    # The firm's other active applicant, and the officers of the case's department; not the
    # actor, the disabled colleague, firm B, the approver, the auditor or another department.
    assert got == sorted([colleague.id, world.officer.id, world.officer2.id, world.dual.id])
    assert count == 4
    assert len({row.event_key for row in inbox_rows()}) == 1

    with uow.unit_of_work():
        assert emit(submit_event(case, world.officer), everyone) == 4  # the officer acts now
    second = [row.user_id for row in inbox_rows()[4:]]
    assert world.officer.id not in second and world.applicant_a.id in second


def test_several_matching_rules_still_make_one_row_per_user_from_the_first_rule(app, world):
    case = world.case()
    case.assignee_id = world.officer.id
    db.session.commit()
    rules = (Rule("assignee", "assignee", "First", "b", tags=frozenset({"submission"})),
             Rule("officers", "department_officers", "Second", "b"),
             Rule("approvers", "department_approvers", "Third", "b", events=frozenset({"case.assign"})))
    with uow.unit_of_work():
        assert emit(submit_event(case, world.applicant_a), rules) == 3
    by_user = {row.user_id: row.subject for row in inbox_rows()}
    assert by_user == {world.officer.id: "First", world.officer2.id: "Second", world.dual.id: "Second"}
    assert len(outbox_rows()) == 3


def test_no_matching_rule_no_row_and_email_only_where_the_rule_says(app, world, mailbox):
    case = world.case()
    case.assignee_id = world.officer.id
    db.session.commit()
    with uow.unit_of_work():
        assert emit(Event("case.claim", case.id, world.officer2.id, trigger="claim"), RULES) == 0
    assert inbox_rows() == [] and outbox_rows() == []

    answer = Event("case.transition", case.id, world.applicant_a.id, trigger="answer", tags=frozenset({"answer"}))
    with uow.unit_of_work():
        assert emit(answer, RULES) == 1  # the assignee's rule: inbox only
    assert [row.user_id for row in inbox_rows()] == [world.officer.id]
    assert outbox_rows() == []
    assert runners.drain(app, 10) and delivered(mailbox) == []


def test_inbox_row_keeps_msgids_and_params_for_the_readers_language(app, world):
    case = world.case(title="Patrol robot X1")
    with uow.unit_of_work():
        emit(request_event(case, world.officer), RULES, **EMIT_LABELS)
    [row] = inbox_rows()
    assert (row.subject, row.body) == (RULES[0].subject, RULES[0].body)
    params = json.loads(row.params)
    assert params["values"]["case"] == case.number and params["values"]["title"] == "Patrol robot X1"
    assert params["values"]["due"] == "2026-12-24"
    assert params["msgids"] == {"action": "Request information", "state": "Information requested"}


def test_email_is_rendered_in_each_recipients_language_with_a_link_to_the_case(
        app, world, zh_catalog, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://supervision.example.gov.cn/")
    colleague = UserFactory(email="en@firm-a.test", organisation=world.firm_a, roles=["applicant"])
    accounts.set_locale(colleague, "en")
    case = world.case(title="Patrol robot X1")
    with uow.unit_of_work():
        assert emit(request_event(case, world.officer), RULES, **EMIT_LABELS) == 2
    assert runners.drain(app, 10)
    mails = {m["To"]: m for m in delivered(mailbox)}
    assert set(mails) == {"a@firm-a.test", "en@firm-a.test"}
    link = f"https://supervision.example.gov.cn/cases/{case.id}"

    zh = mails["a@firm-a.test"]  # no language chosen: Chinese
    assert zh["Subject"] == f"案件 {case.number}：要求补充信息"
    zh_body = zh.get_content()
    assert "Patrol robot X1 现为已要求补充信息。请于 2026-12-24 前答复。" in zh_body
    assert f"查看案件：{link}" in zh_body

    en = mails["en@firm-a.test"]
    assert en["Subject"] == f"Case {case.number}: Request information"
    en_body = en.get_content()
    assert "Patrol robot X1 is now Information requested. Answer by 2026-12-24." in en_body
    assert f"Open the case: {link}" in en_body and "查看" not in en_body
    assert en["From"] == app.config["MAIL_FROM"] and en["Message-ID"] != zh["Message-ID"]


def test_a_rolled_back_change_leaves_no_row_and_sends_no_mail(app, world, mailbox):
    case = world.case()
    db.session.commit()  # the case exists before the change that fails
    case_id, title = case.id, case.title
    with pytest.raises(RuntimeError):
        with uow.unit_of_work():
            case.title = "changed"
            assert emit(request_event(case, world.officer), RULES, **EMIT_LABELS) == 1
            raise RuntimeError("the change fails after the notification was written")
    assert runners.drain(app, 10)
    assert inbox_rows() == [] and outbox_rows() == []
    assert delivered(mailbox) == []
    assert db.session.get(type(case), case_id).title == title

    # The same change committed: the row exists and the mail goes out after the commit.
    with uow.unit_of_work():
        emit(request_event(case, world.officer), RULES, **EMIT_LABELS)
    assert runners.drain(app, 10)
    assert len(inbox_rows()) == 1 and [m["To"] for m in delivered(mailbox)] == ["a@firm-a.test"]
    assert [row.status for row in outbox_rows()] == ["sent"]


def test_an_unknown_audience_is_an_error_not_silence(app, world):
    case = world.case()
    with pytest.raises(ValueError, match="unknown audience"):
        emit(submit_event(case, world.applicant_a), (Rule("typo", "firms", "s", "b"),))
    db.session.rollback()
