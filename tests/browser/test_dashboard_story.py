"""The firm's home page, the dashboard and the statistics in the browser, in Chinese and in
English, at 1280 and 390 px: the firm lands on what it owes (an overdue report flagged) and
opens its tabs; the officer reads the dashboard (charts, the test in progress with its map
link), the test's case page on its map tab (areas and zones) and the statistics, and downloads the CSV and XLSX exports.  axe-core (the installed package, evaluated in the page) finds no serious or critical violation on
the firm's page, the dashboard and the statistics.

Elements are found by ids and URLs, never by translated text.  Screenshots go to
/tmp/shots/dashboard/<lang>/NN-step.png (STORY_SHOTS overrides the folder)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_registration_story import Story
from tests.dashboard.test_portal import overdue_report
from tests.sandbox.conftest import codes, decision_keys, running  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("STORY_SHOTS", "/tmp/shots/dashboard"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_story(world, live_server, browser, running, lang):  # noqa: F811
    story = Story(browser, live_server, lang)
    story.dir = SHOTS / lang
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(story, running)
    finally:
        story.close()


def _narrow(page, story: Story, step: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    story.shot(page, step + "-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, step
    page.set_viewport_size({"width": 1280, "height": 900})


def _run(story: Story, running) -> None:  # noqa: F811
    base = story.base
    overdue_report(running)

    # 1. The firm lands on its home page: what it owes, the overdue report first.
    firm = story.open_as("a@firm-a.test")
    firm.goto(base + "/home")
    firm.wait_for_load_state()
    assert firm.url.endswith("/firm")
    row = firm.locator(f'#owed tr[data-case="{running.case_id}"][data-deadline="report"]')
    assert "overdue" in row.get_attribute("class")
    story.shot(firm, "firm-owes")
    assert_accessible(firm)
    _narrow(firm, story, "firm-owes")
    for tab in ("models", "codes", "sandbox"):
        firm.click(f"#tab-{tab}")
        firm.wait_for_load_state()
        assert firm.locator(f"#tab-{tab}").get_attribute("aria-current") == "page"
        story.shot(firm, f"firm-{tab}")
    _narrow(firm, story, "firm-sandbox")

    # 2. The officer's dashboard: figures, charts, the test in progress with its map.
    officer = story.open_as("officer@t.test")
    officer.goto(base + "/dashboard")
    officer.wait_for_load_state()
    assert officer.locator("#chart-opened svg").count() == 1
    assert officer.locator(f'#sandbox-in-progress a[href="/sandbox/{running.case_id}#fence-map"]').count() == 1
    story.shot(officer, "dashboard")
    assert_accessible(officer)
    _narrow(officer, story, "dashboard")

    # The test's case page: its map tab shows the areas and zones (no positions, nothing logged).
    officer.goto(f"{base}/cases/{running.case_id}#tab-map")
    officer.wait_for_selector("#case-fence-map[data-loaded]")
    assert officer.locator("#tab-summary").is_hidden()
    assert officer.locator("#case-fence-map").bounding_box()["width"] > 300
    assert officer.locator("#case-fence-map path.leaflet-interactive").count() >= 1
    assert officer.locator("#positions-link").get_attribute("href").endswith(f"/sandbox/{running.case_id}#fence-map")
    story.shot(officer, "case-map")
    assert_accessible(officer)
    _narrow(officer, story, "case-map")

    # 3. The statistics, and their exports.
    officer.goto(base + "/statistics")
    officer.wait_for_load_state()
    assert officer.locator("section[data-figure] svg").count() >= 5
    story.shot(officer, "statistics")
    assert_accessible(officer)
    _narrow(officer, story, "statistics")
    for link, suffix in (("#export-csv", ".csv"), ("#export-xlsx", ".xlsx")):
        with officer.expect_download() as info:
            officer.click(link)
        assert info.value.suggested_filename.endswith(suffix)
