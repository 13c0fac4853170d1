"""The sandbox procedure through its pages and services: the application says what is missing,
areas are validated, admission sets conditions and issues its decision, reports fall due and go
overdue, pause and resume, an extension changes the conditions with their history kept, the exit
ends in graduation and a linked registration draft, the public register lists the project."""
from __future__ import annotations

import datetime as dt
import json

from supervision.cases import clocks, timers
from supervision.cases.models import Case, CaseLink
from supervision.cases.services import fire
from supervision.core.timeutil import local_today
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.sandbox import services
from supervision.sandbox.models import ConditionSet
from tests.cases.conftest import sign_in, then
from tests.sandbox.conftest import SQUARE, complete_plan, run_to


def test_the_application_form_saves_drafts_and_says_what_is_missing(world, web):
    sign_in(web, "a@firm-a.test")
    created = then(web, web.post("/sandbox/new", token_from="/sandbox"))
    page = created.get_data(as_text=True)
    assert "Still missing before you can submit:" in page and "At least one allowed area" in page
    case = db.session.execute(db.select(Case).where(Case.case_type == "sandbox")).scalar_one()
    url = f"/sandbox/{case.id}/application"
    saved = then(web, web.post(url, {"model_name": "Patrol-1", "intelligence_level": "4", "units_requested": "1"},
                               token_from=url)).get_data(as_text=True)
    assert "Draft saved." in saved and "Robot model</li>" not in saved and "Sites" in saved
    # Submitting an incomplete application is refused by the table's guard.
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The application is incomplete" in page
    # An area: a clockwise square is accepted; a bow-tie is refused with where it crosses.
    ok = then(web, web.post(f"/sandbox/{case.id}/areas", {"geojson": json.dumps(SQUARE), "label": "Loop"},
                            token_from=url)).get_data(as_text=True)
    assert "Area added." in ok and "Loop" in ok
    bad = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    refused = then(web, web.post(f"/sandbox/{case.id}/areas", {"geojson": json.dumps(bad)}, token_from=url))
    assert "/coordinates: The polygon is not valid: Self-intersection[0.5 0.5]" in refused.get_data(as_text=True)
    dup = then(web, web.post(f"/sandbox/{case.id}/areas", {"geojson": '{"type": "Polygon", "type": "Point"}'},
                             token_from=url))
    assert "not valid JSON" in dup.get_data(as_text=True) and "appears twice" in dup.get_data(as_text=True)


def test_only_the_firms_own_coded_units_may_be_named(world, web, codes):
    test = complete_plan(world, codes)
    db.session.commit()
    sign_in(web, "a@firm-a.test")
    url = f"/sandbox/{test.case_id}/application"
    refused = web.post(url, {"unit_codes": codes[world.firm_b.id][0], "units_requested": "2"}, token_from=url)
    assert "Not coded units of your firm: " + codes[world.firm_b.id][0] in refused.get_data(as_text=True)
    too_many = web.post(url, {"unit_codes": "\n".join(codes[world.firm_a.id]), "units_requested": "2"}, token_from=url)
    assert "More unit codes than units applied for (2)." in too_many.get_data(as_text=True)


def test_another_firm_sees_neither_the_application_nor_its_map(world, web, codes):
    test = complete_plan(world, codes)
    db.session.commit()
    sign_in(web, "b@firm-b.test")
    for path in (f"/sandbox/{test.case_id}", f"/sandbox/{test.case_id}/application", f"/sandbox/{test.case_id}/map.json",
                 f"/sandbox/{test.case_id}/fences.json"):
        assert web.get(path).status_code == 404


def test_admission_sets_conditions_and_issues_the_signed_decision(world, codes, decision_keys):
    test = complete_plan(world, codes)
    run_to(world, test, "admitted")
    cs = services.current_conditions(test)
    assert (cs.version, cs.period_end, cs.unit_codes) == (1, test.period_end, test.unit_codes)
    decision = db.session.execute(db.select(Decision).where(Decision.case_id == test.case_id)).scalar_one()
    assert decision.kind == "sandbox_admission" and "沙准" in decision.number


