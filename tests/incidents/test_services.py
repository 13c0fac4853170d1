"""An incident pauses or suspends a sandbox test and a registration through their own tables,
with links both ways, and lifts it the same way; a breach episode opens exactly one incident;
firm B never sees firm A's incident; the reports owed elsewhere that are missing are named."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.incidents import services
from supervision.incidents.models import Incident
from supervision.sandbox import fences
from tests.incidents.conftest import report
from tests.sandbox.conftest import codes, running  # noqa: F401  (fixtures)
from workflows.base import TransitionRefused


def links(case: Case) -> list[tuple[str, str]]:
    return [(relation, other.number) for relation, other in cases.links_of(case)]


def test_an_incident_pauses_the_sandbox_test_and_both_cases_show_the_link(world, running):
    test_case = running.case
    incident = report(world, sandbox_case_id=test_case.id)
    targets = {(c.id, action) for c, action, _ in services.linked_targets(incident, world.officer)}
    assert (test_case.id, "pause") in targets and (test_case.id, "suspend") in targets
    assert services.linked_targets(incident, world.applicant_a) == []       # the firm may not
    services.act_on_linked(incident, test_case, "pause", actor=world.officer, reason="Collision: stop now.")
    assert test_case.state == "paused"
    assert ("Pauses", test_case.number) in links(incident.case)
    assert ("Paused by", incident.case.number) in links(test_case)
    services.act_on_linked(incident, test_case, "lift", actor=world.officer, reason="Cause removed.")
    assert test_case.state == "testing"
    from supervision.audit.models import AuditEvent

    reasons = db.session.execute(db.select(AuditEvent.reason).where(
        AuditEvent.case_id == test_case.id, AuditEvent.trigger.in_(("pause", "resume")))).scalars().all()
    assert all(r.startswith(incident.case.number) for r in reasons)


def test_an_incident_starts_the_suspension_of_a_sandbox_test_with_prior_notice(world, running):
    incident = report(world)
    services.act_on_linked(incident, running.case, "suspend", actor=world.officer, reason="Repeated breaches.")
    assert running.case.state == "suspension_noticed"        # the test's own table: notice first
    assert ("Suspended by", incident.case.number) in links(running.case)


def test_an_incident_suspends_a_registration_and_lifting_works_the_same_way(world, codes):
    reg_case = db.session.execute(db.select(Case).where(Case.firm_id == world.firm_a.id,
                                                        Case.case_type == "registration",
                                                        Case.state == "registered")).scalars().first()
    incident = report(world)
    services.act_on_linked(incident, reg_case, "suspend", actor=world.officer, reason="Unsafe model.")
    assert reg_case.state == "suspension_noticed"
    assert ("Suspends", reg_case.number) in links(incident.case)
    assert ("Suspended by", incident.case.number) in links(reg_case)
    cases.fire(reg_case, "file_statement", actor=world.applicant_a, comment="We disagree.")
    cases.fire(reg_case, "propose_suspension", actor=world.officer, reason="Unsafe.", defence_reply="Not convincing.")
    cases.fire(reg_case, "approve_suspension", actor=world.approver)
    assert reg_case.state == "suspended"
    with pytest.raises(TransitionRefused):       # the registration's table: only an approver lifts
        services.act_on_linked(incident, reg_case, "lift", actor=world.officer, reason="Fixed.")
    services.act_on_linked(incident, reg_case, "lift", actor=world.dual, reason="Fixed and verified.")
    assert reg_case.state == "registered"
    assert links(incident.case).count(("Suspends", reg_case.number)) == 1


def test_no_action_on_another_firms_case(world, codes):
    reg_b = db.session.execute(db.select(Case).where(Case.firm_id == world.firm_b.id,
                                                     Case.case_type == "registration")).scalars().first()
    incident = report(world)
    with pytest.raises(services.Refused):
        services.act_on_linked(incident, reg_b, "suspend", actor=world.officer, reason="x")
    assert reg_b.state == "registered"


def test_a_breach_episode_opens_exactly_one_incident_however_many_positions(world, running, codes):
    unit = codes[world.firm_a.id][0]
    now = dt.datetime.now(dt.timezone.utc)
    outside = [{"unit": unit, "time": (now - dt.timedelta(minutes=20 - i)).isoformat(), "lon": 120.25 + i / 1000,
                "lat": 30.25} for i in range(6)]
    fences.ingest(world.firm_a, outside[:2])
    fences.ingest(world.firm_a, outside[2:])      # the same episode continues in a second batch
    [incident] = db.session.execute(db.select(Incident)).scalars().all()
    assert (incident.source, incident.unit_codes, incident.sandbox_case_id) == ("breach", [unit], running.case_id)
    assert ("Opened by", running.case.number) in links(incident.case)
    back = {"unit": unit, "time": (now - dt.timedelta(minutes=10)).isoformat(), "lon": 120.15, "lat": 30.25}
    again = {"unit": unit, "time": (now - dt.timedelta(minutes=5)).isoformat(), "lon": 120.30, "lat": 30.25}
    fences.ingest(world.firm_a, [back, again])   # back inside, then out again: a second episode
    assert db.session.execute(db.select(db.func.count(Incident.id))).scalar_one() == 2
    from sqlalchemy.exc import IntegrityError

    other = cases.create_case(case_type="incident", title="dup", department_id=world.department.id,
                              actor=world.officer, firm_id=world.firm_a.id)
    with pytest.raises(IntegrityError):          # the database holds one incident per episode
        with db.session.begin_nested():
            db.session.add(Incident(case_id=other.id, firm_id=world.firm_a.id, source="breach",
                                    what="dup", occurred_at=utcnow(), aware_at=utcnow(), provisional_severity=3,
                                    severity=3, breach_episode_id=incident.breach_episode_id))
            db.session.flush()


def test_units_must_be_the_firms_own_coded_units(world, codes):
    theirs = codes[world.firm_b.id][0]
    with pytest.raises(services.Refused):
        report(world, unit_codes=[theirs])
    mine = codes[world.firm_a.id][0]
    incident = report(world, unit_codes=[mine.lower(), mine])
    assert incident.unit_codes == [mine]


def test_the_officer_sees_which_reports_owed_elsewhere_are_missing(world):
    incident = report(world, safety_accident=True, data_categories=["images", "location"], people_affected=12,
                      authority_reported_at=utcnow())
    missing = services.missing_reports_elsewhere(incident)
    assert len(missing) == 2
    assert any("emergency management" in m for m in missing)
    assert any("people affected" in m for m in missing)


def test_firm_b_never_sees_firm_as_incident(world, web):
    from supervision import policies

    incident = report(world)
    db.session.commit()
    assert not policies.can_view_case(world.applicant_b, incident.case)
    web.login(world.applicant_b.email)
    assert web.get(f"/cases/{incident.case_id}").status_code in (403, 404)
    assert incident.case.number not in web.get("/incidents").get_data(as_text=True)
    assert web.post(f"/incidents/{incident.case_id}/linked", {"target": "1:pause", "reason": "x"},
                    token_from="/incidents").status_code in (403, 404)


def test_the_officer_pauses_the_test_from_the_incident_page(world, web, running):
    from tests.cases.conftest import sign_in

    incident = report(world, sandbox_case_id=running.case_id)
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get(f"/cases/{incident.case_id}").get_data(as_text=True)
    assert f'value="{running.case_id}:pause"' in page
    resp = web.post(f"/incidents/{incident.case_id}/linked",
                    {"target": f"{running.case_id}:pause", "reason": "A person was hurt."},
                    token_from=f"/cases/{incident.case_id}")
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, running.case_id).state == "paused"
    assert incident.case.number in web.get(f"/cases/{running.case_id}").get_data(as_text=True)
