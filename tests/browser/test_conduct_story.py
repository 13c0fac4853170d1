"""The prohibited-conduct story in the browser, in Chinese and in English: an officer opens a case
against firm A, investigates and asks for information; the firm answers with an attachment; the
officer records the findings and proposes a referral to the market regulator; an approver issues
the referral letter, which the case page lists.  Screenshots (also 390 px wide) go to
/tmp/shots/conduct/<lang>/ and the letter is rendered to PNG there, for a person to look at.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from supervision.cases.models import Case
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.browser.test_registration_story import Story, case_state
from tests.conduct.conftest import PDF

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/conduct")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_conduct_story(world, live_server, browser, lang):
    story = Story(browser, live_server, lang)
    story.dir = SHOTS / lang
    story.dir.mkdir(parents=True, exist_ok=True)
    base = live_server
    try:
        officer = story.open_as("officer@t.test")
        officer.goto(base + "/conduct/new")
        officer.select_option('[name="firm_id"]', str(world.firm_a.id))
        officer.select_option('[name="category"]', "competition")
        officer.fill('[name="title"]', "经销协议排他条款 / Exclusive dealing")
        officer.fill('[name="description"]', "要求经销商不得销售竞争对手的机器人。")
        story.shot(officer, "conduct-open")
        officer.click("#open-case")
        officer.wait_for_load_state()
        case_id = int(officer.url.rstrip("/").split("/")[-1])
        assert officer.locator("#conduct-panel").is_visible()
        story.act(officer, case_id, "start_investigation")
        story.act(officer, case_id, "request_info", comment="请提供与经销商签订的协议文本。")
        assert case_state(case_id) == "info_requested"

        firm = story.open_as("a@firm-a.test")
        firm.goto(f"{base}/cases/{case_id}")
        form = firm.locator('form[data-trigger="answer"]')
        firm.locator('details:has(form[data-trigger="answer"]) > summary').click()
        form.locator('[name="comment"]').fill("协议文本见附件。")
        form.locator('[name="document"]').set_input_files(
            files=[{"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        story.shot(firm, "conduct-firm-answers")
        form.locator("button[type=submit]").click()
        firm.wait_for_load_state()
        assert case_state(case_id) == "investigating"

        story.act(officer, case_id, "record_findings", reason="协议第7条禁止经销商销售竞争对手产品。")
        story.act(officer, case_id, "propose_referral", reason="涉嫌垄断行为，属市场监管部门职责。")
        assert case_state(case_id) == "findings"  # no authority chosen: refused, nothing changed
        officer.goto(f"{base}/cases/{case_id}")
        officer.locator('details:has(form[data-trigger="propose_referral"]) > summary').click()
        referral = officer.locator('form[data-trigger="propose_referral"]')
        referral.locator('[name="authority"]').select_option("market_regulation")
        referral.locator('[name="reason"]').fill("涉嫌垄断行为，属市场监管部门职责。")
        story.shot(officer, "conduct-propose-referral")
        referral.locator("button[type=submit]").click()
        officer.wait_for_load_state()
        assert case_state(case_id) == "referral_proposed"

        approver = story.open_as("approver@t.test")
        story.act(approver, case_id, "approve_referral")
        assert case_state(case_id) == "referred"
        approver.goto(f"{base}/cases/{case_id}")
        assert approver.locator("#conduct-authority").is_visible()
        assert approver.locator("table.decisions tbody tr").count() == 1
        story.shot(approver, "conduct-referred")
        narrow = story.open_as("a@firm-a.test")
        narrow.set_viewport_size({"width": 390, "height": 844})
        narrow.goto(f"{base}/cases/{case_id}")
        story.shot(narrow, "conduct-firm-390")

        letter = decisions_of(db.session.get(Case, case_id))[-1]
        pdf = story.dir / "conduct-referral-letter.pdf"
        pdf.write_bytes(storage.read(letter.pdf_sha256))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(story.dir / "conduct-referral-letter")], check=True)
    finally:
        story.close()
