"""The whole registration story in the browser, once in Chinese and once in English: draft,
submit, supplement notice and answer, acceptance, review, the certification body recording the
model's certificate, proposal, four eyes, approval,
public notice with an objection that is dismissed after review, and the public register.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text.
Screenshots go to test-artifacts/screenshots/<lang>/NN-step.png."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.extensions import db
from tests.factories import PASSWORD, CertificationBodyFactory, certifier

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class Story:
    def __init__(self, browser, base: str, lang: str):
        self.browser, self.base, self.lang, self.n = browser, base, lang, 0
        self.dir = SHOTS / lang
        self.dir.mkdir(parents=True, exist_ok=True)
        self.contexts = []

    def shot(self, page, step: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=True)

    def open_as(self, email: str | None):
        ctx = self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.contexts.append(ctx)
        page = ctx.new_page()
        if email:
            page.goto(self.base + "/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("form.narrow button[type=submit]")
            page.wait_for_load_state()
        else:
            page.goto(self.base + "/")
        self.ensure_lang(page)
        return page

    def ensure_lang(self, page) -> None:
        want = "zh-CN" if self.lang == "zh" else "en"
        if page.get_attribute("html", "lang") != want:
            page.click("form.lang button[name=lang], a#switch-language")  # signed in: a form; out: a link
            page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == want

    def act(self, page, case_id: int, trigger: str, **fields: str) -> None:
        page.goto(f"{self.base}/cases/{case_id}")
        form = page.locator(f'form[data-trigger="{trigger}"]')
        page.locator(f'details:has(form[data-trigger="{trigger}"]) > summary').click()
        for name, value in fields.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for i, one in enumerate(values):  # a list field: one line per item
                form.locator(f'[name="{name}"]').nth(i).fill(one)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()

    def close(self):
        for ctx in self.contexts:
            ctx.close()


def _model_of(case_id: int) -> int:
    from supervision.registry.services import registration_of

    return registration_of(db.session.get(Case, case_id)).model_id


def case_state(case_id: int) -> str:
    db.session.commit()
    return db.session.get(Case, case_id).state


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_registration_story(world, live_server, browser, lang):
    story = Story(browser, live_server, lang)
    try:
        _run(story, world)
    finally:
        story.close()


def _run(story: Story, world) -> None:
    base = story.base
    # 1. The applicant drafts the application, then completes and submits it.
    firm = story.open_as("a@firm-a.test")
    firm.goto(base + "/registry/models/new")
    firm.fill("#name", "Guide G1")
    firm.fill("#manufacturer", "Acme Robotics")
    firm.select_option("#form_factor", "wheeled")
    story.shot(firm, "draft-form")
    firm.click("#save-draft")
    firm.wait_for_load_state()
    case_id = int(re.search(r"/cases/(\d+)", firm.url).group(1))
    assert case_state(case_id) == "draft"
    story.shot(firm, "draft-saved")
    firm.click("#edit-application")
    firm.select_option("#intelligence_level", "2")
    firm.check('input[name=scenarios][value="commerce"]')
    firm.fill("#mass_kg", "18")
    firm.fill("#max_speed_mps", "1.2")
    firm.fill("#standards", "GB 4943.1-2022")
    firm.fill("#software_version", "guide 1.4")
    firm.click("#save-submit")
    firm.wait_for_load_state()
    assert case_state(case_id) == "submitted"
    story.shot(firm, "submitted")

    # 2. The officer (who also holds the approver role) sends the one supplement notice.
    officer = story.open_as("dual@t.test")
    story.act(officer, case_id, "request_supplement", items=["Test report of GB 4943.1.", "Speed test."])
    assert case_state(case_id) == "supplement_requested"
    story.shot(officer, "supplement-notice")

    # 3. The applicant answers.
    story.act(firm, case_id, "supplement", comment="Both reports are attached.")
    assert case_state(case_id) == "submitted"
    story.shot(firm, "supplement-answered")

    # 4. The officer accepts and starts the review; the model is classified tier 2.
    story.act(officer, case_id, "accept")
    story.act(officer, case_id, "start_review")
    assert case_state(case_id) == "classification_review"
    assert officer.get_attribute("#tier", "data-tier") == "2"
    story.shot(officer, "classified")

    # 5. Tier 2 needs a certificate: the certification body records it for the model.
    certifier(CertificationBodyFactory(name_en="Zhejiang Robot Certification Centre"), email="cert@body.test")
    db.session.commit()
    body = story.open_as("cert@body.test")
    body.goto(base + "/certificates/new")
    today = local_today()
    body.select_option("#model_id", str(_model_of(case_id)))
    body.fill("#number", "CR-2026-0001")
    body.fill("#standards", "GB 4943.1-2022")
    body.fill("#scope", "Design and manufacture of the model")
    body.fill("#valid_from", today.isoformat())
    body.fill("#valid_until", (today + dt.timedelta(days=3 * 365)).isoformat())
    body.fill("#reason", "Type test and factory inspection passed.")
    story.shot(body, "certificate-form")
    body.click("#record-form button[type=submit]")
    body.wait_for_load_state()
    assert "CR-2026-0001" in body.inner_text("h1")
    story.shot(body, "certificate-recorded")
    firm.goto(f"{base}/cases/{case_id}")
    assert "CR-2026-0001" in firm.inner_text("#certificate")
    story.shot(firm, "certificate")

    # 6. The officer proposes the grant and cannot approve it himself (four eyes).
    story.act(officer, case_id, "propose_grant")
    assert case_state(case_id) == "decision_proposed"
    officer.goto(f"{base}/cases/{case_id}")
    assert officer.locator('form[data-trigger="approve"]').count() == 0
    assert officer.locator("details[data-refused]").count() >= 1
    officer.locator("details[data-refused] > summary").first.click()
    story.shot(officer, "four-eyes")

    # 7. The approver approves: the model goes into public notice.
    approver = story.open_as("approver@t.test")
    story.act(approver, case_id, "approve")
    assert case_state(case_id) == "public_notice"
    story.shot(approver, "approved")

    # 8. Anyone objects from the public register, without signing in.
    public = story.open_as(None)
    public.goto(base + "/register")
    story.shot(public, "public-notice")
    public.click(f'a[data-object="{case_id}"]')
    public.fill("#text", "It blocked the fire exit of our shop on 3 May.")
    public.fill("#objector", "Wang")
    public.fill("#contact", "wang@example.org")
    public.click("#file-objection")
    public.wait_for_load_state()
    assert case_state(case_id) == "public_notice"  # the objection keeps the model in notice
    story.shot(public, "objection-filed")

    # 9. The officer sees the objection and answers it with reasons; nothing changed, so the
    #    approved grant stands and is issued when the notice ends.
    officer.goto(f"{base}/cases/{case_id}")
    assert "fire exit" in officer.inner_text("#objections")
    story.shot(officer, "objection-on-record")
    officer.fill("#objections textarea[name=answer]", "The shop's camera shows another model at the exit on 3 May.")
    officer.click("#objections .objection-answer-form button[type=submit]")
    officer.wait_for_load_state()
    assert "another model" in officer.inner_text("#objections")

    # 10. The notice period ends (the test moves the due date instead of waiting 5 working days).
    case = db.session.get(Case, case_id)
    case.due_date = local_today() - dt.timedelta(days=1)
    db.session.commit()
    story.act(officer, case_id, "conclude_notice")
    assert case_state(case_id) == "registered"
    story.shot(officer, "registered")

    # 11. The model is on the public register with its tier and registration number.
    public.goto(base + "/register")
    row = public.locator(f'#registered-table tr[data-case-id="{case_id}"]')
    assert row.locator("td[data-tier]").get_attribute("data-tier") == "2"
    assert re.search(r"杭具身注〔\d{4}〕\d+号", row.inner_text())
    story.shot(public, "public-register")
    firm.goto(base + "/registry/models")
    story.shot(firm, "firm-overview")