def test_reports_fall_due_go_overdue_and_are_flagged_to_firm_and_officer(world, running):
    case = running.case
    due = clocks.find(case, services.REPORT_ITEM)
    assert due is not None and due.kind == "report" and due.due_date == local_today() + dt.timedelta(days=30)
    timers.tick(now=due.due_at + dt.timedelta(minutes=1))
    db.session.expire_all()
    assert clocks.find(case, services.REPORT_ITEM).flagged_overdue_at is not None
    told = {i.user_id for i in db.session.execute(db.select(InboxItem).where(InboxItem.rule.in_(
        ["sandbox_overdue_firm", "sandbox_overdue_officer"]))).scalars()}
    assert told == {world.applicant_a.id, world.officer.id}
    # The report is submitted: the item is met and the next one falls due a cadence later.
    fire(case, "submit_report", actor=world.applicant_a, summary="Month one: 0 incidents, 2 pauses drilled.")
    nxt = clocks.find(case, services.REPORT_ITEM)
    assert nxt.due_date == due.due_date + dt.timedelta(days=30) and nxt.flagged_overdue_at is None


def test_pause_is_immediate_and_resume_brings_the_test_back(world, running):
    case = running.case
    fire(case, "pause", actor=world.officer, reason="Unit left its area twice.")
    assert case.state == "paused"
    assert not db.session.execute(db.select(Decision).where(Decision.case_id == case.id,
                                                            Decision.kind.like("%suspension%"))).first()
    fire(case, "resume", actor=world.officer, comment="Geofence recalibrated.")
    assert case.state == "testing"


def test_an_extension_changes_the_conditions_and_keeps_their_history(world, web, running):
    case = running.case
    new_end = running.period_end + dt.timedelta(days=30)
    fire(case, "request_change", actor=world.applicant_a, change_kind="extension", new_end=new_end.isoformat(),
         comment="More winter data needed.")
    fire(case, "grant_change", actor=world.approver, comment="Granted for 30 days.")
    db.session.commit()
    versions = db.session.execute(db.select(ConditionSet.version, ConditionSet.period_end)
                                  .where(ConditionSet.test_id == running.id).order_by(ConditionSet.version)).all()
    assert versions == [(1, running.period_end), (2, new_end)]
    assert clocks.find(case, services.PERIOD_END).due_date == new_end
    sign_in(web, "a@firm-a.test")
    page = web.get(f"/sandbox/{case.id}").get_data(as_text=True)
    assert "Version 1" in page and "Version 2" in page and 'class="changed"' in page


def test_the_exit_ends_in_graduation_and_a_registration_draft_linked_both_ways(world, web, running):
    case = running.case
    fire(case, "end", actor=world.applicant_a, summary="Final report: all objectives met.")
    fire(case, "propose_graduation", actor=world.officer, reason="Safe operation over the whole period.")
    fire(case, "approve_exit", actor=world.approver)
    assert case.state == "graduated"
    kinds = set(db.session.execute(db.select(Decision.kind).where(Decision.case_id == case.id)).scalars())
    assert {"sandbox_admission", "sandbox_graduation"} <= kinds
    db.session.commit()
    sign_in(web, "a@firm-a.test")
    opened = web.post(f"/sandbox/{case.id}/registration", token_from=f"/sandbox/{case.id}")
    assert opened.status_code == 303
    link = db.session.execute(db.select(CaseLink).where(CaseLink.case_id == case.id)).scalar_one()
    assert link.other.case_type == "registration" and link.other.state == "draft"
    assert case.number in web.get(f"/cases/{link.other_case_id}").get_data(as_text=True)  # both ways
    # The public register lists the project with nothing confidential.
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    data = web.get("/register.json?section=sandbox").get_json()
    assert [e["status"] for e in data["entries"]] == ["graduated"] and data["total"] == 1
    assert set(data["entries"][0]) == {"number", "name", "firm", "scenario", "period_start", "period_end", "status"}
    assert case.number in web.get("/register/sandbox").get_data(as_text=True)
    csv_text = web.get("/register/sandbox.csv").get_data(as_text=True)
    assert case.number in csv_text and "HZR-" not in csv_text


