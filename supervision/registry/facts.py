"""The registration case type's facts and effects: what its guards read, and what its
triggers change besides the state (freezing the version, classification at acceptance, the
registration number, objections recorded by an officer).  ``case_type.py`` installs them."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.cases.services import triggers_since
from supervision.cases.types import Firing
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.models import Objection

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


def _objection_on_record(case: Case, actor: Any, firing: Firing) -> None:
    """An objection an officer received (by letter, in person) goes on record like a public one
    (a public objection's record is written by ``services.file_objection`` itself)."""
    if actor is not None:
        db.session.add(Objection(case_id=case.id, objector=None, contact=None,
                                 text=str(firing.inputs.get("comment") or "")))


EFFECTS = {
    "submit": (_freeze,),
    "supplement": (_freeze,),
    "answer_clarification": (_reclassify_if_changed,),
    "accept": (_classify_at_acceptance,),
    "approve": (_number_if_registered,),
    "conclude_notice": (_number_if_registered,),
    "object": (_objection_on_record,),
}
