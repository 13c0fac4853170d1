"""Tables read on a phone and on a desktop, in Chinese and in English: at 390 px the firm's pages
(what it owes, its tabs, certificates, sandbox tests, incidents, API tokens) and the public
register with its sections show every column as stacked cards, and no page scrolls sideways;
at 1280 px the regulators' queue fits the window, no header breaks inside a word (nor a Chinese
header between its characters) and the title is the widest column.

Elements are found by ids and URLs, never by translated text.  Screenshots go to
/tmp/shots/narrow/<lang>/NN-step.png (STORY_SHOTS overrides the folder)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import assert_fits
from tests.browser.test_registration_story import Story
from tests.dashboard.test_portal import overdue_report
from tests.sandbox.conftest import codes, decision_keys, running  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("STORY_SHOTS", "/tmp/shots/narrow"))
FIRM_PAGES = ("/firm", "/firm?tab=models", "/firm?tab=codes", "/firm?tab=sandbox", "/certificates/", "/sandbox",
              "/incidents", "/account/api-tokens")
# For each header: how many lines its text takes and how many words it has (a Chinese header is one word).
HEADER_LINES = """Array.from(document.querySelectorAll('table.queue thead th')).filter(th => th.textContent.trim())
  .map(th => { const r = document.createRange(); r.selectNodeContents(th);
    const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
    return [th.textContent.trim(), tops.size, th.textContent.trim().split(/\\s+/).length, th.getBoundingClientRect().width]; })"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_fit_the_phone_and_the_desktop(world, live_server, browser, running, lang):  # noqa: F811
    story = Story(browser, live_server, lang)
    story.dir = SHOTS / lang
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(story, running)
    finally:
        story.close()


def _run(story: Story, running) -> None:  # noqa: F811
    base = story.base
    overdue_report(running)

    # 1. The firm's pages at 390 px: every column of every table is on the screen.
    firm = story.open_as("a@firm-a.test")
    for path in FIRM_PAGES:
        firm.goto(base + path)
        firm.wait_for_load_state()
        assert_fits(firm, 390)
        story.shot(firm, "firm-" + re.sub(r"\W+", "-", path).strip("-") + "-390")
    firm.goto(base + "/firm")
    owed = firm.locator(f'#owed tr[data-case="{running.case_id}"][data-deadline="report"] td').all()
    assert len(owed) == 6 and all(cell.get_attribute("data-label") for cell in owed)
    assert {round(cell.bounding_box()["x"]) for cell in owed} == {round(owed[0].bounding_box()["x"])}  # one card

    # 2. The public register and each of its sections at 390 px.
    visitor = story.open_as(None)
    visitor.goto(base + "/")
    sections = [a.get_attribute("href") for a in visitor.locator("ul.section-links > li > a").all()]
    assert len(sections) >= 3
    for path in ["/register", *sections]:
        visitor.goto(base + path if path.startswith("/") else path)
        visitor.wait_for_load_state()
        assert_fits(visitor, 390)
        story.shot(visitor, "register-" + re.sub(r"\W+", "-", path.split("?")[0]).strip("-") + "-390")
    visitor.goto(base + "/register")
    assert visitor.locator("#registered-table tbody tr[data-case-id]").count() >= 1

    # 3. The queue at 1280 px: fits, headers whole, the title the widest column.
    officer = story.open_as("officer@t.test")
    officer.goto(base + "/cases")
    officer.wait_for_load_state()
    assert officer.evaluate("document.documentElement.scrollWidth") <= 1280
    assert officer.evaluate("(() => { const t = document.querySelector('table.queue'); "
                            "return t.getBoundingClientRect().right <= window.innerWidth; })()")
    headers = officer.evaluate(HEADER_LINES)
    assert all(lines <= words for _text, lines, words, _w in headers), headers
    widths = {text: w for text, _l, _n, w in headers}
    title = officer.locator("table.queue thead th").nth(3).text_content().strip()
    assert widths[title] == max(widths.values()), widths
    story.shot(officer, "queue-1280")
