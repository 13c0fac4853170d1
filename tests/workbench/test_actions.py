"""What the queue lets a user do: bulk claim and assignment (each audited), saved views (auditors
too), exports with formula cells neutralised; and what a firm's user never gets."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.extensions import db
from supervision.workbench import queue as queue_module
from supervision.workbench.models import SavedView
from tests.cases.conftest import then
from tests.workbench.conftest import ids, modelled, put_in_state, sign_in


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)).scalars())


def test_bulk_assignment_is_one_audited_assignment_per_case(world, web, queue):
    p, c, s = queue["p"], queue["c"], queue["s"]
    sign_in(web, "approver@t.test")
    html = web.get("/cases?tier=3").get_data(as_text=True)
    assert f"{world.officer.name} (1 open)" in html and f"{world.officer2.name} (0 open)" in html
    resp = web.post("/cases/assign", {"case": [f"{p.id}:{p.version}", f"{s.id}:{s.version}"],
                                      "assignee_id": world.officer2.id, "back": "tier=3"}, token_from="/cases")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/cases?tier=3")
    page = then(web, resp).get_data(as_text=True)
    assert f"2 cases now handled by {world.officer2.name}" in page
    db.session.expire_all()
    assert {db.session.get(Case, x.id).assignee_id for x in (p, s)} == {world.officer2.id}
    assert db.session.get(Case, c.id).assignee_id is None
    events = _events("case.assign")
    assert sorted(e.case_id for e in events) == sorted([p.id, s.id])
    assert {e.actor_email for e in events} == {"approver@t.test"}


def test_a_stale_or_foreign_case_is_skipped_with_the_reason(world, web, queue):
    p, c, o = queue["p"], queue["c"], queue["o"]
    sign_in(web, "approver@t.test")
    resp = web.post("/cases/assign", {"case": [f"{p.id}:{p.version + 5}", f"{c.id}:{c.version}",
                                               f"{o.id}:{o.version}"],
                                      "assignee_id": world.officer2.id}, token_from="/cases")
    page = then(web, resp).get_data(as_text=True)
    assert "Changed by someone else since the list was read." in page
    assert "Not found." in page
    assert "1 cases now handled by" in page
    assert [e.case_id for e in _events("case.assign")] == [c.id]


def test_an_officer_claims_in_bulk_for_themselves(world, web, queue):
    c, s = queue["c"], queue["s"]
    sign_in(web, "officer2@t.test")
    resp = web.post("/cases/assign", {"case": [f"{c.id}:{c.version}", f"{s.id}:{s.version}"],
                                      "assignee_id": world.officer2.id}, token_from="/cases")
    assert resp.status_code == 303
    assert sorted(e.case_id for e in _events("case.claim")) == sorted([c.id, s.id])
    assert sorted(ids(web, "/cases?scope=mine")) == sorted([c.id, s.id])


@pytest.mark.parametrize("who", ["approver", "other"])
def test_assigning_to_someone_outside_the_department_or_not_an_officer_is_refused(world, web, queue, who):
    c = queue["c"]
    target = {"approver": world.approver, "other": world.other_officer}[who]
    sign_in(web, "dual@t.test")
    page = then(web, web.post("/cases/assign", {"case": [f"{c.id}:{c.version}"], "assignee_id": target.id},
                              token_from="/cases")).get_data(as_text=True)
    assert "hoose an officer" in page
    assert _events("case.assign") == []


def test_saved_views_per_user(world, web, queue):
    sign_in(web, "officer@t.test")
    resp = web.post("/cases/views", {"name": "Overdue tier 3", "back": "tier=3&due=overdue&junk=1"},
                    token_from="/cases")
    assert resp.status_code == 303 and "tier=3" in resp.headers["Location"]
    view = db.session.execute(db.select(SavedView)).scalar_one()
    assert (view.name, view.query) == ("Overdue tier 3", "tier=3&due=overdue")
    html = web.get("/cases").get_data(as_text=True)
    assert 'href="/cases?tier=3&amp;due=overdue">Overdue tier 3</a>' in html
    assert ids(web, "/cases?" + view.query) == [queue["p"].id]
    # The same name again replaces it; another user does not see it.
    web.post("/cases/views", {"name": "Overdue tier 3", "back": "tier=1"}, token_from="/cases")
    db.session.expire_all()
    assert db.session.execute(db.select(SavedView.query)).scalars().all() == ["tier=1"]
    assert [e.action for e in _events("queue.view_save")] == ["queue.view_save", "queue.view_save"]
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "officer2@t.test")
    assert "Overdue tier 3" not in web.get("/cases").get_data(as_text=True)
    assert web.post(f"/cases/views/{view.id}/delete", {}, token_from="/cases").status_code == 404
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "officer@t.test")
    assert web.post(f"/cases/views/{view.id}/delete", {}, token_from="/cases").status_code == 303
    assert db.session.execute(db.select(SavedView)).first() is None
    assert len(_events("queue.view_delete")) == 1


def test_auditors_save_views_but_assign_nothing(world, web, queue):
    sign_in(web, "auditor@t.test")
    assert web.post("/cases/views", {"name": "All overdue", "back": "scope=overdue"},
                    token_from="/cases").status_code == 303
    assert db.session.execute(db.select(SavedView.name)).scalar_one() == "All overdue"
    c = queue["c"]
    resp = web.post("/cases/assign", {"case": [f"{c.id}:{c.version}"], "assignee_id": world.officer.id},
                    token_from="/cases")
    assert resp.status_code == 403
    assert _events("case.assign") == []


def test_a_firm_user_never_sees_a_regulator_queue(world, web, queue):
    sign_in(web, "a@firm-a.test")
    html = web.get("/cases").get_data(as_text=True)
    assert 'class="queue-tabs"' not in html and 'id="bulk"' not in html and "Saved views" not in html
    assert "Export this view" not in html
    assert sorted(ids(web, "/cases")) == sorted([queue["p"].id, queue["s"].id, queue["o"].id])
    assert ids(web, "/cases?scope=unassigned") == ids(web, "/cases")   # no tab to ask for
    assert ids(web, "/cases?firm=Firm+B") == []
    assert web.get("/cases/export.csv").status_code == 403
    assert web.get("/cases/export.xlsx").status_code == 403
    c = queue["c"]
    assert web.post("/cases/views", {"name": "x"}, token_from="/cases").status_code == 403
    assert web.post("/cases/assign", {"case": [f"{c.id}:{c.version}"], "assignee_id": world.officer.id},
                    token_from="/cases").status_code == 403


@pytest.fixture
def risky(world, queue, monkeypatch):
    """Titles a spreadsheet would run as formulas, and more rows than a page or a batch."""
    monkeypatch.setattr(queue_module, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue_module, "EXPORT_BATCH", 2)
    for title in ("=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"):
        case = modelled(world, title)
        case.title = title
    db.session.commit()
    return queue


def test_csv_export_has_every_row_and_no_formula(world, web, risky):
    sign_in(web, "officer@t.test")
    resp = web.get("/cases/export.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True).lstrip("\ufeff")
    resp.close()  # a server closes the response, and with it the spooled file
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Number", "Type", "Title"]
    assert len(rows) == 1 + 9
    titles = [r[2] for r in rows[1:]]
    for risky_title in ("=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"):
        assert "'" + risky_title in titles
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for r in rows[1:] for cell in r)


def test_xlsx_export_follows_the_filter(world, web, risky):
    sign_in(web, "officer@t.test")
    resp = web.get("/cases/export.xlsx?tier=3")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    resp.close()
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + 2
    assert {r[5] for r in rows[1:]} == {"Porter P1", "Security S3"}
    resp = web.get("/cases/export.xlsx")
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    resp.close()
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(re.match(r"^[=+\-@\t\r]", c) for c in cells)


def test_a_closed_case_has_no_tick_box_and_bulk_assignment_skips_it(world, web, queue):
    c, s = queue["c"], queue["s"]
    put_in_state(c, "refused")
    sign_in(web, "approver@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert f'value="{s.id}:{s.version}" form="bulk"' in html
    row = html.split(f'data-case="{c.id}"')[1].split("</tr>")[0]
    assert 'type="checkbox"' not in row
    page = then(web, web.post("/cases/assign", {"case": [f"{c.id}:{c.version}"], "assignee_id": world.officer2.id},
                              token_from="/cases")).get_data(as_text=True)
    assert f"{c.number}: This case is closed: nobody can be assigned to it any more." in page
    assert _events("case.assign") == []


def test_the_officers_workload_stops_at_the_cap(world, web, queue, monkeypatch):
    """The workload beside the bulk assignment is a bounded count (read from an index), like the
    tabs': an officer with more open cases than the cap reads "999+" (here the cap is 2)."""
    monkeypatch.setattr(queue_module, "COUNT_CAP", 2)
    for title in ("Fourth", "Fifth"):
        modelled(world, title).assignee_id = world.officer.id
    db.session.commit()
    sign_in(web, "approver@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert f"{world.officer.name} (1+ open)" in html and f"{world.officer2.name} (0 open)" in html