def test_a_tier_4_referral_opens_a_prefilled_sandbox_draft_linked_both_ways(world, web):
    from supervision.registry import services as registry
    from supervision.registry.models import SandboxReferral
    from tests.registry.conftest import make_registration

    reg = make_registration(world, name="Care-bot L5")
    fire(reg.case, "submit", actor=world.applicant_a)
    fire(reg.case, "accept", actor=world.officer)
    # The tiering is not under test here: the referral is recorded as the officer would.
    db.session.add(SandboxReferral(case_id=reg.case_id, model_id=reg.model_id, classification_id=reg.classification.id,
                                   note="Tier 4: sandbox first.", referred_by_id=world.officer.id))
    db.session.commit()
    sign_in(web, "a@firm-a.test")
    page = web.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert 'id="apply-sandbox"' in page
    opened = then(web, web.post(f"/sandbox/from-referral/{reg.case_id}", token_from=f"/cases/{reg.case_id}"))
    assert "Care-bot L5" in opened.get_data(as_text=True)  # pre-filled from the model
    test = db.session.execute(db.select(services.SandboxTest)).scalar_one()
    assert (test.model_id, test.referral_case_id) == (reg.model_id, reg.case_id)
    link = db.session.execute(db.select(CaseLink)).scalar_one()
    assert (link.case_id, link.other_case_id) == (reg.case_id, test.case_id)
    assert 'id="referral-sandbox-link"' in web.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert registry.referral_of(reg) is not None


def test_a_regulators_view_of_positions_is_logged(world, web, running):
    from supervision.audit.models import AuditEvent

    sign_in(web, "officer@t.test")
    assert web.get(f"/sandbox/{running.case_id}/map.json").status_code == 200
    views = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "sandbox.positions_view")).scalars().all()
    assert [v.actor_email for v in views] == ["officer@t.test"]


def test_the_case_pages_map_tab_shows_areas_and_zones_without_logging_a_position_view(world, web, running):
    from supervision.audit.models import AuditEvent

    sign_in(web, "officer@t.test")
    page = web.get(f"/cases/{running.case_id}").get_data(as_text=True)
    assert 'id="tab-map"' in page and 'data-tab="map"' in page
    assert f'data-src="/sandbox/{running.case_id}/fences.json"' in page
    assert f'href="/sandbox/{running.case_id}#fence-map"' in page  # positions: the explicit, logged request
    fences = web.get(f"/sandbox/{running.case_id}/fences.json").get_json()
    assert fences["areas"] and set(fences) == {"areas", "zones", "overlaps"}
    views = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "sandbox.positions_view")).scalars().all()
    assert views == []


def test_an_area_overlapping_a_prohibited_zone_is_flagged_to_the_officer_with_the_overlap(world, web, codes):
    from supervision.core.timeutil import utcnow
    from supervision.geo import services as zones

    test = complete_plan(world, codes)
    fire(test.case, "submit", actor=world.applicant_a)
    zones.create_zone(name="School", geojson={"type": "Polygon", "coordinates": [[[120.18, 30.28], [120.25, 30.28],
                      [120.25, 30.35], [120.18, 30.35], [120.18, 30.28]]]},
                      valid_from=utcnow(), valid_to=None, actor=world.officer)
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get(f"/cases/{test.case_id}").get_data(as_text=True)
    assert 'id="zone-overlap"' in page and "School" in page
    overlap = web.get(f"/sandbox/{test.case_id}/map.json").get_json()["overlaps"]
    assert len(overlap) == 1 and overlap[0]["properties"]["zone"] == "School"
