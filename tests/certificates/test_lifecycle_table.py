"""The certificate lifecycle table, stated literally (no Flask, no database)."""
from __future__ import annotations

import pytest

from workflows.base import Context, InvalidTrigger, TransitionRefused
from workflows.certificate import CERTIFICATE


class Cert:
    def __init__(self, state: str):
        self.state = state


ALLOWED = {
    ("applied", "issue", "certifier"), ("applied", "refuse", "certifier"),
    ("issued", "suspend", "certifier"), ("reinstated", "suspend", "certifier"),
    ("suspended", "reinstate", "certifier"),
    ("issued", "withdraw", "certifier"), ("suspended", "withdraw", "certifier"),
    ("reinstated", "withdraw", "certifier"),
    ("issued", "expire", "system"), ("suspended", "expire", "system"), ("reinstated", "expire", "system"),
}


def ctx(role: str, **facts) -> Context:
    return Context(1, frozenset({role}), facts, {"reason": "because", "effective_on": "2026-12-07"})


def test_the_allowed_set_is_exactly_this():
    assert CERTIFICATE.allowed() == ALLOWED


def test_withdrawn_expired_and_refused_are_final():
    assert {s.name for s in CERTIFICATE.states.values() if s.final} == {"withdrawn", "expired", "refused"}
    for final in ("withdrawn", "expired", "refused"):
        assert CERTIFICATE.triggers(final) == []


def test_only_issued_and_reinstated_are_in_force():
    assert CERTIFICATE.tagged("in_force") == ("issued", "reinstated")


def test_suspended_and_reinstated_go_back_and_forth():
    cert = Cert("issued")
    for trigger, state in (("suspend", "suspended"), ("reinstate", "reinstated"), ("suspend", "suspended"),
                           ("reinstate", "reinstated"), ("withdraw", "withdrawn")):
        CERTIFICATE.fire(cert, trigger, ctx("certifier"))
        assert cert.state == state


def test_a_certifier_cannot_expire_and_the_timer_only_after_the_validity():
    with pytest.raises(TransitionRefused) as refused:
        CERTIFICATE.fire(Cert("issued"), "expire", ctx("certifier", validity_over=True))
    assert refused.value.forbidden
    with pytest.raises(TransitionRefused) as refused:
        CERTIFICATE.fire(Cert("issued"), "expire", ctx("system", validity_over=False))
    assert refused.value.reasons == ["The certificate is still within its validity dates."]
    cert = Cert("suspended")
    CERTIFICATE.fire(cert, "expire", ctx("system", validity_over=True))
    assert cert.state == "expired"


def test_a_certificate_past_its_dates_cannot_be_reinstated():
    with pytest.raises(TransitionRefused) as refused:
        CERTIFICATE.fire(Cert("suspended"), "reinstate", ctx("certifier", validity_over=True))
    assert refused.value.reasons == ["The certificate's validity has ended; it cannot be reinstated."]


def test_every_change_needs_a_reason_and_a_date():
    bare = Context(1, frozenset({"certifier"}), {}, {})
    assert CERTIFICATE.refusals("issued", "suspend", bare) == [
        "Give the reasons for this action.", "Fill in every required field."]


def test_an_impossible_change_is_an_error():
    with pytest.raises(InvalidTrigger):
        CERTIFICATE.fire(Cert("withdrawn"), "reinstate", ctx("certifier"))
