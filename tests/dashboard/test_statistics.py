"""The industry statistics (Art. 33): figures equal what the data says, by period; exports as
CSV and XLSX with formula-like cells neutralised."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from supervision.cases.types import Period, Statistic
from supervision.core.timeutil import local_today
from supervision.dashboard import exports
from supervision.extensions import db
from supervision.registry.models import Registration
from supervision.units.models import Unit
from tests.dashboard.conftest import sign_in


def figure(page: str, name: str) -> dict[str, str]:
    section = page.split(f'data-figure="{name}"')[1].split("</section>")[0]
    import re
    return dict(re.findall(r'<tr><td>([^<]*)</td><td class="n">(\d+)</td></tr>', section))


def test_the_figures_count_registered_models_units_and_sandbox_tests(world, web, running):
    sign_in(web, "auditor@t.test")
    page = web.get("/statistics").get_data(as_text=True)
    regs = db.session.execute(db.select(Registration)).scalars().all()
    assert len(regs) == 2
    tiers = {}
    for r in regs:
        tiers[r.tier] = tiers.get(r.tier, 0) + 1
    by_tier = figure(page, "registered_by_tier")
    assert sum(map(int, by_tier.values())) == 2 and sorted(map(int, by_tier.values())) == sorted(tiers.values())
    units = figure(page, "units_by_state")
    assert sum(map(int, units.values())) == db.session.execute(db.select(db.func.count(Unit.id))).scalar() == 6
    assert figure(page, "sandbox_by_state") == {"Testing": "1"}
    assert figure(page, "units_coded") == {"Units coded": "6"}
    assert page.count("<svg") >= 5


def test_a_period_before_anything_happened_counts_nothing_periodic(world, web, running):
    sign_in(web, "auditor@t.test")
    page = web.get("/statistics?from=2020-01-01&to=2020-12-31").get_data(as_text=True)
    assert figure(page, "registered_by_tier") == {} and figure(page, "sandbox_by_state") == {}
    # A snapshot figure ignores the period.
    assert sum(map(int, figure(page, "units_by_state").values())) == 6


def test_bad_dates_are_said_and_this_year_shown(world, web):
    sign_in(web, "officer@t.test")
    page = web.get("/statistics?from=yesterday").get_data(as_text=True)
    assert "Enter dates as YYYY-MM-DD" in page and f'value="{local_today().year}-01-01"' in page


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(text):
    assert exports.neutral(text) == "'" + text
    assert exports.neutral("plain") == "plain" and exports.neutral(3) == 3


@pytest.fixture
def hostile_figure(app):
    stat = Statistic("hostile", "=cmd|' /C calc'!A0", lambda period: [("=1+1", 2), ("@A1", 1)], scope="industry")
    app.extensions.setdefault("statistics", []).append(stat)
    yield stat
    app.extensions["statistics"].remove(stat)


def test_exports_carry_the_figures_and_neutralise_formulas(world, web, running, hostile_figure):
    sign_in(web, "officer@t.test")
    today = local_today()
    args = f"?from={today.year}-01-01&to={today.isoformat()}"
    resp = web.get("/statistics.csv" + args)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Figure", "Line", "Count", "Start date", "End date"]
    assert ["Sandbox tests applied for, by state", "Testing", "1", f"{today.year}-01-01", today.isoformat()] in rows
    hostile = [r for r in rows if r[0].startswith("'=cmd")]
    assert [r[1] for r in hostile] == ["'=1+1", "'@A1"]
    book = load_workbook(io.BytesIO(web.get("/statistics.xlsx" + args).data))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0] == ["Figure", "Line", "Count", "Start date", "End date"]
    cells = [v for row in values for v in row if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)
    assert ["'=cmd|' /C calc'!A0", "'=1+1", 2, "", today.isoformat()] in values or \
        ["'=cmd|' /C calc'!A0", "'=1+1", 2, None, today.isoformat()] in values


def test_period_dataclass_defaults_are_open():
    assert Period() == Period(None, None) and Period(dt.date(2026, 1, 1)).end is None


def test_chart_labels_are_escaped():
    from supervision.dashboard import charts

    svg = str(charts.bars([("<script>x</script>", 3)], "a & b"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
