"""The registration case type's facts and effects: what its guards read, and what its
triggers change besides the state (freezing the version, classification at acceptance, the
registration number, objections recorded by an officer).  ``case_type.py`` installs them."""
from __future__ import annotations

from typing import Any

from flask import current_app

from supervision.audit.models import AuditEvent
from supervision.cases import clocks
from supervision.cases.models import Case
from supervision.certificates import services as certificates
from supervision.cases.services import triggers_since
from supervision.cases.types import Firing
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.registry import penalty, services
from workflows import registration

def registration_facts(case: Case, actor: Any) -> dict[str, Any]:
    reg = services.registration_of(case)
    fired = triggers_since(case)
    since_notice = triggers_since(case, since=("notice_suspension", "notice_revocation", "notice_rescission"),
                                  fired=fired)
    held = bool({"confirm_hearing_record", "note_refusal_to_sign"} & set(since_notice))
    facts = {
        "supplement_count": fired.count("request_supplement"),
        "statement_filed": "file_statement" in since_notice,
        "hearing_requested": "request_hearing" in since_notice,
        # Held once the party has confirmed the record or stated its objections, or the presiding
        # officer noted its refusal to sign (Art. 64(8)); given up when it did not attend (Art. 64(6)).
        "hearing_held": held,
        "hearing_waived": "record_non_attendance" in since_notice,
    }
    nature = current_app.config.get("REGISTRATION_NATURE", "filing")
    expires_on = reg.expires_on if reg is not None else None
    facts.update({
        "deregistration_grounds": registration.deregistration_grounds(
            nature, case.state, expires_on is not None and local_today() >= expires_on),
        "deregistration_issued": "approve_deregistration" in fired,
        "nature": nature,
        **penalty.penalty_facts(case, nature, held),
        "decision_extended": "extend_decision_period" in fired,
        "decision_set_aside": _deciding_set_aside(case),
        "proposed_from": _from_state(case, "propose_deregistration") if case.state == "deregistration_proposed" else None,
        "noticed_from": _from_state(case, "notice_rescission") if case.state == "rescission_noticed" else None,
    })
    if reg is None:
        # Only the engine's own tests make a registration case without a model (no page does);
        # they exercise the table, so the model-dependent facts stay unset.
        return facts
    if case.state == "public_notice":
        from supervision.decisions.services import approved_facts_changed

        facts["unanswered_objections"] = services.unanswered_objections(case)
        facts["approved_facts_changed"] = approved_facts_changed(case)
    return {**facts,
        "missing_fields": reg.version.missing_fields(),
        "tier": reg.tier,
        "certificate": certificates.status_of_model(reg.model_id).status,
    }


# The decisions that put a case in a state a set-aside undoes (the restore trigger's sources).
DECIDING = ("non_acceptance", "refusal", "suspension", "revocation", "rescission", "deregistration")


def _deciding_set_aside(case: Case) -> bool:
    """Whether the case's latest deciding decision was set aside (on reconsideration or in court)."""
    from supervision.decisions.models import Decision

    status = db.session.execute(
        db.select(Decision.status).where(Decision.case_id == case.id, Decision.kind.in_(DECIDING))
        .order_by(Decision.id.desc()).limit(1)).scalar()
    return status == "set_aside"


def _from_state(case: Case, trigger: str) -> str | None:
    """The state ``trigger`` last left (where returning or dropping the action goes back to)."""
    return db.session.execute(
        db.select(AuditEvent.from_state).where(AuditEvent.case_id == case.id, AuditEvent.trigger == trigger)
        .order_by(AuditEvent.seq.desc()).limit(1)).scalar()


def _freeze(case: Case, actor: Any, firing: Firing) -> None:
    """What was submitted is frozen: later changes make a new version."""
    reg = services.registration_of(case)
    if reg is not None and reg.version.frozen_at is None:
        reg.version.frozen_at = utcnow()


def _classify_at_acceptance(case: Case, actor: Any, firing: Firing) -> None:
    """The ruleset in force when the application is accepted applies (DOMAIN §4)."""
    reg = services.registration_of(case)
    if reg is not None:
        services.classify(reg, actor=actor)


def _reclassify_if_changed(case: Case, actor: Any, firing: Firing) -> None:
    """An answer to a clarification may bring a new version: classify it under the same ruleset."""
    _freeze(case, actor, firing)
    reg = services.registration_of(case)
    if reg is not None and reg.classification is not None and reg.classification.version_id != reg.version_id:
        services.classify(reg, actor=actor, ruleset=reg.classification.ruleset,
                          reason="new version in answer to a clarification request")


def _number_if_registered(case: Case, actor: Any, firing: Firing) -> None:
    reg = services.registration_of(case)
    if reg is not None and case.state == "registered":
        services.issue_number(reg)
        # -- units: the regulator's model code comes with the registration (Art. 46) --
        from supervision.units.services import assign_model_code
        assign_model_code(reg.model, actor=actor, source="registration")


def _rely_on_certificate(case: Case, actor: Any, firing: Firing) -> None:
    """A proposed grant relies on the model's valid certificate (flagged if it ends later)."""
    reg = services.registration_of(case)
    if reg is not None:
        certificates.rely_on_valid(case, reg.model_id)


def _extend_decision_period(case: Case, actor: Any, firing: Firing) -> None:
    """Art. 42 ¶1: the decision deadline moves ten working days later."""
    clocks.extend(case, "decision", registration.EXTENSION_DAYS)


EFFECTS = {
    **penalty.EFFECTS,
    "extend_decision_period": (_extend_decision_period,),
    "submit": (_freeze,),
    "supplement": (_freeze,),
    "answer_clarification": (_reclassify_if_changed,),
    "accept": (_classify_at_acceptance,),
    "deem_accepted": (_classify_at_acceptance,),
    "approve": (_number_if_registered,),
    "conclude_notice": (_number_if_registered,),
    "propose_grant": (_rely_on_certificate,),
}
