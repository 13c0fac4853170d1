"""The case list: who sees which cases, filters, claim and assign, overdue first, and a fixed
number of queries whatever the number of rows."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.core.fragments import fragment_cache
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, then
from tests.conftest import recorded_statements


def listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr class="[^"]*" data-case="(\d+)"', html)]


def logout(web) -> None:
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})


@pytest.fixture
def cases(world):
    """a: firm A, submitted, officer's; b: firm B, in classification review, unassigned; c: other
    department (all submitted: a firm's draft is its alone, see test_drafts)."""
    from tests.factories import CaseFactory

    a = world.case(title="Porter robot")
    put_in_state(a, "submitted")
    a.assignee_id = world.officer.id
    db.session.commit()
    b = world.case(firm=world.firm_b, title="Care robot", actor=world.applicant_b)
    put_in_state(b, "classification_review")
    c = CaseFactory(firm=world.firm_a, department=world.other_department, actor=world.applicant_a,
                    title="Market case")
    put_in_state(c, "submitted")
    return a, b, c


def test_officers_see_their_departments_cases(world, web, cases):
    a, b, c = cases
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert sorted(listed(html)) == sorted([a.id, b.id])
    row = html[html.index(f'data-case="{a.id}"'):]
    row = row[:row.index("</tr>")]
    for shown in ("Registration", "Firm A", "Submitted", "working days left",
                  world.officer.name, "Porter robot"):
        assert shown in row, shown


def test_the_scope_filter_mine_and_unassigned(world, web, cases):
    a, b, c = cases
    sign_in(web, "officer@t.test")
    assert listed(web.get("/cases?scope=mine").get_data(as_text=True)) == [a.id]
    assert listed(web.get("/cases?scope=unassigned").get_data(as_text=True)) == [b.id]


def test_filters_by_state_and_type(world, web, cases):
    a, b, c = cases
    sign_in(web, "officer@t.test")
    assert listed(web.get("/cases?state=submitted").get_data(as_text=True)) == [a.id]
    assert listed(web.get("/cases?state=classification_review").get_data(as_text=True)) == [b.id]
    assert sorted(listed(web.get("/cases?case_type=registration").get_data(as_text=True))) == sorted([a.id, b.id])


@pytest.mark.parametrize("query", ["state=nonsense", "case_type=<script>", "scope=everyone",
                                   "state=" + "x" * 5000])
def test_a_bad_filter_answers_cleanly_with_all_cases(world, web, cases, query):
    a, b, c = cases
    sign_in(web, "officer@t.test")
    resp = web.get("/cases?" + query)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Some filters could not be read and were left out." in html
    assert sorted(listed(html)) == sorted([a.id, b.id])
    assert "<script>" not in html.split("<main>", 1)[1]


@pytest.mark.parametrize("page", ["-5", "0", "abc", "99999999999999999999", "3"])
def test_any_page_number_answers_with_a_page(world, web, cases, page):
    sign_in(web, "officer@t.test")
    resp = web.get(f"/cases?page={page}")
    assert resp.status_code == 200
    assert len(listed(resp.get_data(as_text=True))) == 2


def test_firms_see_only_their_own_cases(world, web, cases):
    a, b, c = cases
    sign_in(web, "a@firm-a.test")
    assert sorted(listed(web.get("/cases").get_data(as_text=True))) == sorted([a.id, c.id])
    logout(web)
    sign_in(web, "b@firm-b.test")
    assert listed(web.get("/cases").get_data(as_text=True)) == [b.id]


def test_auditors_see_every_case(world, web, cases):
    sign_in(web, "auditor@t.test")
    assert sorted(listed(web.get("/cases").get_data(as_text=True))) == sorted(c.id for c in cases)


def test_overdue_cases_come_first(world, web):
    fresh = world.case(title="fresh")
    put_in_state(fresh, "submitted")
    late = world.case(title="late")
    put_in_state(late, "submitted")
    late.due_date = local_today() - dt.timedelta(days=10)
    db.session.commit()
    idle = world.case(title="no clock")
    put_in_state(idle, "registered")
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert listed(html) == [late.id, fresh.id, idle.id]
    assert f'<tr class="overdue" data-case="{late.id}"' in html
    assert "working days overdue" in html


def test_claim_from_the_list_is_audited(world, web, cases):
    a, b, c = cases
    sign_in(web, "officer2@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert f'action="/cases/{b.id}/claim"' in html and f'action="/cases/{a.id}/claim"' not in html
    resp = web.post(f"/cases/{b.id}/claim", {"version": b.version}, token_from="/cases")
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, b.id).assignee_id == world.officer2.id
    ev = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case.claim")).scalar_one()
    assert (ev.case_id, ev.actor_email) == (b.id, "officer2@t.test")
    # Claimed once, it cannot be claimed again.
    logout(web)
    sign_in(web, "officer@t.test")
    db.session.expire_all()
    resp = web.post(f"/cases/{b.id}/claim", {"version": db.session.get(Case, b.id).version},
                    token_from="/cases")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, b.id).assignee_id == world.officer2.id


