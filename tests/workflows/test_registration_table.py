"""The registration workflow's table, checked against the procedure written out by hand.

ALLOWED is DOMAIN §6.1 read as (state, trigger, role): who may take which step from where,
guards aside.  It is written literally, not derived from the table under test.
"""
from __future__ import annotations

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services
from supervision.core.actors import SYSTEM
from supervision.extensions import db
from workflows.registration import REGISTRATION

# A value each kind of input accepts (the refusals must come from the table, not the inputs).
SAMPLE = {"text": "because", "line": "because", "choice": "expired", "document": None, "date": "2026-12-01",
          "list": ("because",)}

ALLOWED = {
    # Application and acceptance (行政许可法 Art. 32): one supplement notice at most.
    ("draft", "submit", "applicant"),
    ("draft", "withdraw", "applicant"),
    ("submitted", "accept", "officer"),
    ("submitted", "not_accept", "officer"),
    ("submitted", "request_supplement", "officer"),
    ("submitted", "withdraw", "applicant"),
    ("supplement_requested", "supplement", "applicant"),
    ("supplement_requested", "withdraw", "applicant"),
    # 行政许可法 Art. 32 by the timer: silence past the acceptance period is deemed acceptance;
    # a supplement not given within its period lapses the application.
    ("submitted", "deem_accepted", "system"),
    ("supplement_requested", "lapse", "system"),
    # Review, proposal and the four-eyes decision.
    ("accepted", "start_review", "officer"),
    ("accepted", "withdraw", "applicant"),
    ("classification_review", "request_clarification", "officer"),
    ("classification_review", "propose_grant", "officer"),
    ("classification_review", "propose_refusal", "officer"),
    ("classification_review", "withdraw", "applicant"),
    ("clarification_requested", "answer_clarification", "applicant"),
    ("clarification_requested", "withdraw", "applicant"),
    # Optional expert review (行政许可法 Art. 45): the system ends it when every opinion is in
    # or its period runs out; the officer may end it early.
    ("classification_review", "seek_expert_opinion", "officer"),
    ("expert_review", "end_expert_review", "system"),
    ("expert_review", "close_expert_review", "officer"),
    ("expert_review", "withdraw", "applicant"),
    # Art. 45 pauses (hearing, testing, appraisal) and the head's Art. 42 extension.
    ("classification_review", "pause_for_procedure", "officer"),
    ("procedure_pause", "resume_review", "officer"),
    ("procedure_pause", "withdraw", "applicant"),
    ("accepted", "extend_decision_period", "approver"),
    ("classification_review", "extend_decision_period", "approver"),
    ("clarification_requested", "extend_decision_period", "approver"),
    ("decision_proposed", "approve", "approver"),
    ("decision_proposed", "return", "approver"),
    ("decision_proposed", "withdraw", "applicant"),
    # Public notice (公示): anyone may object (an officer records a letter through the registry,
    # with the objector's name and contact); the officer concludes it or reopens the review.
    ("public_notice", "object", "public"),
    ("public_notice", "conclude_notice", "officer"),
    ("public_notice", "reopen_review", "officer"),
    # After registration.
    ("registered", "notice_suspension", "officer"),
    # The penalty procedure: the case opened (立案) by the head on an officer's proposal.
    ("registered", "propose_penalty_case", "officer"),
    ("penalty_case_proposed", "approve_penalty_case", "approver"),
    ("penalty_case_proposed", "return_proposal", "approver"),
    ("penalty_case_open", "appoint_officer", "officer"),
    ("penalty_case_open", "drop_action", "officer"),
    ("penalty_case_open", "notice_suspension", "officer"),
    ("penalty_case_open", "notice_revocation", "officer"),
    ("registered", "notice_rescission", "officer"),
    ("registered", "propose_deregistration", "officer"),
    ("suspension_noticed", "file_statement", "applicant"),
    ("suspension_noticed", "propose_suspension", "officer"),
    ("suspension_noticed", "drop_action", "officer"),
    ("suspension_proposed", "approve_suspension", "approver"),
    ("suspension_proposed", "return_proposal", "approver"),
    ("suspended", "lift_suspension", "approver"),
    ("suspended", "notice_rescission", "officer"),
    ("suspended", "propose_deregistration", "officer"),
    ("revocation_noticed", "file_statement", "applicant"),
    ("revocation_noticed", "request_hearing", "applicant"),
    ("revocation_noticed", "propose_revocation", "officer"),
    ("revocation_noticed", "drop_action", "officer"),
    ("hearing", "schedule_hearing", "officer"),
    ("hearing_scheduled", "record_hearing", "presiding_officer"),
    ("hearing_scheduled", "record_non_attendance", "presiding_officer"),
    ("hearing_recorded", "confirm_hearing_record", "applicant"),
    ("hearing_recorded", "note_refusal_to_sign", "presiding_officer"),
    *((proposed, trigger, role) for proposed in ("suspension_proposed", "revocation_proposed")
      for trigger, role in (("appoint_legal_reviewer", "approver"), ("legal_review", "legal_reviewer"),
                            ("record_discussion", "approver"))),
    ("revocation_proposed", "approve_revocation", "approver"),
    ("revocation_proposed", "return_proposal", "approver"),
    ("rescission_noticed", "file_statement", "applicant"),
    ("rescission_noticed", "drop_action", "officer"),
    ("rescission_noticed", "propose_rescission", "officer"),
    ("rescission_proposed", "approve_rescission", "approver"),
    ("rescission_proposed", "return_proposal", "approver"),
    # Deregistration, four eyes; on a rescinded or revoked case it is recorded without leaving it.
    ("deregistration_proposed", "approve_deregistration", "approver"),
    ("deregistration_proposed", "return_proposal", "approver"),
    ("rescinded", "propose_deregistration", "officer"),
    ("rescinded", "approve_deregistration", "approver"),
    ("rescinded", "return_proposal", "approver"),
    # A decision set aside on reconsideration or by a court takes the case back.
    ("not_accepted", "restore_after_set_aside", "officer"),
    ("refused", "restore_after_set_aside", "officer"),
    ("suspended", "restore_after_set_aside", "officer"),
    ("revoked", "restore_after_set_aside", "officer"),
    ("rescinded", "restore_after_set_aside", "officer"),
    ("deregistered", "restore_after_set_aside", "officer"),
    ("revoked", "propose_deregistration", "officer"),
    ("revoked", "approve_deregistration", "approver"),
    ("revoked", "return_proposal", "approver"),
}

