"""The regulators' dashboard: its figures equal what the data says; auditors read it and send
nothing; firms are refused."""
from __future__ import annotations

import datetime as dt
import re

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.dashboard import figures
from supervision.decisions.models import Decision
from supervision.extensions import db
from tests.cases.conftest import put_in_state
from tests.dashboard.conftest import sign_in


def cell(page: str, table: str, row_attrs: str, cls: str) -> str:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    row = body.split(row_attrs)[1].split("</tr>")[0]
    return re.search(rf'class="{cls}">([^<]*)<', row).group(1)


def decided_after(case_id: int, days: float) -> None:
    """Open the case ``days`` before its first decision."""
    first = db.session.execute(db.select(db.func.min(Decision.issued_at)).where(Decision.case_id == case_id)).scalar()
    db.session.get(Case, case_id).created_at = first - dt.timedelta(days=days)


def test_median_and_90th_percentile_time_to_decision_per_case_type(world, web, running):
    regs = db.session.execute(db.select(Case.id).where(Case.case_type == "registration").order_by(Case.id)).scalars().all()
    assert len(regs) == 2
    decided_after(regs[0], 10)
    decided_after(regs[1], 20)
    decided_after(running.case_id, 4)
    db.session.commit()
    sign_in(web, "auditor@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    assert cell(page, "timing", 'data-type="registration"', "median") == "15.0"
    assert cell(page, "timing", 'data-type="registration"', "p90") == "19.0"
    assert cell(page, "timing", 'data-type="sandbox"', "median") == "4.0"


def decided_copy(world, template: Decision, days: float) -> Case:
    """Test set-up: a new submitted registration case decided ``days`` after it was opened, by a
    decision of the same kind as ``template`` (its stored document reused)."""
    case = world.case(title=f"Decided after {days}")
    put_in_state(case, "submitted")
    issued = template.issued_at
    db.session.add(Decision(case_id=case.id, kind=template.kind, number=f"T-{case.id}", serial=100000 + case.id,
                            year=template.year, department_id=case.department_id,
                            snapshot="{}", snapshot_sha256="0" * 64, document_id=template.document_id,
                            pdf_sha256="0" * 64, token=f"t{case.id}", issued_at=issued))
    case.created_at = issued - dt.timedelta(days=days)
    db.session.commit()
    return case


def test_time_to_decision_on_a_known_set_in_sql(world, web, running):
    """Spans 1.5, 2, 4, 8 and 30 days: median 4, 90th percentile 8 + (30 - 8) x 0.6 = 21.2 (linear
    interpolation between the closest ranks)."""
    regs = db.session.execute(db.select(Case.id).where(Case.case_type == "registration").order_by(Case.id)).scalars().all()
    decided_after(regs[0], 1.5)
    decided_after(regs[1], 2)
    template = db.session.execute(db.select(Decision).where(Decision.case_id == regs[0],
                                                            Decision.kind.in_(figures._deciding_kinds()))
                                  .order_by(Decision.issued_at)).scalars().first()
    for days in (30, 4, 8):
        decided_copy(world, template, days)
    timing = {t.case_type: t for t in figures.time_to_decision(world.auditor)}
    assert (timing["registration"].decided, timing["registration"].median_days, timing["registration"].p90_days) \
        == (5, 4.0, 21.2)
    sign_in(web, "auditor@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    assert cell(page, "timing", 'data-type="registration"', "median") == "4.0"
    assert cell(page, "timing", 'data-type="registration"', "p90") == "21.2"


def test_open_cases_overdue_due_this_week_and_decisions_this_month(world, web, running):
    today = local_today()
    late = world.case(title="Late one")
    soon = world.case(title="Soon one")
    draft = world.case(title="A firm's draft")
    draft.due_date = today - dt.timedelta(days=1)  # not counted: the firm's alone
    for case, due in ((late, today - dt.timedelta(days=3)), (soon, today + dt.timedelta(days=2))):
        put_in_state(case, "submitted")
        case.due_date = due
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    assert cell(page, "clocks", 'data-type="registration"', "overdue-n") == "1"
    assert cell(page, "clocks", 'data-type="registration"', "week-n") == "1"
    decisions = db.session.execute(db.select(db.func.count(Decision.id))).scalar()
    assert decisions >= 3
    assert re.search(r'id="fig-decisions-month"><div class="n">(\d+)<', page).group(1) == str(decisions)
    # Open cases by type and state: the sandbox test in testing and the two submitted (no draft).
    assert re.search(r'data-type="sandbox" data-state="testing">.*?>(\d+)</a>', page, re.S).group(1) == "1"
    assert re.search(r'data-type="registration" data-state="submitted">.*?>(\d+)</a>', page, re.S).group(1) == "2"
    assert 'data-state="draft"' not in page
    # The test in progress is listed with a link to its map.
    assert 'id="sandbox-in-progress"' in page and f"/sandbox/{running.case_id}#fence-map" in page
    assert "<svg" in page and "Cases opened per month" in page


def test_another_departments_officer_sees_none_of_these_cases(world, web, running):
    sign_in(web, "other@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    assert 'data-type="sandbox" data-state="testing"' not in page
    assert re.search(r'id="fig-decisions-month"><div class="n">(\d+)<', page).group(1) == "0"


def test_firms_are_refused_and_auditors_cannot_post(world, web):
    sign_in(web, "a@firm-a.test")
    for path in ("/dashboard", "/statistics", "/statistics.csv", "/statistics.xlsx"):
        assert web.get(path).status_code == 403, path


def test_auditors_read_but_cannot_post(world, web):
    sign_in(web, "auditor@t.test")
    assert web.get("/dashboard").status_code == 200
    for path in ("/dashboard", "/statistics"):
        assert web.post(path, {}, token_from="/dashboard").status_code in (403, 405)


def test_the_dashboard_reads_in_a_fixed_number_of_statements(world, web, running):
    from tests.cases.test_case_list import _statements_for

    def make(n: int) -> None:
        today = local_today()
        for i in range(n):
            case = world.case(title=f"Model {i}")
            case.due_date = today + dt.timedelta(days=i - n // 2)
        db.session.commit()

    make(3)
    sign_in(web, "officer@t.test")
    web.get("/dashboard")  # warm caches (calendar, templates)
    few = _statements_for(web, "/dashboard")
    make(30)
    assert _statements_for(web, "/dashboard") == few


def test_the_firm_page_reads_in_a_fixed_number_of_statements(world, web, running, monkeypatch):
    """Each tab of the firm's home page costs the same statements with more cases and more
    models stored and shown than before."""
    from supervision.registry import firm_models
    from tests.cases.test_case_list import _statements_for
    from tests.registry.conftest import make_registration

    sign_in(web, "a@firm-a.test")
    web.get("/firm")
    pages = ("/firm", "/firm?tab=models", "/firm?tab=codes", "/firm?tab=sandbox")
    few = [_statements_for(web, p) for p in pages]
    for i in range(20):
        world.case(title=f"Model {i}")
    for i in range(12):  # more models than the models tab shows (its first page)
        make_registration(world, name=f"Robot {i}")
    db.session.commit()
    monkeypatch.setattr(firm_models, "PAGE_SIZE", 5)
    assert [_statements_for(web, p) for p in pages] == few


def test_trends_count_cases_and_decisions_in_their_shanghai_month(world, running):
    today = local_today()
    this_month = figures.month_start(today)
    # Opened at 17:00 UTC on the last day of last month: already this month in Shanghai.
    edge = world.case(title="Edge")
    edge.created_at = dt.datetime.combine(this_month - dt.timedelta(days=1), dt.time(17, 0))
    old = world.case(title="Old")
    old.created_at = dt.datetime.combine(figures.month_start(today, 3), dt.time(12, 0))
    for case in (edge, old):
        put_in_state(case, "submitted")  # a draft is not before the authority yet
    trend = figures.trends(world.auditor, today)
    assert trend.months[-1] == f"{today:%Y-%m}" and len(trend.months) == 12
    registrations = db.session.execute(db.select(db.func.count(Case.id)).where(
        Case.case_type == "registration")).scalar()
    assert trend.opened["registration"][-1] == registrations - 1
    assert trend.opened["registration"][-4] == 1
    assert sum(trend.decisions) == db.session.execute(db.select(db.func.count(Decision.id))).scalar()


def figure_lines(page: str, name: str) -> dict[str, int]:
    body = page.split(f'<table data-figure="{name}">')[1].split("</table>")[0]
    return {text: int(n) for text, n in re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td></tr>", body)}


def test_the_case_types_figures_count_the_readers_department_and_the_heading_says_so(world, web):
    from tests.cases.test_case_list import logout
    from tests.workbench.conftest import modelled

    modelled(world, "Here H1", tier=4)
    modelled(world, "Here H2", tier=4)
    there = modelled(world, "There T1", tier=4)
    there.department_id = world.other_department.id
    db.session.commit()
    tier4 = "Tier 4 — prudent supervision"
    seen = {}
    for email in ("officer@t.test", "other@t.test", "auditor@t.test"):
        sign_in(web, email)
        page = web.get("/dashboard").get_data(as_text=True)
        seen[email] = (figure_lines(page, "registrations_in_progress_by_tier").get(tier4, 0),
                       re.search(r'id="dashboard-scope"[^>]*>([^<]*)<', page).group(1))
        logout(web)
    assert seen == {"officer@t.test": (2, world.department.name_en),
                    "other@t.test": (1, world.other_department.name_en),
                    "auditor@t.test": (3, "All departments")}


def test_an_administrator_reads_their_departments_figures_without_case_lists(world, web, running):
    """Administrators decide nothing and open no case: they read the dashboard and the
    statistics (GET only) with their department's counts, no link into the queue and no panel
    that lists cases."""
    late = world.case(title="Late one")
    put_in_state(late, "submitted")
    late.due_date = local_today() - dt.timedelta(days=3)
    db.session.commit()
    sign_in(web, "admin@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    assert 'href="/dashboard"' in page                     # the menu offers it
    assert cell(page, "clocks", 'data-type="registration"', "overdue-n") == "1"
    assert re.search(r'data-type="sandbox" data-state="testing">.*?<td>(\d+)</td></tr>', page, re.S).group(1) == "1"
    assert "/cases?" not in page and 'id="sandbox-in-progress"' not in page
    assert web.get("/statistics").status_code == 200
    assert web.post("/dashboard", {}, token_from="/dashboard").status_code in (403, 405)


def test_the_trend_table_is_laid_out_as_cards_on_a_phone(world, web, running):
    """At 390 px every line of the trend table is a card with each month named over its count
    (portal.css), instead of thirteen columns scrolling inside the box."""
    sign_in(web, "officer@t.test")
    page = web.get("/dashboard").get_data(as_text=True)
    table = page[page.index('<table id="trend"'):]
    table = table[:table.index("</table>")]
    assert 'class="stack trend"' in table
    months = re.findall(r"<th>(\d{4}-\d{2})</th>", table)
    assert len(months) == 12
    decisions = re.search(r'<tr class="decisions">(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r'data-label="([^"]+)"', decisions) == months


def test_the_dashboard_counts_a_new_case_on_the_next_request(world, web):
    """The dashboard is kept under the data version: a case opened since is counted at once."""

    def submitted(page: str) -> int:
        found = re.search(r'<tr data-type="registration" data-state="submitted">.*?<a [^>]*>(\d+)</a>', page, re.S)
        return int(found.group(1)) if found else 0

    sign_in(web, "officer@t.test")
    before = submitted(web.get("/dashboard").get_data(as_text=True))
    assert submitted(web.get("/dashboard").get_data(as_text=True)) == before
    put_in_state(world.case(title="Model new"), "submitted")
    db.session.commit()
    assert submitted(web.get("/dashboard").get_data(as_text=True)) == before + 1
