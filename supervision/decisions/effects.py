"""Wiring decision kinds to workflow triggers: the act and its document in one transaction."""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.timeutil import local_date
from supervision.decisions import kinds as kind_config
from supervision.decisions.models import Decision
from supervision.decisions.services import issue_decision
from supervision.extensions import db

_installed: set[tuple[str, str, str]] = set()


def install() -> None:
    """Register one effect per configured kind (once per process, however many apps exist)."""
    for kind in kind_config.KINDS.values():
        if kind.issued_on is None:
            continue
        workflow, trigger, _states = kind.issued_on
        if (workflow, trigger, kind.key) in _installed:
            continue
        _installed.add((workflow, trigger, kind.key))
        cases.register_effect(workflow, trigger, _effect(kind.key))


def _effect(kind_key: str) -> Callable[[Case, Any, dict[str, Any]], None]:
    def issue(case: Case, actor, inputs: dict[str, Any]) -> None:
        kind = kind_config.get(kind_key)
        states = kind.issued_on[2] if kind.issued_on else None
        if states is not None and case.state not in states:
            return
        issue_decision(case, kind_key, actor=actor, facts=gather_facts(case, actor, inputs, kind),
                       language=current_app.config.get("DECISION_LANGUAGE", "zh"))

    issue.__name__ = f"issue_{kind_key}"
    return issue


def gather_facts(case: Case, actor, inputs: dict[str, Any], kind: kind_config.DecisionKind) -> dict[str, Any]:
    """What the document states: the reasons given, the items to supplement, the tier, …"""
    facts: dict[str, Any] = {}
    reason = inputs.get("reason") or inputs.get("comment")
    if not reason and kind.reason_from:
        reason = db.session.execute(
            db.select(AuditEvent.reason)
            .where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(kind.reason_from),
                   AuditEvent.reason.is_not(None))
            .order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    facts["reason"] = reason
    if kind.key == "supplement_notice":
        facts["items"] = inputs.get("comment") or inputs.get("reason")
    if inputs.get("ground"):
        facts["ground"] = inputs["ground"]
    guard_facts = cases.context_for(case, actor).facts
    if guard_facts.get("tier") is not None:
        facts["tier"] = guard_facts["tier"]
    for key in ("subject", "conditions"):
        if guard_facts.get(f"decision_{key}"):
            facts[key] = guard_facts[f"decision_{key}"]
    notice_kind = {"suspension": "suspension_notice", "revocation": "revocation_notice"}.get(kind.key)
    if notice_kind:
        issued = db.session.execute(
            db.select(Decision.issued_at).where(Decision.case_id == case.id, Decision.kind == notice_kind)
            .order_by(Decision.id.desc()).limit(1)).scalar()
        facts["notice_date"] = local_date(issued) if issued else None
    return facts
