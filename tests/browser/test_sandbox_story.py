"""The sandbox story in the browser, in Chinese and in English: a firm applies with an area drawn
on the map; the officer screens and draws an expert; the expert gives an opinion; the approver
admits; positions inside and outside the area arrive through the API; the breach shows on the
map and in both inboxes; a report goes overdue; the test is paused and resumed; the exit ends in
graduation and a registration draft.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text.
Screenshots go to test-artifacts/screenshots/sandbox-<lang>/NN-step.png."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from supervision.api import tokens
from supervision.cases import clocks, timers
from supervision.cases.models import Case, CaseLink
from supervision.core.timeutil import local_today
from supervision.experts import services as experts
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.sandbox import services
from tests.browser.test_registration_story import SHOTS, Story
from tests.sandbox.conftest import PDF, coded_units

pytestmark = pytest.mark.browser


def case_state(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).state


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sandbox_story(world, live_server, browser, client, lang):
    story = Story(browser, live_server, lang)
    story.dir = SHOTS / f"sandbox-{lang}"
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(story, world, client)
    finally:
        story.close()


def _run(story: Story, world, client) -> None:
    base = story.base
    codes = coded_units(world)[world.firm_a.id]
    experts.create_expert(world.expert, fields=["robotics_safety"], actor=world.admin)
    db.session.commit()

    # 1. The firm applies: the plan, then an area drawn on the map (no tile server: a grid).
    firm = story.open_as("a@firm-a.test")
    firm.goto(base + "/sandbox")
    firm.click("#new-sandbox")
    firm.wait_for_load_state()
    case_id = int(re.search(r"/sandbox/(\d+)/application", firm.url).group(1))
    today = local_today() - dt.timedelta(days=1)  # positions minutes old stay inside just after Beijing midnight
    firm.fill("#model_name", "Patrol-4")
    firm.select_option("#intelligence_level", "4")
    firm.fill("#scenarios", "security patrol")
    firm.fill("#sites", "West Lake")
    firm.fill("#units_requested", "2")
    firm.fill("#unit_codes", "\n".join(codes[:2]))
    firm.fill("#period_start", today.isoformat())
    firm.fill("#period_end", (today + dt.timedelta(days=61)).isoformat())
    firm.fill("#supervision_ratio", "1:2")
    firm.check("#emergency_stop")
    firm.check("#remote_takeover")
    firm.set_input_files("#insurance", files=[{"name": "insurance.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    firm.fill("#data_protection_plan", "Faces blurred on the unit.")
    firm.fill("#ethics_assessment", "Self-assessment done.")
    firm.fill("#reporting_cadence_days", "30")
    firm.click("#save-draft")
    firm.wait_for_load_state()
    firm.wait_for_selector(".leaflet-draw-draw-rectangle")
    firm.click(".leaflet-draw-draw-rectangle")
    box = firm.locator(".fence-map").bounding_box()
    firm.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3)
    firm.mouse.down()
    firm.mouse.move(box["x"] + box["width"] * 0.65, box["y"] + box["height"] * 0.7, steps=5)
    firm.mouse.up()
    assert '"Polygon"' in firm.input_value("#area-geojson")
    firm.click("#add-area")
    firm.wait_for_load_state()
    firm.wait_for_selector(".fence-map[data-loaded]")
    assert firm.locator("#complete").count() == 1
    story.shot(firm, "application-with-drawn-area")
    test = services.test_of(db.session.get(Case, case_id))
    area = test.areas[0].geometry["coordinates"][0][0]
    lons, lats = [p[0] for p in area], [p[1] for p in area]
    inside = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    outside = (max(lons) + 0.05, max(lats) + 0.05)
    story.act(firm, case_id, "submit")
    assert case_state(case_id) == "submitted"

    # 2. The officer screens and sends it to expert review, with an expert drawn from the pool.
    officer = story.open_as("officer@t.test")
    story.act(officer, case_id, "start_screening")
    story.act(officer, case_id, "send_to_experts")
    assert case_state(case_id) == "expert_review"
    experts.draw_experts(db.session.get(Case, case_id), n=1, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()

    # 3. The expert gives an opinion; the last opinion ends the review (decision pending).
    expert = story.open_as("expert@t.test")
    expert.goto(f"{base}/experts/cases/{case_id}")
    expert.select_option("select[name=recommendation]", "admit_with_conditions")
    expert.fill("textarea[name=reasons]", "Safe within the fence; keep one supervisor per two units.")
    expert.check("input[name=no_conflict]")
    expert.locator("form:has(textarea[name=reasons]) button[type=submit]").click()
    expert.wait_for_load_state()
    story.shot(expert, "expert-opinion")
    assert case_state(case_id) == "decision_pending"

    # 4. The officer proposes admission and an approver admits (four eyes).
    story.act(officer, case_id, "propose_admission")
    approver = story.open_as("approver@t.test")
    story.act(approver, case_id, "approve_admission")
    assert case_state(case_id) == "admitted"
    story.act(firm, case_id, "start")
    assert case_state(case_id) == "testing"

    # 5. Positions arrive through the API: one inside, two outside (one episode).
    _t, secret = tokens.create_token(world.firm_a, actor=world.applicant_a, name="Fleet", scopes=["positions:write"])
    db.session.commit()
    now = dt.datetime.now(dt.timezone.utc)
    body = {"positions": [{"unit": codes[0], "time": (now - dt.timedelta(minutes=3 - i)).isoformat(),
                           "lon": lon, "lat": lat} for i, (lon, lat) in enumerate([inside, outside, outside])]}
    answer = client.post("/api/v1/sandbox/positions", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200, answer.get_json()
    assert [b["kind"] for b in answer.get_json()["breaches"]] == ["outside_area", "outside_area"]

    # 6. The breach is on the case map and in both inboxes.
    firm.goto(f"{base}/sandbox/{case_id}")
    firm.wait_for_selector(".fence-map[data-loaded]")
    assert firm.locator(".breach-marker").count() == 1
    assert firm.locator("#breaches tr[data-kind=outside_area]").count() == 1
    firm.locator(".fence-map").screenshot(path=str(story.dir / "map-with-breach.png"))
    story.shot(firm, "firm-page-breach")
    told = set(db.session.execute(db.select(InboxItem.user_id).where(InboxItem.rule.like("sandbox_breach%"))).scalars())
    assert told == {world.officer.id, world.applicant_a.id}
    number = db.session.get(Case, case_id).number
    for page in (firm, officer):
        page.goto(base + "/inbox")
        assert number in page.content()

    # 7. A report goes overdue: flagged on the firm's page.
    due = clocks.find(db.session.get(Case, case_id), services.REPORT_ITEM)
    timers.tick(now=due.due_at + dt.timedelta(minutes=1))
    firm.goto(f"{base}/sandbox/{case_id}")
    assert firm.locator("#overdue-items").count() == 1 and "overdue" in firm.get_attribute("#next-report", "class")
    story.shot(firm, "report-overdue")

    # 8. Pause and resume.
    story.act(officer, case_id, "pause", reason="Unit left its area.")
    assert case_state(case_id) == "paused"
    story.act(officer, case_id, "resume", comment="Fence recalibrated.")
    assert case_state(case_id) == "testing"

    # 9. The exit: final report, graduation, and the registration draft it opens.
    story.act(firm, case_id, "end", summary="Final report: objectives met.")
    story.act(officer, case_id, "propose_graduation", reason="Safe operation throughout.")
    story.act(approver, case_id, "approve_exit")
    assert case_state(case_id) == "graduated"
    firm.goto(f"{base}/sandbox/{case_id}")
    story.shot(firm, "graduated")
    firm.click("#open-registration")
    firm.wait_for_load_state()
    link = db.session.execute(db.select(CaseLink).join(Case, Case.id == CaseLink.other_case_id).where(
        CaseLink.case_id == case_id, Case.case_type == "registration")).scalar_one()  # (the breach's incident is linked too)
    assert f"/cases/{link.other_case_id}" in firm.url and case_state(link.other_case_id) == "draft"
    story.shot(firm, "registration-draft")
