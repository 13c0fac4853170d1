"""The audit log page's filters (case, user, action, date range) live in the address, pages keep
them, and events read with names and labels instead of ids, e-mails and codes."""
from __future__ import annotations

import datetime as dt
import re

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.extensions import db
from tests.audit.helpers import make_events


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'id="event-(\d+)"', html)]


def actions_of(shown: list[int]) -> set[str]:
    return set(db.session.execute(db.select(AuditEvent.action).where(AuditEvent.seq.in_(shown))).scalars())


def test_filter_by_case_number_user_and_action(world, web):
    one, other = world.case(), world.case()
    cases.fire(one, "withdraw", actor=world.applicant_a, reason="not for sale any more")
    cases.fire(other, "withdraw", actor=world.applicant_a, reason="another reason")
    db.session.commit()
    web.login("auditor@t.test")

    html = web.get("/audit/", query_string={"case": one.number}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    shown = seqs(html)
    assert shown and set(db.session.execute(db.select(AuditEvent.case_id).where(AuditEvent.seq.in_(shown))).scalars()) == {one.id}
    assert "not for sale any more" in html and "another reason" not in html
    assert f'value="{one.number}"' in html  # the filter stays in its field

    html = web.get("/audit/", query_string={"user": world.applicant_a.name.upper()}).get_data(as_text=True)
    shown = seqs(html)
    actors = set(db.session.execute(db.select(AuditEvent.actor_id).where(AuditEvent.seq.in_(shown))).scalars())
    assert actors == {world.applicant_a.id}

    html = web.get("/audit/", query_string={"action": "case.transition"}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert actions_of(seqs(html)) == {"case.transition"} and len(seqs(html)) == 2
    assert "Case action: Withdraw application" in html
    assert world.applicant_a.name in html  # the actor's name, not the e-mail
    assert f">{world.applicant_a.email}<" not in html


def test_filter_by_date_range_in_beijing_time(world, web):
    make_events(3)
    web.login("auditor@t.test")
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    html = web.get("/audit/", query_string={"from": today.isoformat(), "to": today.isoformat()}).get_data(as_text=True)
    assert len(seqs(html)) >= 3
    html = web.get("/audit/", query_string={"to": (today - dt.timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert seqs(html) == []
    html = web.get("/audit/", query_string={"from": (today + dt.timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert seqs(html) == []
    resp = web.get("/audit/", query_string={"from": "yesterday"}, headers={"Accept-Language": "en"})
    assert resp.status_code == 200 and "A date could not be read" in resp.get_data(as_text=True)


def test_paging_keeps_the_filters(world, web):
    make_events(150, action="export.start")
    make_events(30, action="export.done")
    web.login("auditor@t.test")
    first = web.get("/audit/", query_string={"action": "export.start"}).get_data(as_text=True)
    shown = seqs(first)
    assert len(shown) == 100 and actions_of(shown) == {"export.start"}
    older = re.search(r'href="([^"]+)" id="audit-older"', first).group(1).replace("&amp;", "&")
    assert "action=export.start" in older and f"before={shown[-1]}" in older
    second = web.get(older).get_data(as_text=True)
    rest = seqs(second)
    assert len(rest) == 50 and actions_of(rest) == {"export.start"} and max(rest) < min(shown)
    assert 'id="audit-older"' not in second  # nothing older matches


def test_unknown_action_is_ignored_with_a_message(world, web):
    web.login("auditor@t.test")
    resp = web.get("/audit/", query_string={"action": "drop table"}, headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    assert "Unknown action: all actions are shown." in resp.get_data(as_text=True)


def test_a_user_object_reads_as_the_users_name(world, web):
    web.login("auditor@t.test")
    html = web.get("/audit/", query_string={"action": "user.create"}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"User: {world.officer.name}" in html
    assert "user " + str(world.officer.id) not in html
