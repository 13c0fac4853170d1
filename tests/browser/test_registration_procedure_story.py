"""Issue 10's procedure in the browser, once in Chinese and once in English: a tier-2 application
goes through public notice (公示) with a named objection that gets a reference number, the officer
answers it, the grant is issued only afterwards and is served on the firm (which consented to
electronic service); then a suspension with prior notice, the firm's defence, a reasoned
rejection, and the suspension decision stating the original facts, the defence and the reply.

The firm, the public (the objection form on the register), the officer and the approver each use
their own browser.  Elements are found by ids, names, ``data-trigger`` and URLs, never by
translated text.  Screenshots go to test-artifacts/screenshots/procedure-<lang>/ and
/tmp/shots/story10/<lang>/."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from supervision.core.timeutil import local_today
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.registry.models import Objection
from tests.browser.test_registration_story import Story, case_state
from tests.cases.conftest import previewed
from tests.conftest import sealed_url
from tests.registry.conftest import PDF, TIER2, declare_certificate, make_registration, to_review

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
COPIES = Path("/tmp/shots/story10")

TEXTS = {
    "zh": dict(
        objection="该机型5月3日在我店内堵住了消防通道。",
        answer="经调取店内监控，5月3日堵住通道的是另一型号，异议不成立。",
        facts="2026年11月2日该机型在滨江区商场内碰撞一名顾客，致其轻伤。",
        evidence="商场监控录像、伤者就诊记录、现场检查笔录。",
        defence="碰撞系顾客突然横穿所致，我单位已更新避障软件。",
        reply="经查，事发时该机型速度超过注册限值，陈述理由不成立，不予采纳。",
        requirements="暂停期间停止投放该机型，30日内提交整改报告。",
    ),
    "en": dict(
        objection="It blocked the fire exit of our shop on 3 May.",
        answer="The shop's camera shows another model at the exit on 3 May; the objection is unfounded.",
        facts="On 2 November 2026 the model struck a customer in a Binjiang mall, who was slightly hurt.",
        evidence="The mall's camera footage, the hospital record and the inspection record.",
        defence="The customer crossed suddenly; we have since updated the avoidance software.",
        reply="The model ran above its registered speed limit at the time; the defence is rejected.",
        requirements="Keep the model out of service and send a rectification report within 30 days.",
    ),
}


class ProcedureStory(Story):
    def __init__(self, browser, base: str, lang: str):
        super().__init__(browser, base, lang)
        self.dir = SHOTS / f"procedure-{lang}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.copies = COPIES / lang
        self.copies.mkdir(parents=True, exist_ok=True)

    def shot(self, page, step: str) -> None:
        super().shot(page, step)
        name = f"{self.n:02d}-{step}.png"
        shutil.copyfile(self.dir / name, self.copies / name)

    def open_case(self, page, case_id: int, trigger: str):
        """Open ``trigger``'s form on the case page and return it."""
        page.goto(f"{self.base}/cases/{case_id}")
        page.locator(f'details:has(form[data-trigger="{trigger}"]) > summary').click()
        return page.locator(f'form[data-trigger="{trigger}"]')


def decisions_of(case_id: int) -> list[Decision]:
    db.session.commit()
    return list(db.session.execute(
        db.select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)).scalars())


