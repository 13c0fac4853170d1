"""The case page in the browser, in Chinese and in English, at 1366 px and at 390 px: an officer
acts from the panel at the top, the approver reads the proposer's reasons and the draft decision,
approves with an opinion (axe-core finds no serious or critical violation on the page), and an auditor finds the approval in the filtered audit log.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text.
Screenshots go to test-artifacts/screenshots/case-page/<lang>/NN-step.png."""
from __future__ import annotations

from pathlib import Path

import pytest

from supervision.cases import services
from supervision.cases.models import Case
from supervision.extensions import db
from tests.browser.conftest import assert_accessible
from tests.cases.conftest import put_in_state
from tests.factories import PASSWORD
from tests.registry.conftest import make_registration

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "case-page"


class Story:
    def __init__(self, browser, base: str, lang: str):
        self.browser, self.base, self.lang, self.n = browser, base, lang, 0
        self.dir = SHOTS / lang
        self.dir.mkdir(parents=True, exist_ok=True)
        self.contexts = []

    def shot(self, page, step: str, full: bool = False) -> None:
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=full)

    def open_as(self, email: str, width: int = 1366):
        ctx = self.browser.new_context(viewport={"width": width, "height": 900})
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.goto(self.base + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.narrow button[type=submit]")
        page.wait_for_load_state()
        want = "zh-CN" if self.lang == "zh" else "en"
        if page.get_attribute("html", "lang") != want:
            page.click("form.lang button[name=lang]")
            page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == want
        return page

    def close(self):
        for ctx in self.contexts:
            ctx.close()


def fits(page) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_acting_from_the_panel_and_approving_after_reading_the_draft(world, live_server, browser, lang):
    story = Story(browser, live_server, lang)
    try:
        case = world.case()
        put_in_state(case, "classification_review")
        case.assignee_id = world.officer.id
        db.session.commit()

        # The officer proposes a refusal from the panel at the top, without scrolling.
        page = story.open_as("officer@t.test")
        page.goto(f"{live_server}/cases/{case.id}")
        panel = page.locator("#action-panel")
        assert panel.bounding_box()["y"] < 400
        story.shot(page, "officer-panel")
        assert_accessible(page)
        page.locator('details:has(form[data-trigger="propose_refusal"]) > summary').click()
        page.locator('form[data-trigger="propose_refusal"] [name="reason"]').fill(
            "风险评估报告缺失（第九条）。" if lang == "zh" else "The risk assessment is missing (Art. 9).")
        story.shot(page, "officer-form-open")
        page.locator('form[data-trigger="propose_refusal"] button[type=submit]').click()
        page.wait_for_load_state()
        db.session.expire_all()
        assert db.session.get(Case, case.id).state == "decision_proposed"

        # The approver reads the reasons and the draft, then approves with an opinion.
        page = story.open_as("approver@t.test")
        page.goto(f"{live_server}/cases/{case.id}")
        page.locator('details:has(form[data-trigger="approve"]) > summary').click()
        story.shot(page, "approver-draft")
        assert_accessible(page)
        href = page.locator("a.draft-link").first.get_attribute("href")
        resp = page.request.get(live_server + href)
        assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
        page.locator('form[data-trigger="approve"] [name="opinion"]').fill(
            "同意不予注册。" if lang == "zh" else "Agreed.")
        page.locator('form[data-trigger="approve"] button[type=submit]').click()
        page.wait_for_load_state()
        db.session.expire_all()
        assert db.session.get(Case, case.id).state == "refused"
        page.click('#case-tabs a[data-tab="timeline"]')
        story.shot(page, "timeline-tab")
        assert page.locator("#tab-summary").is_hidden() and page.locator("#tab-timeline").is_visible()
        page.click('#case-tabs a[data-tab="decisions"]')
        story.shot(page, "decisions-tab")

        # At 390 px the panel and the tabs fit the phone's width.
        phone = story.open_as("approver@t.test", width=390)
        phone.goto(f"{live_server}/cases/{case.id}")
        story.shot(phone, "case-390", full=True)
        assert fits(phone)

        # The auditor finds the approval in the audit log filtered by case and action.
        page = story.open_as("auditor@t.test")
        page.goto(f"{live_server}/audit/?case={case.number}&action=case.transition")
        assert page.locator("table.audit tbody tr").count() == 2
        story.shot(page, "audit-filtered")
        change = page.locator("table.audit td.change").first.bounding_box()
        assert change["width"] > 120  # readable, not one character wide
    finally:
        story.close()


def test_a_firm_answers_the_request_from_its_todo_box(world, live_server, browser):
    story = Story(browser, live_server, "zh")
    try:
        case = world.case()
        put_in_state(case, "submitted")
        services.fire(case, "request_supplement", actor=world.officer, items=("请补充接线图。", "请补充速度测试报告。"))
        db.session.commit()
        page = story.open_as("a@firm-a.test", width=390)
        page.goto(f"{live_server}/cases/{case.id}")
        assert "请补充接线图。" in page.locator("#todo-question").inner_text()
        page.locator('#firm-todo details:has(form[data-trigger="supplement"]) > summary').click()
        story.shot(page, "firm-todo-390", full=True)
        assert fits(page)
        # The firm's models list at 390 px: what it owes and when stay on the screen.
        make_registration(world, name="巡检机器人 X")
        db.session.commit()
        page.goto(f"{live_server}/registry/models")
        story.shot(page, "firm-models-390", full=True)
        assert fits(page)
        owes = page.locator('#firm-applications td[data-label]').last
        assert owes.is_visible() and owes.bounding_box()["x"] + owes.bounding_box()["width"] <= 391
    finally:
        story.close()
