"""The queue as an officer, an approver and an auditor use it: tabs and their counts, each filter,
the search, each sort walked page by page, and what a row shows."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from supervision.cases.models import Case
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.workbench import queue as queue_module
from tests.workbench.conftest import NEXT, assess, ids, modelled, propose, sign_in, tab_count, walk


def test_a_row_shows_what_triage_needs(world, web, queue):
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    row = html[html.index(f'data-case="{queue["p"].id}"'):]
    row = row[:row.index("</tr>")]
    for shown in ("Registration", "Firm A", "Porter P1", ">3<", "Submitted", "working days overdue",
                  world.officer.name, queue["p"].number):
        assert shown in row, shown
    assert 'class="overdue"' in html


def test_the_officers_tabs_and_counts(world, web, queue):
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert 'data-tab="approval"' not in html            # an officer approves nothing
    assert [tab_count(html, t) for t in ("all", "mine", "department", "unassigned", "overdue")] == \
        ["3", "1", "3", "2", "1"]
    p, c, s = queue["p"], queue["c"], queue["s"]
    assert ids(web, "/cases?scope=mine") == [p.id]
    assert sorted(ids(web, "/cases?scope=unassigned")) == sorted([c.id, s.id])
    assert ids(web, "/cases?scope=overdue") == [p.id]
    assert sorted(ids(web, "/cases?scope=department")) == sorted([p.id, c.id, s.id])


def test_awaiting_approval_shows_the_departments_proposals_the_approver_did_not_make(world, web, queue):
    own = modelled(world, "Own proposal")
    propose(own, world.dual)                            # four eyes: not the dual role's to approve
    sign_in(web, "dual@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert tab_count(html, "approval") == "1"
    assert ids(web, "/cases?scope=approval") == [queue["s"].id]
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "approver@t.test")
    assert sorted(ids(web, "/cases?scope=approval")) == sorted([queue["s"].id, own.id])


def test_counts_stop_at_the_cap(world, web, queue, monkeypatch):
    monkeypatch.setattr(queue_module, "COUNT_CAP", 3)
    modelled(world, "Fourth")
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert tab_count(html, "all") == "2+"
    assert tab_count(html, "mine") == "1"
    assert "2+ cases" in html


@pytest.mark.parametrize("args, expected", [
    ("tier=3", ["p", "s"]),
    ("tier=1", ["c"]),
    ("state=submitted", ["p", "c", "s"]),
    ("state=draft", []),
    ("firm=Firm+B", ["c"]),
    ("firm=乙公司", ["c"]),
    ("due=overdue", ["p"]),
    ("due=7", ["p", "c"]),
    ("due=1", ["p"]),
    ("case_type=registration", ["p", "c", "s"]),
    ("case_type=assessment", []),
    ("tier=3&scope=unassigned", ["s"]),
])
def test_each_filter(world, web, queue, args, expected):
    sign_in(web, "officer@t.test")
    assert sorted(ids(web, "/cases?" + args)) == sorted(queue[k].id for k in expected)


def test_the_firm_filter_takes_a_credit_code(world, web, queue):
    sign_in(web, "officer@t.test")
    assert ids(web, "/cases?firm=" + world.firm_b.credit_code.lower()) == [queue["c"].id]


def test_date_ranges(world, web, queue):
    p, c, s = queue["p"], queue["c"], queue["s"]
    p.created_at = utcnow() - dt.timedelta(days=40)
    c.updated_at = utcnow() - dt.timedelta(days=20)
    db.session.commit()
    sign_in(web, "officer@t.test")
    month_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    assert ids(web, f"/cases?opened_to={month_ago}") == [p.id]
    assert sorted(ids(web, f"/cases?opened_from={month_ago}")) == sorted([c.id, s.id])
    assert ids(web, f"/cases?active_to={month_ago}") == []
    assert sorted(ids(web, f"/cases?active_from={month_ago}")) == sorted([p.id, c.id, s.id])
    ten_days_ago = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert ids(web, f"/cases?active_to={ten_days_ago}") == [c.id]


def test_a_sandbox_tests_tier_is_its_models_newest_tier_in_the_filter_as_in_the_column(world, web):
    from supervision.cases.services import fire
    from supervision.registry.models import Registration
    from tests.sandbox.conftest import coded_units, complete_plan

    older = db.session.get(Case, modelled(world, "Patrol-1").id)
    newer = db.session.get(Case, modelled(world, "Patrol-1 bis").id)
    reg_old = db.session.execute(db.select(Registration).where(Registration.case_id == older.id)).scalar_one()
    reg_new = db.session.execute(db.select(Registration).where(Registration.case_id == newer.id)).scalar_one()
    reg_old.tier, reg_new.model_id, reg_new.tier = 2, reg_old.model_id, 3
    test = complete_plan(world, coded_units(world))
    test.model_id = reg_old.model_id
    fire(test.case, "submit", actor=world.applicant_a)
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert test.case_id in ids(web, "/cases?tier=3&case_type=sandbox")
    assert test.case_id not in ids(web, "/cases?tier=2&case_type=sandbox")
    reg_new.tier = None            # the newest registration without a tier: the older one's counts
    db.session.commit()
    assert ids(web, "/cases?tier=2&case_type=sandbox") == [test.case_id]
    assert ids(web, "/cases?tier=3&case_type=sandbox") == []
    html = web.get("/cases?tier=2&case_type=sandbox").get_data(as_text=True)
    row = html[html.index(f'data-case="{test.case_id}"'):]
    assert re.search(r'class="tier">2</td>', row[:row.index("</tr>")])  # the column agrees with the filter


def test_search_reads_number_firm_credit_code_model_and_model_code(world, web, queue):
    from supervision.units.models import ModelCode

    p, c = queue["p"], queue["c"]
    db.session.add(ModelCode(model_id=db.session.execute(
        db.select(db.text("model_id FROM registrations WHERE case_id = :c")), {"c": c.id}).scalar(),
        code="QX7A", source="registration"))
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert ids(web, "/cases?q=" + p.number) == [p.id]
    assert ids(web, "/cases?q=" + p.number.lower()) == [p.id]
    assert sorted(ids(web, "/cases?q=" + p.number.split("-")[0] + "-")) == sorted([p.id, c.id, queue["s"].id])
    assert ids(web, "/cases?q=porter") == [p.id]
    assert ids(web, "/cases?q=qx7a") == [c.id]
    assert ids(web, "/cases?q=Firm+B") == [c.id]
    assert ids(web, "/cases?q=" + world.firm_b.credit_code) == [c.id]
    assert ids(web, "/cases?q=100%25") == []            # a LIKE wildcard is a plain character
    assert ids(web, "/cases?q=elsewhere") == []         # another department's case stays hidden


def test_every_installed_type_is_listed_without_naming_it(world, web, queue):
    a = assess(world, "A measure under assessment")
    sign_in(web, "officer@t.test")
    html = web.get("/cases?case_type=assessment").get_data(as_text=True)
    assert [a.id] == ids(web, "/cases?case_type=assessment")
    assert "(department)" in html and "Market-access measure assessment" in html


@pytest.mark.parametrize("size", [1, 2, 50])
def test_each_sort_walks_every_case_once_in_order(world, web, queue, monkeypatch, size):
    monkeypatch.setattr(queue_module, "PAGE_SIZE", size)
    p, c, s = queue["p"], queue["c"], queue["s"]
    extra = modelled(world, "No tier")
    extra.due_date = None
    p.created_at, c.created_at, s.created_at = (utcnow() - dt.timedelta(days=d) for d in (3, 9, 1))
    extra.created_at = utcnow() - dt.timedelta(days=5)
    p.updated_at, c.updated_at, s.updated_at = (utcnow() - dt.timedelta(hours=h) for h in (5, 1, 9))
    extra.updated_at = utcnow() - dt.timedelta(hours=3)
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert walk(web, "/cases") == [p.id, c.id, extra.id, s.id]   # overdue, due, then undated newest first
    assert walk(web, "/cases?sort=age") == [c.id, extra.id, p.id, s.id]
    assert walk(web, "/cases?sort=activity") == [c.id, extra.id, p.id, s.id]
    assert walk(web, "/cases?sort=tier") == [s.id, p.id, c.id, extra.id]


def test_filters_and_sort_live_in_the_url(world, web, queue, monkeypatch):
    monkeypatch.setattr(queue_module, "PAGE_SIZE", 1)
    sign_in(web, "officer@t.test")
    html = web.get("/cases?tier=3&sort=tier").get_data(as_text=True)
    next_link = NEXT.search(html).group(1)
    assert "tier=3" in next_link and "sort=tier" in next_link and "after=" in next_link
    assert walk(web, "/cases?tier=3&sort=tier") == [queue["s"].id, queue["p"].id]


def test_auditors_see_every_department(world, web, queue):
    sign_in(web, "auditor@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert sorted(listed_ids := ids(web, "/cases")) == sorted(case.id for case in queue.values())
    assert listed_ids
    assert 'id="bulk"' not in html                      # they read; they assign nothing
    assert 'data-tab="mine"' not in html


def test_a_closed_case_is_not_unassigned_work(world, web, queue):
    queue["c"].state = "refused"
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert ids(web, "/cases?scope=unassigned") == [queue["s"].id]
    assert db.session.get(Case, queue["c"].id).state == "refused"


def test_a_model_name_is_searched_through_its_index_and_follows_a_rename(world, web, queue):
    """On SQLite the model names are searched in their FTS5 trigram table (kept by triggers),
    never by scanning the models; a renamed model is found by its new name only."""
    from supervision.core import textsearch
    from supervision.registry.models import Registration, RobotModel

    p = queue["p"]
    condition = str(textsearch.contains(RobotModel.name, "porter").compile(db.engine))
    if db.engine.dialect.name == "sqlite":
        assert "search_robot_models MATCH" in condition
    model = db.session.get(RobotModel, db.session.execute(
        db.select(Registration.model_id).where(Registration.case_id == p.id)).scalar())
    model.name = "Courier K9"
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert ids(web, "/cases?q=courier") == [p.id]
    assert ids(web, "/cases?q=porter") == []
    assert ids(web, "/cases?q=k9") == [p.id]        # two characters: no trigram, the name is read
