"""How the registration workflow plugs into the case engine: the facts its guards read and
the effects of its triggers (freezing the version, classification at acceptance, the
registration number, objections recorded by an officer)."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.cases.services import register_effect, register_facts, triggers_since
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.models import Objection

WORKFLOW = "registration"


def registration_facts(case: Case, actor: Any) -> dict[str, Any]:
    reg = services.registration_of(case)
    fired = triggers_since(case)
    since_notice = triggers_since(case, since=("notice_suspension", "notice_revocation"))
    facts = {
        "supplement_count": fired.count("request_supplement"),
        "statement_filed": "file_statement" in since_notice,
        "hearing_requested": "request_hearing" in since_notice,
        "hearing_held": "record_hearing" in since_notice,
    }
    if reg is None:
        # Only the engine's own tests make a registration case without a model (no page does);
        # they exercise the table, so the model-dependent facts stay unset.
        return facts
    return {**facts,
        "missing_fields": reg.version.missing_fields(),
        "tier": reg.tier,
        "certificate_missing": reg.certificate_missing(),
    }


def _freeze(case: Case, actor: Any, inputs: dict[str, Any]) -> None:
    """What was submitted is frozen: later changes make a new version."""
    reg = services.registration_of(case)
    if reg is not None and reg.version.frozen_at is None:
        reg.version.frozen_at = utcnow()


def _classify_at_acceptance(case: Case, actor: Any, inputs: dict[str, Any]) -> None:
    """The ruleset in force when the application is accepted applies (DOMAIN §4)."""
    reg = services.registration_of(case)
    if reg is not None:
        services.classify(reg, actor=actor)


def _reclassify_if_changed(case: Case, actor: Any, inputs: dict[str, Any]) -> None:
    """An answer to a clarification may bring a new version: classify it under the same ruleset."""
    _freeze(case, actor, inputs)
    reg = services.registration_of(case)
    if reg is not None and reg.classification is not None and reg.classification.version_id != reg.version_id:
        services.classify(reg, actor=actor, ruleset=reg.classification.ruleset,
                          reason="new version in answer to a clarification request")


def _number_if_registered(case: Case, actor: Any, inputs: dict[str, Any]) -> None:
    reg = services.registration_of(case)
    if reg is not None and case.state == "registered":
        services.issue_number(reg)


def _objection_on_record(case: Case, actor: Any, inputs: dict[str, Any]) -> None:
    """An objection an officer received (by letter, in person) goes on record like a public one."""
    if not inputs.get("filed_publicly"):
        db.session.add(Objection(case_id=case.id, objector=None, contact=None,
                                 text=str(inputs.get("comment") or "")))


_installed = False


def install() -> None:
    """Register once per process (the engine's registries are module-level)."""
    global _installed
    if _installed:
        return
    _installed = True
    register_facts(WORKFLOW, registration_facts)
    for trigger in ("submit", "supplement"):
        register_effect(WORKFLOW, trigger, _freeze)
    register_effect(WORKFLOW, "answer_clarification", _reclassify_if_changed)
    register_effect(WORKFLOW, "accept", _classify_at_acceptance)
    for trigger in ("approve", "conclude_notice"):
        register_effect(WORKFLOW, trigger, _number_if_registered)
    register_effect(WORKFLOW, "object", _objection_on_record)
