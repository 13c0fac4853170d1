"""The case list's order, read page by page as an officer walks it: overdue cases first (by
due date), then the rest by due date — a paused clock is not overdue, whatever its due date —,
then the cases without a due date, newest first; on every page size, including pages that
straddle two of these groups, and with a case assigned to the officer in another department."""
from __future__ import annotations

from supervision.cases.models import CaseRole

import datetime as dt
import html as htmllib
import re

import pytest

from supervision.workbench import queue as queries
from supervision.core.timeutil import local_today
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in
from tests.factories import CaseFactory

NEXT = re.compile(r'<a href="([^"]+)">[^<]*→</a>')


def listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr class="[^"]*" data-case="(\d+)"', html)]


def walk(web, path: str = "/cases") -> tuple[list[int], int]:
    """Every case id of the list, following "Next" from page 1; and the number of pages."""
    ids, pages = [], 0
    while path:
        html = web.get(path).get_data(as_text=True)
        ids += listed(html)
        pages += 1
        match = NEXT.search(html)
        path = htmllib.unescape(match.group(1)) if match else None
    return ids, pages


def dated(world, title: str, due_in_days: int, *, paused: bool = False, **kw):
    case = kw.pop("case", None) or world.case(title=title, **kw)
    put_in_state(case, "submitted")
    if paused:
        put_in_state(case, "accepted")
        put_in_state(case, "procedure_pause")   # the decision clock stops (testing, Art. 45)
        assert case.clock_paused_at is not None
    case.due_date = local_today() + dt.timedelta(days=due_in_days)
    db.session.commit()
    return case


def undated(world, title: str):
    """A case in a state with no clock (registered; a firm's draft is not on the list)."""
    case = world.case(title=title)
    put_in_state(case, "registered")
    return case


@pytest.fixture
def mixed(world):
    """Cases in every group, created in this order (a later case is newer)."""
    c = {}
    c["no_due_old"] = undated(world, "no due, older")
    c["soon"] = dated(world, "due in 2 days", 2)
    c["late_3"] = dated(world, "3 days late", -3)
    c["paused_20"] = dated(world, "paused, due 20 days ago", -20, paused=True)
    c["later"] = dated(world, "due in 9 days", 9)
    c["late_10"] = dated(world, "10 days late", -10)
    c["soon_newer"] = dated(world, "also due in 2 days", 2)
    c["paused_1"] = dated(world, "paused, due yesterday", -1, paused=True)
    c["today"] = dated(world, "due today", 0)
    c["no_due_new"] = undated(world, "no due, newer")
    return c


EXPECTED = ["late_10", "late_3",                      # overdue, earliest due date first
            "paused_20", "paused_1",                  # paused: not overdue, by due date
            "today", "soon_newer", "soon", "later",   # same due date: newest first
            "no_due_new", "no_due_old"]               # no due date last, newest first


@pytest.mark.parametrize("page_size", [50, 3, 4, 1])
def test_the_list_reads_overdue_then_paused_then_due_then_undated(world, web, mixed, monkeypatch, page_size):
    monkeypatch.setattr(queries, "PAGE_SIZE", page_size)
    sign_in(web, "officer@t.test")
    ids, pages = walk(web)
    assert ids == [mixed[k].id for k in EXPECTED]
    assert pages == -(-len(EXPECTED) // page_size)
    html = web.get("/cases").get_data(as_text=True)
    assert f'<tr class="overdue" data-case="{mixed["late_10"].id}"' in html
    assert "10 cases" in html


def test_a_case_assigned_to_the_officer_elsewhere_takes_its_place_in_the_order(world, web, mixed, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    elsewhere = CaseFactory(firm=world.firm_a, department=world.other_department, actor=world.applicant_a,
                            title="assigned across departments")
    # Handed across departments (no page does this today; the people table allows it).
    elsewhere.assignee_id = world.officer.id
    db.session.add(CaseRole(case_id=elsewhere.id, user_id=world.officer.id, role="assignee", source="test"))
    dated(world, "", -5, case=elsewhere)
    other = CaseFactory(firm=world.firm_b, department=world.other_department, actor=world.applicant_b,
                        title="not ours")
    dated(world, "", -4, case=other)
    order = [mixed[k].id for k in EXPECTED]
    order.insert(1, elsewhere.id)                     # 5 days late: between 10 and 3 days late
    sign_in(web, "officer@t.test")
    assert walk(web)[0] == order
    # A colleague of the same department does not see it; the other department's officer does.
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "officer2@t.test")
    assert walk(web)[0] == [mixed[k].id for k in EXPECTED]
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "other@t.test")
    assert walk(web)[0] == [elsewhere.id, other.id]


def test_filters_keep_the_order(world, web, mixed, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    sign_in(web, "officer@t.test")
    submitted = [k for k in EXPECTED if mixed[k].state == "submitted"]
    assert walk(web, "/cases?state=submitted")[0] == [mixed[k].id for k in submitted]
    assert walk(web, "/cases?state=procedure_pause")[0] == [mixed["paused_20"].id, mixed["paused_1"].id]


@pytest.mark.parametrize("after", ["nonsense", "W10", "x" * 500, "WyJ0aWVyIiwwLDFd"])
def test_a_forged_or_stale_next_link_starts_at_the_first_page(world, web, mixed, monkeypatch, after):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    sign_in(web, "officer@t.test")
    resp = web.get("/cases?after=" + after)
    assert resp.status_code == 200
    assert listed(resp.get_data(as_text=True)) == [mixed[k].id for k in EXPECTED[:4]]