def test_assign_on_the_case_page_is_audited(world, web, cases):
    a, b, c = cases
    sign_in(web, "approver@t.test")
    html = web.get(f"/cases/{b.id}").get_data(as_text=True)
    assert "Claim this case" not in html  # approvers assign; only officers claim
    resp = web.post(f"/cases/{b.id}/assign", {"version": b.version, "assignee_id": world.officer2.id},
                    token_from=f"/cases/{b.id}")
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, b.id).assignee_id == world.officer2.id
    ev = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case.assign")).scalar_one()
    assert (ev.case_id, ev.actor_email) == (b.id, "approver@t.test")


@pytest.mark.parametrize("who", ["other", "approver", "auditor", "nobody"])
def test_assigning_to_someone_who_is_not_an_officer_of_the_department_is_refused(world, web, cases, who):
    a, b, c = cases
    target = {"other": world.other_officer.id, "approver": world.approver.id,
              "auditor": world.auditor.id, "nobody": "x"}[who]
    sign_in(web, "approver@t.test")
    resp = web.post(f"/cases/{b.id}/assign", {"version": b.version, "assignee_id": target},
                    token_from=f"/cases/{b.id}")
    resp = then(web, resp)
    assert resp.status_code == 200
    assert "Choose an officer of the case&#39;s department." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, b.id).assignee_id is None
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case.assign")).first() is None


def test_firms_and_auditors_cannot_claim_or_assign(world, web, cases):
    a, b, c = cases
    for email in ("b@firm-b.test", "auditor@t.test"):
        sign_in(web, email)
        assert web.post(f"/cases/{b.id}/claim", {"version": b.version}, token_from="/cases").status_code == 403
        assert web.post(f"/cases/{b.id}/assign", {"version": b.version, "assignee_id": world.officer.id},
                        token_from="/cases").status_code == 403
        logout(web)
    db.session.expire_all()
    assert db.session.get(Case, b.id).assignee_id is None


def _statements_for(web, path: str) -> int:
    fragment_cache.clear()  # the page as rendered from the database, not as kept (core/fragments.py)
    with recorded_statements() as statements:
        assert web.get(path).status_code == 200
    return len(statements)


def test_the_list_loads_in_a_fixed_number_of_queries(world, web):
    people = [world.officer, world.officer2, world.dual, None]
    firms = [(world.firm_a, world.applicant_a), (world.firm_b, world.applicant_b)]

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            firm, applicant = firms[i % 2]
            case = world.case(firm=firm, actor=applicant, title=f"model {i}")
            case.assignee_id = people[i % 4].id if people[i % 4] else None
            put_in_state(case, ["submitted", "classification_review", "supplement_requested", "accepted"][i % 4])

    make(5, 0)
    sign_in(web, "officer@t.test")
    web.get("/cases")  # warm caches (calendar, templates)
    few = _statements_for(web, "/cases")
    make(35, 5)
    many = _statements_for(web, "/cases")
    assert len(listed(web.get("/cases").get_data(as_text=True))) == 40
    assert many == few
    assert few <= 12


def test_a_closed_case_offers_no_assignment_and_the_server_refuses_one(world, web, cases):
    a, b, c = cases
    put_in_state(a, "withdrawn")
    sign_in(web, "approver@t.test")
    html = web.get(f"/cases/{a.id}").get_data(as_text=True)
    assert 'name="assignee_id"' not in html and f"/cases/{a.id}/assign" not in html
    resp = then(web, web.post(f"/cases/{a.id}/assign", {"version": a.version, "assignee_id": world.officer2.id},
                              token_from=f"/cases/{a.id}"))
    assert "This case is closed: nobody can be assigned to it any more." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, a.id).assignee_id == world.officer.id
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case.assign")).first() is None
