"""The prohibited-conduct table (stated literally), who may act on a case, and what each end of
the case records: the remediation order and its deadline, the referral letter, no violation."""
from __future__ import annotations

import pytest

from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.conduct import services
from supervision.decisions.models import Decision
from supervision.documents.uploads import Upload
from supervision.extensions import db
from tests.conduct.conftest import PDF, in_a_month, open_case, to_findings
from workflows.conduct import CONDUCT


def test_the_allowed_set_is_exactly_the_table():
    assert CONDUCT.allowed() == {
        ("opened", "start_investigation", "officer"),
        ("investigating", "request_info", "officer"),
        ("info_requested", "answer", "applicant"),
        ("investigating", "add_evidence", "officer"),
        ("investigating", "file_statement", "applicant"),
        ("info_requested", "file_statement", "applicant"),
        ("investigating", "record_findings", "officer"),
        ("findings", "reopen_investigation", "officer"),
        ("findings", "close_no_violation", "officer"),
        ("findings", "propose_remediation", "officer"),
        ("remediation_proposed", "approve_remediation", "approver"),
        ("remediation_proposed", "return_proposal", "approver"),
        ("findings", "propose_referral", "officer"),
        ("referral_proposed", "approve_referral", "approver"),
        ("referral_proposed", "return_proposal", "approver"),
        ("findings", "notice_recall", "officer"),
        ("recall_noticed", "file_statement", "applicant"),
        ("recall_noticed", "propose_recall", "officer"),
        ("recall_noticed", "drop_action", "officer"),
        ("recall_proposed", "approve_recall", "approver"),
        ("recall_proposed", "return_proposal", "approver"),
        ("remediation_required", "report_completion", "applicant"),
        ("recall_ordered", "report_completion", "applicant"),
        ("remediation_reported", "verify_remediation", "officer"),
        ("remediation_reported", "send_back", "officer"),
    }
    assert {s for s, st in CONDUCT.states.items() if st.final} == {
        "remediation_verified", "referred", "closed_no_violation"}
    assert CONDUCT.initial == "opened"


def test_an_officer_opens_a_case_against_a_firm(world):
    case = open_case(world)
    assert case.case_type == "conduct" and case.firm_id == world.firm_a.id
    assert case.number.startswith("CON-") and case.state == "opened"
    assert services.conduct_of(case).category == "privacy"


def test_the_firm_answers_requests_with_attachments_and_files_its_statement(world):
    case = open_case(world)
    cases.fire(case, "start_investigation", actor=world.officer)
    cases.fire(case, "request_info", actor=world.officer, comment="How long are the images kept?")
    assert clocks.find(case, "information") is not None  # the firm runs against its answer's deadline
    cases.fire(case, "file_statement", actor=world.applicant_a, comment="We delete them after a day.")
    assert case.state == "info_requested"
    cases.fire(case, "answer", actor=world.applicant_a, comment="Kept 24 hours; log attached.",
               document=Upload(PDF, "retention-log.pdf"))
    assert case.state == "investigating"
    cases.fire(case, "add_evidence", actor=world.officer, comment="Photos from the inspection.",
               document=Upload(PDF, "inspection.pdf"))
    assert case.state == "investigating"


def test_a_firm_acts_only_on_its_own_case(world):
    case = open_case(world, firm=world.firm_a)
    cases.fire(case, "start_investigation", actor=world.officer)
    cases.fire(case, "request_info", actor=world.officer, comment="Explain.")
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "answer", actor=world.applicant_b, comment="Not ours.")
    assert refused.value.forbidden
    cases.fire(case, "answer", actor=world.applicant_a, comment="Ours, explained.")
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "record_findings", actor=world.applicant_a, reason="Nothing found.")
    assert refused.value.forbidden


def test_remediation_is_ordered_with_four_eyes_reported_sent_back_and_verified(world):
    case = to_findings(world, open_case(world))
    cases.fire(case, "propose_remediation", actor=world.officer, measures=("Delete stored faces", "Add notices"),
               deadline=in_a_month(), reason="The images were kept without notice.")
    with pytest.raises(cases.TransitionRefused):  # four eyes: the proposer may not approve
        cases.fire(case, "approve_remediation", actor=world.officer)
    cases.fire(case, "approve_remediation", actor=world.approver)
    assert case.state == "remediation_required"
    order = db.session.execute(db.select(Decision).filter_by(case_id=case.id, kind="conduct_remediation")).scalar_one()
    assert order.number
    assert clocks.find(case, services.REMEDIATION_DEADLINE).due_date.isoformat() == in_a_month()
    cases.fire(case, "report_completion", actor=world.applicant_a, comment="Faces deleted; notices up.",
               document=Upload(PDF, "photos.pdf"))
    assert clocks.find(case, services.REMEDIATION_DEADLINE) is None
    cases.fire(case, "send_back", actor=world.officer, reason="Notices missing at gate 2.", deadline=in_a_month())
    assert case.state == "remediation_required" and clocks.find(case, services.REMEDIATION_DEADLINE) is not None
    cases.fire(case, "report_completion", actor=world.applicant_a, comment="Gate 2 done.",
               document=Upload(PDF, "gate2.pdf"))
    cases.fire(case, "verify_remediation", actor=world.officer, comment="Checked on site.")
    assert case.state == "remediation_verified"


def test_a_deadline_in_the_past_is_refused(world):
    case = to_findings(world, open_case(world))
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "propose_remediation", actor=world.officer, measures=("Fix",), deadline="2020-01-01",
                   reason="Because.")
    assert "after today" in refused.value.reasons[0]
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "propose_remediation", actor=world.officer, measures=("Fix",), deadline="soon",
                   reason="Because.")
    assert "YYYY-MM-DD" in refused.value.reasons[0]


def test_referral_records_the_authority_and_issues_the_letter(world):
    case = to_findings(world, open_case(world, category="competition"))
    cases.fire(case, "propose_referral", actor=world.officer, authority="market_regulation",
               reason="Exclusive-dealing clauses are for the market regulator.")
    cases.fire(case, "approve_referral", actor=world.approver)
    assert case.state == "referred"
    assert services.conduct_of(case).authority == "market_regulation"
    letter = db.session.execute(db.select(Decision).filter_by(case_id=case.id, kind="conduct_referral")).scalar_one()
    assert letter.number


def test_an_authority_without_a_configured_office_cannot_be_chosen(app, world):
    case = to_findings(world, open_case(world))
    offices = app.config["CONDUCT_REFERRAL_AUTHORITIES"]
    app.config["CONDUCT_REFERRAL_AUTHORITIES"] = {k: v for k, v in offices.items() if k != "cyberspace"}
    try:
        with pytest.raises(cases.TransitionRefused) as refused:
            cases.fire(case, "propose_referral", actor=world.officer, authority="cyberspace", reason="Data.")
        assert "No office is configured" in refused.value.reasons[0]
    finally:
        app.config["CONDUCT_REFERRAL_AUTHORITIES"] = offices


def test_a_returned_proposal_leaves_nothing_proposed(world):
    case = to_findings(world, open_case(world))
    cases.fire(case, "propose_referral", actor=world.officer, authority="cyberspace", reason="Data.")
    cases.fire(case, "return_proposal", actor=world.approver, comment="Order remediation first.")
    assert case.state == "findings" and services.conduct_of(case).authority is None


def test_no_violation_closes_the_case(world):
    case = to_findings(world, open_case(world))
    cases.fire(case, "close_no_violation", actor=world.officer, reason="The images were blurred at capture.")
    assert case.state == "closed_no_violation" and cases.is_closed(case)
