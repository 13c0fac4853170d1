"""The incident story in the browser, in Chinese and in English: a firm reports an incident (its
point set by a click on the map) and sees its report clocks and its point on the case's map; the officer triages it (the severity changes and the clocks follow),
investigates, orders remediation (a decision); the firm reports the remediation with evidence;
the officer verifies it and closes the incident with a published summary, which appears on the
public register.  Also the case page at 390 px wide.

Elements are found by ids, names, ``data-trigger`` and URLs, never by translated text.
Screenshots go to test-artifacts/screenshots/incident-<lang>/NN-step.png."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.incidents.models import Incident
from tests.browser.test_registration_story import SHOTS, Story
from tests.sandbox.conftest import PDF

pytestmark = pytest.mark.browser
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def state_of(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).state


@pytest.fixture
def decision_keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_incident_story(world, live_server, browser, decision_keys, lang):
    story = Story(browser, live_server, lang)
    story.dir = SHOTS / f"incident-{lang}"
    story.dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(story, world)
    finally:
        story.close()


def _open(page, trigger: str) -> object:
    page.locator(f'details:has(form[data-trigger="{trigger}"]) > summary').click()
    return page.locator(f'form[data-trigger="{trigger}"]')


def _run(story: Story, world) -> None:
    base = story.base
    now = dt.datetime.now(SHANGHAI)
    # 1. The firm reports: what, when, when it became aware, the measures, a provisional severity.
    firm = story.open_as("a@firm-a.test")
    firm.goto(base + "/incidents")
    firm.click("#new-incident")
    firm.wait_for_load_state()
    firm.fill("#title", "配送机器人碰撞行人 / Delivery robot touched a pedestrian")
    firm.fill("#what", "The robot did not give way on the pavement and touched a pedestrian's arm.")
    firm.fill("#occurred_at", (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    firm.fill("#aware_at", (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    firm.fill("#place", "Wensan Road")
    # The point: a click on the map fills the longitude and latitude; the map follows the fields.
    the_map = firm.locator('#incident-form-map[data-loaded="1"]')
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    lon, lat = float(firm.input_value("#lon")), float(firm.input_value("#lat"))
    assert 119.5 < lon < 121 and 29.5 < lat < 31, (lon, lat)      # around Hangzhou, where it opens
    pin = firm.locator("#incident-form-map .incident-pin")
    assert pin.count() == 1
    before = pin.bounding_box()
    firm.fill("#lon", f"{lon + 0.01:.6f}")
    firm.dispatch_event("#lon", "change")
    assert pin.bounding_box()["x"] > before["x"] + 5                # east: the marker moved right
    lon = float(firm.input_value("#lon"))
    firm.fill("#injuries", "One graze")
    firm.check('input[name="data_categories"][value="images"]')
    firm.fill("#people_affected", "1")
    firm.fill("#immediate_measures", "Unit stopped; first aid given.")
    firm.select_option("#severity", "2")
    story.shot(firm, "firm-report-form")
    firm.click("#submit-incident")
    firm.wait_for_load_state()
    case_id = int(re.search(r"/cases/(\d+)", firm.url).group(1))
    stored = db.session.execute(db.select(Incident.lon, Incident.lat).filter_by(case_id=case_id)).one()
    assert stored == pytest.approx((lon, lat), abs=1e-6)
    assert firm.locator('#incident-clocks [data-clock="follow_up_report"]').count() == 1
    assert firm.locator('#incident-reports [data-report="initial_report"]').count() == 1
    assert firm.locator("#missing-elsewhere").count() == 1        # cyberspace authority, people affected
    story.shot(firm, "firm-sees-its-clocks")
    narrow = story.browser.new_context(viewport={"width": 390, "height": 844},
                                       storage_state=firm.context.storage_state())
    story.contexts.append(narrow)
    phone = narrow.new_page()
    phone.goto(f"{base}/cases/{case_id}")
    story.shot(phone, "firm-case-390px")
    phone.click('#case-tabs a[data-tab="map"]')
    phone.locator('#incident-point-map[data-loaded="1"] .incident-pin').wait_for()
    story.shot(phone, "firm-case-map-390px")
    phone.goto(base + "/incidents/new")
    phone.locator('#incident-form-map[data-loaded="1"]').scroll_into_view_if_needed()
    story.shot(phone, "firm-report-form-map-390px")
    firm.click('#case-tabs a[data-tab="map"]')
    firm.locator('#incident-point-map[data-loaded="1"] .incident-pin').wait_for()
    story.shot(firm, "firm-case-map")

    # 2. The officer triages (severity 1 now: the clocks restart from awareness), investigates.
    officer = story.open_as("officer@t.test")
    officer.goto(f"{base}/cases/{case_id}")
    form = _open(officer, "triage")
    form.locator('select[name="severity"]').select_option("1")
    form.locator('textarea[name="comment"]').fill("More severe than reported: a person was hurt.")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert officer.locator("#incident-severity.severity-1").count() == 1
    story.shot(officer, "officer-triaged")
    officer.goto(f"{base}/cases/{case_id}")
    _open(officer, "start_investigation").locator("button[type=submit]").click()
    officer.wait_for_load_state()
    form = _open(officer, "order_remediation")
    form.locator('[name="measures"]').nth(0).fill("Retune the obstacle distance and re-test")
    form.locator('[name="measures"]').nth(1).fill("Limit speed on pavements to 4 km/h")
    form.locator('[name="deadline"]').fill((local_today() + dt.timedelta(days=15)).isoformat())
    form.locator('[name="reason"]').fill("The obstacle distance was set too short.")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert state_of(case_id) == "remediation_required"
    story.shot(officer, "officer-ordered-remediation")

    # 3. The firm reports the remediation with evidence.
    firm.goto(f"{base}/cases/{case_id}")
    form = _open(firm, "report_remediation")
    form.locator('[name="comment"]').fill("Both measures done; the re-test record is attached.")
    form.locator('input[name="document"]').set_input_files(
        files=[{"name": "retest.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    form.locator("button[type=submit]").click()
    firm.wait_for_load_state()
    assert state_of(case_id) == "remediation_reported"

    # 4. The officer verifies and closes it, publishing a summary.
    officer.goto(f"{base}/cases/{case_id}")
    form = _open(officer, "verify_remediation")
    form.locator('[name="comment"]').fill("Re-test record checked on site.")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    form = _open(officer, "close")
    form.locator('select[name="publish"]').select_option("yes")
    form.locator('[name="public_summary"]').fill("配送机器人在人行道与行人轻微接触；企业已调整避障距离并限速。")
    form.locator('[name="comment"]').fill("Closed after verified remediation.")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert state_of(case_id) == "closed"
    assert db.session.execute(db.select(Incident.published).filter_by(case_id=case_id)).scalar_one()
    story.shot(officer, "officer-closed")

    # 5. The public register shows the summary and the measures, and nothing personal.
    public = story.open_as(None)
    public.goto(base + "/register/incidents")
    number = db.session.get(Case, case_id).number
    text = public.locator("main").inner_text() if public.locator("main").count() else public.content()
    assert number in text and "Wensan" not in text and "graze" not in text
    story.shot(public, "register")
