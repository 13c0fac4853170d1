"""The sandbox table (workflows/sandbox.py): its allowed (state, trigger, role) set, stated
literally, and the rules it enforces without a database."""
from __future__ import annotations

import pytest

from workflows.base import Context, TransitionRefused
from workflows.sandbox import SANDBOX

A, O, P, S = "applicant", "officer", "approver", "system"
ALLOWED = {
    ("draft", "submit"): {A}, ("draft", "withdraw"): {A},
    ("submitted", "start_screening"): {O}, ("submitted", "withdraw"): {A},
    ("screening", "request_info"): {O}, ("screening", "send_to_experts"): {O},
    ("screening", "notice_rejection"): {O}, ("screening", "withdraw"): {A},
    ("info_requested", "answer"): {A}, ("info_requested", "lapse"): {S}, ("info_requested", "withdraw"): {A},
    ("expert_review", "experts_done"): {S, O}, ("expert_review", "withdraw"): {A},
    ("decision_pending", "propose_admission"): {O}, ("decision_pending", "notice_rejection"): {O},
    ("decision_pending", "withdraw"): {A},
    ("admission_proposed", "approve_admission"): {P}, ("admission_proposed", "return_proposal"): {P},
    ("admission_proposed", "withdraw"): {A},
    ("rejection_noticed", "file_statement"): {A}, ("rejection_noticed", "propose_rejection"): {O},
    ("rejection_noticed", "drop_action"): {O}, ("rejection_noticed", "withdraw"): {A},
    ("rejection_proposed", "approve_rejection"): {P}, ("rejection_proposed", "return_proposal"): {P},
    ("rejection_proposed", "withdraw"): {A},
    ("admitted", "start"): {S, A},
    ("testing", "pause"): {O}, ("testing", "notice_suspension"): {O}, ("testing", "notice_termination"): {O},
    ("testing", "end"): {S, A}, ("testing", "submit_report"): {A}, ("testing", "request_change"): {A},
    ("testing", "grant_change"): {P}, ("testing", "refuse_change"): {P},
    ("paused", "resume"): {O}, ("paused", "notice_suspension"): {O}, ("paused", "notice_termination"): {O},
    ("paused", "submit_report"): {A}, ("paused", "request_change"): {A},
    ("paused", "grant_change"): {P}, ("paused", "refuse_change"): {P},
    ("suspension_noticed", "file_statement"): {A}, ("suspension_noticed", "propose_suspension"): {O},
    ("suspension_noticed", "drop_action"): {O}, ("suspension_noticed", "submit_report"): {A},
    ("suspension_proposed", "approve_suspension"): {P}, ("suspension_proposed", "return_proposal"): {P},
    ("suspension_proposed", "submit_report"): {A},
    ("suspended", "propose_lifting"): {O}, ("suspended", "notice_termination"): {O},
    ("suspended", "submit_report"): {A},
    ("lifting_proposed", "approve_lifting"): {P}, ("lifting_proposed", "return_proposal"): {P},
    ("termination_noticed", "file_statement"): {A}, ("termination_noticed", "propose_termination"): {O},
    ("termination_noticed", "drop_action"): {O},
    ("termination_proposed", "approve_termination"): {P}, ("termination_proposed", "return_proposal"): {P},
    ("exit_review", "propose_graduation"): {O}, ("exit_review", "propose_exit_termination"): {O},
    ("exit_proposed", "approve_exit"): {P}, ("exit_proposed", "return_proposal"): {P},
}


def test_the_allowed_state_trigger_role_set_is_exactly_the_table():
    literal = {(state, trig, role) for (state, trig), roles in ALLOWED.items() for role in roles}
    assert SANDBOX.allowed() == literal


def test_final_states_and_destinations():
    finals = {name for name, s in SANDBOX.states.items() if s.final}
    assert finals == {"lapsed", "rejected", "withdrawn", "graduated", "terminated"}
    dest = {(tr.source[0], tr.trigger, tr.when): tr.dest for tr in SANDBOX.transitions}
    assert dest[("testing", "pause", None)] == "paused"
    assert dest[("paused", "resume", None)] == "testing"
    assert dest[("suspension_proposed", "approve_suspension", None)] == "suspended"
    assert dest[("lifting_proposed", "approve_lifting", None)] == "testing"
    assert dest[("exit_proposed", "approve_exit", "graduation")] == "graduated"
    assert dest[("exit_proposed", "approve_exit", None)] == "terminated"
    assert dest[("testing", "submit_report", None)] == "testing"  # a report keeps the test where it is


class _Case:
    def __init__(self, state):
        self.state = state


def _ctx(roles, actor=1, **facts):
    return Context(actor, frozenset(roles), facts, {"reason": "r", "comment": "c"})


def test_four_eyes_the_proposer_may_not_approve_the_admission():
    with pytest.raises(TransitionRefused):
        SANDBOX.fire(_Case("admission_proposed"), "approve_admission", _ctx({P}, proposed_by_id=1))
    case = _Case("admission_proposed")
    SANDBOX.fire(case, "approve_admission", _ctx({P}, actor=2, proposed_by_id=1))
    assert case.state == "admitted"


def test_suspension_is_proposed_only_after_the_defence_is_closed():
    refused = SANDBOX.refusals("suspension_noticed", "propose_suspension", _ctx({O}))
    assert refused and "defence" in refused[0]
    assert SANDBOX.refusals("suspension_noticed", "propose_suspension", _ctx({O}, statement_filed=True)) == []
    assert SANDBOX.refusals("suspension_noticed", "propose_suspension", _ctx({O}, clock_expired=True)) == []


def test_a_pause_is_immediate_no_notice_no_approval():
    case = _Case("testing")
    SANDBOX.fire(case, "pause", _ctx({O}))
    assert case.state == "paused"


def test_the_system_starts_only_once_the_period_has_begun_the_firm_by_confirming():
    assert SANDBOX.refusals("admitted", "start", _ctx({S}, actor=None))
    assert SANDBOX.refusals("admitted", "start", _ctx({S}, actor=None, period_begun=True)) == []
    assert SANDBOX.refusals("admitted", "start", _ctx({A})) == []
