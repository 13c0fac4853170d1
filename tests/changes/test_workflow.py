"""The change-and-renewal table, checked against the procedure written out by hand: the firm
applies (or withdraws), the officer accepts it, refuses acceptance or asks once for a supplement
(the system deems it accepted after five working days, or lapses it), then proposes; another
person approves or returns it; under licence the system deems a renewal not decided before expiry
granted; a decision set aside takes the case back."""
from __future__ import annotations

from workflows.base import Context
from workflows.registration_change import REGISTRATION_CHANGE as WF

ALLOWED = {
    ("submitted", "accept", "officer"),
    ("submitted", "not_accept", "officer"),
    ("submitted", "request_supplement", "officer"),
    ("submitted", "deem_accepted", "system"),
    ("submitted", "withdraw", "applicant"),
    ("submitted", "deem_renewed", "system"),
    ("supplement_requested", "supplement", "applicant"),
    ("supplement_requested", "lapse", "system"),
    ("supplement_requested", "withdraw", "applicant"),
    ("accepted", "propose_grant", "officer"),
    ("accepted", "propose_refusal", "officer"),
    ("accepted", "withdraw", "applicant"),
    ("accepted", "deem_renewed", "system"),
    *((state, "restore_after_set_aside", "officer")
      for state in ("not_accepted", "change_granted", "change_refused", "renewed", "renewal_refused")),
    ("decision_proposed", "approve", "approver"),
    ("decision_proposed", "return", "approver"),
    ("decision_proposed", "withdraw", "applicant"),
    ("decision_proposed", "deem_renewed", "system"),
}


def test_the_table_allows_exactly_the_procedure():
    assert WF.allowed() == ALLOWED


def _route(kind: str, proposal: str) -> str:
    ctx = Context(2, frozenset({"approver"}), {"kind": kind, "proposal": proposal, "proposed_by_id": 1}, {})
    return WF.route("decision_proposed", "approve", ctx).dest


def test_the_approval_ends_where_the_kind_and_proposal_say():
    assert _route("change", "grant") == "change_granted"
    assert _route("change", "refusal") == "change_refused"
    assert _route("renewal", "grant") == "renewed"
    assert _route("renewal", "refusal") == "renewal_refused"


def test_four_eyes_and_no_renewal_granted_after_expiry():
    proposer = Context(1, frozenset({"approver"}), {"kind": "change", "proposal": "grant", "proposed_by_id": 1},
                       {"opinion": "ok"})
    assert WF.refusals("decision_proposed", "approve", proposer)
    late = Context(2, frozenset({"approver"}), {"kind": "renewal", "proposal": "grant", "proposed_by_id": 1,
                                                "expired": True}, {})
    assert any("expired" in r for r in WF.refusals("decision_proposed", "approve", late))
    refusal = Context(2, frozenset({"approver"}), {"kind": "renewal", "proposal": "refusal", "proposed_by_id": 1,
                                                   "expired": True}, {})
    assert not WF.refusals("decision_proposed", "approve", refusal)


def test_only_a_renewal_under_licence_past_expiry_is_deemed_granted():
    def refused(**facts) -> bool:
        return bool(WF.refusals("submitted", "deem_renewed", Context(None, frozenset({"system"}), facts, {})))

    assert not refused(kind="renewal", nature="licence", expired=True)
    assert refused(kind="renewal", nature="filing", expired=True)
    assert refused(kind="renewal", nature="licence", expired=False)
    assert refused(kind="change", nature="licence", expired=True)


def test_acceptance_runs_on_the_registrations_clocks():
    """Five working days to decide acceptance (silence: deemed accepted), the supplement period
    (missed: lapsed), then the twenty-day decision period."""
    assert WF.states["submitted"].clock.name == "acceptance"
    assert WF.states["submitted"].clock.on_expiry == "deem_accepted"
    assert WF.states["supplement_requested"].clock.on_expiry == "lapse"
    assert WF.states["accepted"].clock.name == "decision"
    once = Context(1, frozenset({"officer"}), {"supplement_count": 1}, {"items": ["x"]})
    assert WF.refusals("submitted", "request_supplement", once)
