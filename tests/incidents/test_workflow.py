"""The incident table as the issue states it, and the way through it to a published closure."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.cases.services import fire
from supervision.extensions import db
from tests.incidents.conftest import report
from workflows.base import TransitionRefused
from workflows.incident import INCIDENT

OPEN = ("reported", "triaged", "investigating", "remediation_required", "remediation_reported",
        "remediation_verified")


def test_the_table_allows_exactly_what_the_issue_says():
    expected = {
        ("reported", "triage", "officer"),
        ("triaged", "start_investigation", "officer"),
        ("investigating", "order_remediation", "officer"),
        ("remediation_required", "report_remediation", "applicant"),
        ("remediation_reported", "verify_remediation", "officer"),
        ("remediation_reported", "send_back", "officer"),
        ("remediation_verified", "close", "officer"),
        ("reported", "dismiss", "officer"), ("triaged", "dismiss", "officer"),
        ("investigating", "dismiss", "officer"),
        ("investigating", "refer", "officer"),
    } | {(state, "submit_report", "applicant") for state in OPEN}
    assert INCIDENT.allowed() == expected
    assert {s for s, st in INCIDENT.states.items() if st.final} == {"closed", "dismissed", "referred"}
    dest = {(tr.source, tr.trigger): tr.dest for tr in INCIDENT.transitions}
    assert dest[(("reported", "triaged", "investigating"), "dismiss")] == "dismissed"
    assert dest[(("investigating",), "refer")] == "referred"
    assert dest[(("remediation_reported",), "send_back")] == "remediation_required"


def test_an_incident_runs_to_verified_remediation_and_is_published(world, decision_keys):
    from supervision.decisions.models import Decision

    incident = report(world, severity=2)
    case, officer, firm = incident.case, world.officer, world.applicant_a
    fire(case, "triage", actor=officer, severity="2", comment="Confirmed.")
    fire(case, "start_investigation", actor=officer)
    deadline = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    fire(case, "order_remediation", actor=officer, measures=("Retune obstacle distance", "Speed limit"),
         deadline=deadline, reason="The obstacle distance was too short.")
    [order] = db.session.execute(db.select(Decision).filter_by(case_id=case.id)).scalars().all()
    assert order.kind == "incident_remediation"
    from supervision.documents.uploads import Upload

    evidence = Upload(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", "done.pdf")
    fire(case, "report_remediation", actor=firm, comment="Done.", document=evidence)
    fire(case, "send_back", actor=officer, reason="No test record.", deadline=deadline)
    assert case.state == "remediation_required"
    fire(case, "report_remediation", actor=firm, comment="With the test record.", document=evidence)
    fire(case, "verify_remediation", actor=officer, comment="Verified.")
    fire(case, "close", actor=officer, publish="yes", public_summary="A robot touched a pedestrian; fixed.",
         comment="Closed.")
    assert case.state == "closed" and incident.published
    assert incident.public_measures == "Retune obstacle distance\nSpeed limit"


def test_only_severity_1_or_2_with_a_summary_is_published(world):
    incident = report(world, severity=3)
    case = incident.case
    for trigger, inputs in (("triage", {"severity": "3", "comment": "ok"}), ("start_investigation", {})):
        fire(case, trigger, actor=world.officer, **inputs)
    case.state = "remediation_verified"
    with pytest.raises(TransitionRefused) as err:
        fire(case, "close", actor=world.officer, publish="yes", public_summary="x", comment="c")
    assert "severity 1 or 2" in err.value.reasons[0]
    fire(case, "close", actor=world.officer, publish="no", comment="Closed without publication.")
    assert case.state == "closed" and not incident.published


def test_a_firm_may_not_triage_and_an_officer_may_not_report_remediation(world):
    case = report(world).case
    with pytest.raises(TransitionRefused) as err:
        fire(case, "triage", actor=world.applicant_a, severity="1", comment="x")
    assert err.value.forbidden
    with pytest.raises(TransitionRefused):
        fire(case, "dismiss", actor=world.applicant_a, reason="not ours")


def test_referral_takes_the_authority_and_the_letter(world):
    from supervision.documents.uploads import Upload

    case = report(world).case
    fire(case, "triage", actor=world.officer, severity="1", comment="ok")
    fire(case, "start_investigation", actor=world.officer)
    with pytest.raises(TransitionRefused):
        fire(case, "refer", actor=world.officer, authority="Cyberspace administration", reason="PIPL")
    fire(case, "refer", actor=world.officer, authority="Cyberspace administration", reason="PIPL Art. 57",
         document=Upload(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", "letter.pdf"))
    assert case.state == "referred"
