"""The regulators' queue leaves out firms' unsubmitted drafts (issue 10, pages): no tab lists
them, no count includes them, no export carries them; once the firm submits, they are work."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from supervision.cases import services
from supervision.extensions import db
from tests.workbench.conftest import modelled, sign_in, tab_count, walk

REGULATORS = ["officer@t.test", "approver@t.test", "dual@t.test", "auditor@t.test"]


def logout(web) -> None:
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})


@pytest.fixture
def drafts(world, queue):
    """Two drafts beside the usual queue: firm A's overdue one and firm B's tier-3 one."""
    late = modelled(world, "Draft Porter D1", tier=3, due_in=-4, state="draft")
    other = modelled(world, "Draft Cleaner D2", tier=3, firm=world.firm_b, applicant=world.applicant_b,
                     state="draft")
    db.session.commit()
    return late, other


def tabs(html: str) -> list[str]:
    return re.findall(r'data-tab="(\w+)"', html)


def exported_titles(web) -> tuple[list[str], list[str]]:
    resp = web.get("/cases/export.csv")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    resp.close()
    resp = web.get("/cases/export.xlsx")
    assert resp.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(resp.get_data())).active.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    resp.close()
    return [r[2] for r in rows[1:]], cells


def _counts(web) -> dict[str, str]:
    html = web.get("/cases").get_data(as_text=True)
    return {t: tab_count(html, t) for t in tabs(html)}


@pytest.mark.parametrize("who", REGULATORS)
def test_no_tab_count_or_export_shows_a_draft(world, web, queue, drafts, who):
    hidden = {d.id for d in drafts}
    sign_in(web, who)
    html = web.get("/cases").get_data(as_text=True)
    assert "Draft Porter D1" not in html and "Draft Cleaner D2" not in html
    for tab in tabs(html):
        assert not hidden & set(walk(web, f"/cases?scope={tab}")), tab
    assert not hidden & set(walk(web, "/cases?q=Draft"))
    assert not hidden & set(walk(web, "/cases?state=draft"))
    if who == "approver@t.test":  # exports are the officers' and auditors'
        return
    titles, cells = exported_titles(web)
    assert titles and not {"Draft Porter D1", "Draft Cleaner D2"} & {*titles, *cells}


def test_the_counts_are_those_without_the_drafts_and_a_submitted_one_joins_them(world, web, queue,
                                                                                  complete_applications):
    sign_in(web, "officer@t.test")
    before = _counts(web)
    titles_before, _cells = exported_titles(web)
    logout(web)
    late = modelled(world, "Draft Porter D1", tier=3, due_in=-4, state="draft")
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert _counts(web) == before
    assert exported_titles(web)[0] == titles_before
    services.fire(late, "submit", actor=world.applicant_a)
    db.session.commit()
    after = _counts(web)
    assert int(after["all"]) == int(before["all"]) + 1
    assert int(after["unassigned"]) == int(before["unassigned"]) + 1
    assert late.id in walk(web, "/cases?scope=unassigned")
    assert "Draft Porter D1" in exported_titles(web)[0]
