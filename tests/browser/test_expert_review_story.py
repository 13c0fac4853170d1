"""Registration's expert review in the browser, in Chinese and in English: the officer seeks
expert opinion and draws two experts; one declines and a replacement is drawn; the other and
the replacement give their opinions (the last one ends the step); the officer sees both and
proposes the grant.  Screenshots (desktop and 390 px wide) go to
test-artifacts/screenshots/experts-<lang>/NN-step.png.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text."""
from __future__ import annotations

from pathlib import Path

import pytest

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.experts import services
from supervision.experts.models import ExpertOpinion
from supervision.extensions import db
from tests.browser.test_registration_story import Story, case_state
from tests.experts.conftest import make_expert
from tests.registry.conftest import TIER2, declare_certificate, make_registration, to_review

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class ExpertStory(Story):
    def __init__(self, browser, base: str, lang: str):
        super().__init__(browser, base, lang)
        self.dir = SHOTS / f"experts-{lang}"
        self.dir.mkdir(parents=True, exist_ok=True)

    def narrow(self, page, path: str, step: str) -> None:
        """The same page as a phone shows it (390 px wide)."""
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(self.base + path)
        self.shot(page, step + "-390")
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_expert_review_story(world, live_server, browser, lang):
    for _ in range(4):
        make_expert(world, fields=("robotics_safety",))
    reg = make_registration(world, TIER2, name="Guide G9")
    to_review(world, reg)
    declare_certificate(world, reg)
    db.session.commit()
    story = ExpertStory(browser, live_server, lang)
    try:
        _run(story, world, reg.case_id)
    finally:
        story.close()


def _drawn(case_id: int) -> list[User]:
    db.session.commit()
    row = services.latest_draw(db.session.get(Case, case_id))
    return [db.session.get(User, i) for i in row.result]


def _run(story: ExpertStory, world, case_id: int) -> None:
    base = story.base
    # 1. The officer seeks expert opinion: the decision clock stops, the firm gets a notice.
    officer = story.open_as(world.officer.email)
    story.act(officer, case_id, "seek_expert_opinion", reason="Tier 2 model in public places: safety review.")
    assert case_state(case_id) == "expert_review"
    assert officer.locator("#expert-review-status").count() == 1
    story.shot(officer, "in-expert-review")

    # 2. The officer draws two experts (the seed is the platform's: no field for it).
    officer.click("#draw-experts")
    officer.wait_for_load_state()
    assert officer.locator('input[name="seed"]').count() == 0
    assert int(officer.get_attribute("#eligible-count", "data-eligible")) == 4
    officer.fill("input[name=n]", "2")
    story.shot(officer, "draw-form")
    story.narrow(officer, f"/cases/{case_id}/experts/draw", "draw-form")
    officer.goto(f"{base}/cases/{case_id}/experts/draw")
    officer.fill("input[name=n]", "2")
    with officer.expect_navigation():
        officer.click("#draw-form button[type=submit]")
    assert officer.locator("ul.draws > li").count() == 1, officer.inner_text("main")
    story.shot(officer, "drawn")
    declines, stays = _drawn(case_id)

    # 3. One expert declines with a reason; a replacement is drawn from the rest.
    expert = story.open_as(declines.email)
    assert expert.url.endswith("/experts/assignments")
    expert.click(f'a[href="/experts/cases/{case_id}"]')
    expert.wait_for_load_state()
    assert expert.locator("#expert-material").count() == 1 and expert.locator("#opinion-deadline").count() == 1
    story.shot(expert, "assignment")
    story.narrow(expert, f"/experts/cases/{case_id}", "assignment")
    expert.fill("#decline-reason", "Conference abroad during the review.")
    expert.click('form[action$="/decline"] button[type=submit]')
    expert.wait_for_load_state()
    assert expert.url.endswith("/experts/assignments")
    (replacement,) = _drawn(case_id)
    assert replacement.id not in (declines.id, stays.id)

    # 4. The expert who stayed, then the replacement, give their opinions.
    for person, text in ((stays, "SAFETY-CASE-SOUND"), (replacement, "FIELD-TEST-FIRST")):
        page = story.open_as(person.email)
        page.goto(f"{base}/experts/cases/{case_id}")
        page.select_option("select[name=recommendation]", "approve_with_conditions")
        page.fill("textarea[name=reasons]", text)
        page.fill("textarea[name=conditions]", "Limit speed to 1 m/s near people.")
        page.check("input[name=no_conflict]")
        story.shot(page, "opinion-form")
        page.click(f'form[action="/experts/cases/{case_id}"] button[type=submit]')
        page.wait_for_load_state()
        assert "#opinion-" not in page.url and page.locator("article.opinion").count() >= 1
    story.shot(page, "opinion-given")
    db.session.commit()
    assert len(db.session.execute(db.select(ExpertOpinion)).scalars().all()) == 2
    # The last opinion due ended the step: back in classification review, the clock runs again.
    assert case_state(case_id) == "classification_review"

    # 5. The officer sees both opinions with their authors and continues: proposes the grant.
    officer.goto(f"{base}/cases/{case_id}")
    panel = officer.inner_text("#expert-opinions")
    assert "SAFETY-CASE-SOUND" in panel and "FIELD-TEST-FIRST" in panel
    assert stays.name in panel and replacement.name in panel
    story.shot(officer, "opinions")
    story.narrow(officer, f"/cases/{case_id}", "opinions")
    story.act(officer, case_id, "propose_grant")
    assert case_state(case_id) == "decision_proposed"

    # 6. The firm sees the opinions without the experts' names.
    firm = story.open_as(world.applicant_a.email)
    firm.goto(f"{base}/cases/{case_id}")
    panel = firm.inner_text("#expert-opinions")
    assert "FIELD-TEST-FIRST" in panel
    whole = firm.content()  # nor anywhere else on the page (people, timeline)
    for person in (declines, stays, replacement):
        assert person.name not in whole and person.email not in whole
    story.shot(firm, "firm-summary")