STATES = ["draft", "submitted", "supplement_requested", "not_accepted", "lapsed", "accepted",
          "classification_review", "clarification_requested", "procedure_pause", "expert_review", "decision_proposed",
          "public_notice", "registered", "refused", "withdrawn", "suspension_noticed",
          "suspension_proposed", "suspended", "penalty_case_proposed", "penalty_case_open", "revocation_noticed",
          "hearing", "hearing_scheduled", "hearing_recorded",
          "revocation_proposed", "revoked", "rescission_noticed", "rescission_proposed", "rescinded", "deregistration_proposed",
          "deregistered"]
FINAL = {"not_accepted", "lapsed", "refused", "withdrawn", "revoked", "rescinded", "deregistered"}
ROLES = ["applicant", "officer", "approver", "auditor", "expert", "admin", "public", "system"]


def test_the_table_allows_exactly_the_procedure():
    assert REGISTRATION.allowed() == ALLOWED


def test_the_states_and_final_states_are_the_procedures():
    wf = REGISTRATION
    assert list(wf.states) == STATES
    assert {s.name for s in wf.states.values() if s.final} == FINAL
    assert wf.initial == "draft"
    assert wf.version == 1


def test_no_state_is_a_dead_end_except_the_final_ones():
    wf = REGISTRATION
    # A final state is left only when the decision that ended the case is set aside on
    # reconsideration or by a court; what is recorded on an ended case (its deregistration)
    # keeps it in its final state.
    leaving = {s for s in STATES if any(tr.dest != s and tr.trigger != "restore_after_set_aside" for tr in wf.rows(s))}
    assert set(STATES) - leaving == FINAL
    assert {s for s in FINAL if set(wf.triggers(s)) - {"restore_after_set_aside"}} == {"rescinded", "revoked"}


def put_in_state(case, state: str) -> None:
    """Test set-up: place the case in ``state`` directly (not a service path)."""
    case.state = state
    db.session.commit()


def test_everything_else_is_refused_and_changes_nothing(world):
    wf = REGISTRATION
    triggers = sorted({tr.trigger for tr in wf.transitions})
    actors = {"applicant": world.applicant_a, "officer": world.officer,
              "approver": world.approver, "auditor": world.auditor, "expert": world.expert,
              "admin": world.admin, "public": None, "system": SYSTEM}
    case = world.case()
    case_id = case.id
    checked = 0
    for state in STATES:
        put_in_state(case, state)
        version = case.version
        for trigger in triggers:
            for role in ROLES:
                if (state, trigger, role) in ALLOWED:
                    continue
                row = REGISTRATION.row_of(trigger)
                inputs = {f.name: SAMPLE[f.type] for f in row.fields}
                with pytest.raises((services.TransitionRefused, services.InvalidTrigger)):
                    services.fire(case, trigger, actor=actors[role], **inputs)
                assert case.state == state, (state, trigger, role)
                checked += 1
        assert case.version == version, state
    assert checked == len(STATES) * len(triggers) * len(ROLES) - len({a for a in ALLOWED if a[2] in ROLES})
    fired = db.session.execute(
        db.select(db.func.count()).select_from(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "case.transition")).scalar_one()
    assert fired == 0


@pytest.mark.parametrize("role", ["auditor", "expert", "admin"])
def test_roles_that_never_act_get_no_buttons(world, role):
    from supervision.cases.presenters import actions

    user = {"auditor": world.auditor, "expert": world.expert, "admin": world.admin}[role]
    case = world.case()
    for state in STATES:
        put_in_state(case, state)
        assert actions(case, user) == [], state