def one(case_id: int, kind: str) -> Decision:
    found = [d for d in decisions_of(case_id) if d.kind == kind]
    assert len(found) == 1, (kind, [d.kind for d in decisions_of(case_id)])
    return found[0]


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    """The PDF's text layer without the line breaks and spaces of its layout."""
    return squeeze("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_notice_objection_grant_service_and_suspension(world, live_server, browser, lang):
    story = ProcedureStory(browser, live_server, lang)
    try:
        _run(story, world, TEXTS[lang])
    finally:
        story.close()


def _run(story: ProcedureStory, world, text: dict[str, str]) -> None:
    base = story.base
    # Set-up: a tier-2 model under review with a valid certificate (the registration story
    # drives the application and the certificate through the pages).
    reg = make_registration(world, TIER2, name="Guide G7")
    to_review(world, reg)
    declare_certificate(world, reg)
    db.session.commit()
    case_id = reg.case_id

    # 1. The firm gives its prior written consent to electronic service.
    firm = story.open_as("a@firm-a.test")
    firm.goto(base + "/service-consent")
    firm.fill('input[name="given_on"]', local_today().isoformat())
    firm.set_input_files('input[name="document"]',
                         files=[{"name": "consent.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    firm.click('section[data-consent="none"] button[type=submit]')
    firm.wait_for_load_state()
    assert firm.locator('section[data-consent="given"]').count() == 1
    story.shot(firm, "consent-given")

    # 2. The officer proposes the grant; the approver reads the draft and approves, sending the
    #    facts hash of the draft shown to him.
    officer = story.open_as("officer@t.test")
    story.act(officer, case_id, "propose_grant")
    assert case_state(case_id) == "decision_proposed"
    approver = story.open_as("approver@t.test")
    form = story.open_case(approver, case_id, "approve")
    assert previewed(approver.content()), "the approve form carries the previewed draft's facts hash"
    story.shot(approver, "approve-with-draft")
    form.locator("button[type=submit]").click()
    approver.wait_for_load_state()
    assert case_state(case_id) == "public_notice"

    # 3. In public notice no grant exists, so nothing about it is in force: the firm's decisions
    #    list only the acceptance notice, and /verify finds no grant.
    assert [d.kind for d in decisions_of(case_id)] == ["acceptance"]
    firm.goto(f"{base}/cases/{case_id}")
    firm.click('#case-tabs a[data-tab="decisions"]')
    assert firm.locator("#tab-decisions table.decisions tbody tr").count() == 1
    story.shot(firm, "in-notice-no-grant")

    # 4. A member of the public objects from the register, with a name and a contact, and gets a
    #    reference number.
    public = story.open_as(None)
    public.goto(base + "/register")
    public.click(f'a[data-object="{case_id}"]')
    public.fill("#text", text["objection"])
    public.fill("#objector", "Wang")
    public.fill("#contact", "wang@example.org")
    story.shot(public, "objection-form")
    public.click("#file-objection")
    public.wait_for_load_state()
    db.session.commit()
    objection = db.session.execute(db.select(Objection).filter_by(case_id=case_id)).scalar_one()
    assert objection.reference and objection.reference in public.inner_text(".flash.success")
    assert case_state(case_id) == "public_notice"
    story.shot(public, "objection-reference")

    # 5. The officer cannot conclude the notice before answering; he answers with reasons.
    officer.goto(f"{base}/cases/{case_id}")
    assert text["objection"] in officer.inner_text("#objections")
    assert objection.reference in officer.inner_text("#objections")
    officer.fill("#objections textarea[name=answer]", text["answer"])
    story.shot(officer, "objection-answer")
    officer.click("#objections .objection-answer-form button[type=submit]")
    officer.wait_for_load_state()
    assert text["answer"] in officer.inner_text("#objections")
    db.session.refresh(objection)
    assert objection.answer == text["answer"]
    assert [d.kind for d in decisions_of(case_id)] == ["acceptance"]  # still no grant

    # 6. The notice period ends (the test moves the due date instead of waiting 5 working days);
    #    the officer concludes it and only now is the grant issued, and served at once.
    case = reg.case
    case.due_date = local_today() - dt.timedelta(days=1)
    db.session.commit()
    story.act(officer, case_id, "conclude_notice")
    assert case_state(case_id) == "registered"
    grant = one(case_id, "grant")
    assert grant.status == "issued"
    firm.goto(f"{base}/cases/{case_id}")
    served = firm.locator("#service li", has_text=grant.number)
    assert served.get_attribute("data-served") == "yes"
    story.shot(firm, "grant-served")
    resp = firm.request.get(base + sealed_url("document", grant.document_id))
    assert resp.status == 200
    (story.copies / "grant.pdf").write_bytes(resp.body())
    grant_text = pdf_text(resp.body())
    assert "二级" in grant_text  # the tier it was granted on
    public.goto(f"{base}/verify?number={grant.number}")
    assert public.locator('dd[data-served="yes"]').count() == 1
    story.shot(public, "verify-grant-served")

    # 7. Prior notice of the intended suspension, with the facts and the evidence.
    form = story.open_case(officer, case_id, "notice_suspension")
    form.locator('[name="reason"]').fill(text["facts"])
    form.locator('[name="evidence"]').fill(text["evidence"])
    story.shot(officer, "prior-notice-form")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert case_state(case_id) == "suspension_noticed"
    notice = one(case_id, "suspension_notice")
    firm.goto(f"{base}/cases/{case_id}")
    assert firm.locator("#service li", has_text=notice.number).get_attribute("data-served") == "yes"

    # 8. The firm states its defence.
    form = story.open_case(firm, case_id, "file_statement")
    form.locator('[name="comment"]').fill(text["defence"])
    story.shot(firm, "defence")
    form.locator("button[type=submit]").click()
    firm.wait_for_load_state()
    assert case_state(case_id) == "suspension_noticed"

    # 9. The officer proposes the suspension with a reasoned rejection of the defence; the
    #    approver approves it on the draft he was shown.
    story.act(officer, case_id, "propose_suspension", reason=text["facts"], defence_reply=text["reply"],
              requirements=text["requirements"])
    assert case_state(case_id) == "suspension_proposed"
    form = story.open_case(approver, case_id, "approve_suspension")
    assert previewed(approver.content(), "approve_suspension")
    story.shot(approver, "approve-suspension")
    form.locator("button[type=submit]").click()
    approver.wait_for_load_state()
    assert case_state(case_id) == "suspended"

    # 10. The suspension decision, as the firm downloads it, states the original facts and
    #     evidence, the defence and the reply, and cites the grant it suspends.
    suspension = one(case_id, "suspension")
    firm.goto(f"{base}/cases/{case_id}")
    firm.click('#case-tabs a[data-tab="decisions"]')
    story.shot(firm, "suspended-decisions")
    resp = firm.request.get(base + sealed_url("document", suspension.document_id))
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    pdf = pdf_text(resp.body())
    for key in ("facts", "evidence", "defence", "reply"):
        assert squeeze(text[key]) in pdf, key
    assert squeeze(grant.number) in pdf
    (story.copies / "suspension.pdf").write_bytes(resp.body())

    # 11. On a phone (390 px) the firm's suspended case, its service record and its decisions
    #     fit the screen.
    ctx = story.browser.new_context(viewport={"width": 390, "height": 844}, storage_state=firm.context.storage_state())
    story.contexts.append(ctx)
    phone = ctx.new_page()
    phone.goto(f"{base}/cases/{case_id}")
    story.ensure_lang(phone)
    assert phone.locator("#service li", has_text=suspension.number).get_attribute("data-served") == "yes"
    story.shot(phone, "suspended-390")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
