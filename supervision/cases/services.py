"""The case engine: the only code that changes a case's state.

``fire`` checks permission and guards, changes the state, runs the clock rule and the
workflow's effects, writes one audit event, queues notifications and commits once.  Any
failure rolls all of it back.  Workflow domains plug in through ``register_facts`` (what the
guards need to know) and ``register_effect`` (what else a trigger changes).
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.orm.exc import StaleDataError

import workflows
from supervision import policies
from supervision.audit.services import record
from supervision.cases import clocks
from supervision.cases.models import Case, Notification
from supervision.core.errors import Conflict
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_, Context, InvalidTrigger, TransitionRefused, Workflow

FactProvider = Callable[[Case, Any], dict[str, Any]]
Effect = Callable[[Case, Any, dict[str, Any]], None]
_facts: dict[str, list[FactProvider]] = {}
_effects: dict[tuple[str, str], list[Effect]] = {}

__all__ = ["fire", "create_case", "claim", "assign", "may_claim", "is_closed", "context_for", "register_facts",
           "register_effect", "Conflict", "InvalidTrigger", "TransitionRefused"]


def register_facts(workflow_name: str, provider: FactProvider) -> None:
    _facts.setdefault(workflow_name, []).append(provider)


def register_effect(workflow_name: str, trigger: str, effect: Effect) -> None:
    _effects.setdefault((workflow_name, trigger), []).append(effect)


def workflow_of(case: Case) -> Workflow:
    wf = workflows.get(case.case_type)
    if wf.version != case.workflow_version:  # pragma: no cover - one version per workflow so far
        raise InvalidTrigger(f"{case.case_type} v{case.workflow_version} is no longer served")
    return wf


def is_closed(case: Case) -> bool:
    """The case has reached a final state of its workflow: nobody handles it any more."""
    return workflow_of(case).states[case.state].final


def may_claim(actor, case: Case) -> bool:
    """Whether ``actor`` would be allowed to claim ``case`` now (for drawing the button)."""
    return policies.can_claim_case(actor, case) and not is_closed(case)


def triggers_since(case: Case, since: tuple[str, ...] = ()) -> list[str]:
    """Triggers fired on the case, oldest first, after the latest of ``since`` (if any)."""
    from supervision.audit.models import AuditEvent

    fired = list(db.session.execute(
        db.select(AuditEvent.trigger)
        .where(AuditEvent.case_id == case.id, AuditEvent.trigger.is_not(None))
        .order_by(AuditEvent.seq)
    ).scalars())
    if since:
        cut = max((i for i, trig in enumerate(fired) if trig in since), default=-1)
        fired = fired[cut + 1:]
    return fired


def context_for(case: Case, actor, inputs: dict[str, Any] | None = None) -> Context:
    """The guard context: the actor's roles on this case and the facts about it."""
    facts: dict[str, Any] = {
        "proposed_by_id": case.proposed_by_id,
        "proposal": case.proposal,
        "clock_expired": clocks.is_expired(case),
    }
    for provider in _facts.get(case.case_type, []):
        facts.update(provider(case, actor))
    roles = policies.case_roles(actor, case)
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    return Context(actor_id, roles, facts, inputs or {})


def create_case(*, case_type: str, title: str, department_id: int, actor,
                firm_id: int | None = None, commit: bool = True) -> Case:
    wf = workflows.get(case_type)
    case = Case(case_type=case_type, workflow_version=wf.version, state=wf.initial, title=title,
                department_id=department_id, firm_id=firm_id, created_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    case.number = f"{case_type[:3].upper()}-{case.created_at:%Y}-{case.id:06d}"
    clocks.on_enter(case, wf, wf.initial)
    record("case.create", actor=actor, case=case, object_type="case", object_id=case.id,
           workflow=wf.name, workflow_version=wf.version, to_state=case.state)
    if commit:
        db.session.commit()
    return case


def fire(case: Case, trigger: str, *, actor, expected_version: int | None = None,
         reason: str | None = None, comment: str | None = None, document: Any = None,
         **extra: Any) -> Case:
    """Fire ``trigger`` on ``case`` for ``actor`` (``None``: a member of the public)."""
    wf = workflow_of(case)
    try:
        if expected_version is not None and expected_version != case.version:
            raise Conflict()
        if not wf.rows(case.state, trigger):  # before gathering facts: nothing to weigh
            raise InvalidTrigger(f"{wf.name}: no {trigger!r} from {case.state!r}")
        inputs = {"reason": reason, "comment": comment, "document": document, **extra}
        ctx = context_for(case, actor, inputs)
        from_state = case.state
        row = wf.fire(case, trigger, ctx)
        # Every firing updates the case row, even one that stays in its state (a statement of
        # defence): that bumps the version, so the UPDATE takes the optimistic lock.
        case.updated_at = utcnow()
        # A proposal lives from ``propose_*`` until the approver decides or returns it.
        if trigger.startswith("propose_"):
            case.proposed_by_id, case.proposal = actor.id, trigger.removeprefix("propose_")
        elif from_state.endswith("_proposed"):
            case.proposed_by_id = case.proposal = None
        if row.dest != from_state:
            clocks.on_enter(case, wf, row.dest)
        for effect in _effects.get((wf.name, trigger), []):
            effect(case, actor, inputs)
        db.session.flush()  # the case row (optimistic lock) before the audit log's lock
        record(
            "case.transition", actor=actor, case=case, object_type="case", object_id=case.id,
            workflow=wf.name, workflow_version=case.workflow_version, trigger=trigger,
            from_state=from_state, to_state=case.state, reason=(reason or comment),
            details=_details(inputs),
        )
        _notify(case, trigger, actor)
        db.session.commit()
    except StaleDataError as err:
        db.session.rollback()
        raise Conflict() from err
    except BaseException:
        db.session.rollback()
        raise
    return case


def _details(inputs: dict[str, Any]) -> dict[str, Any] | None:
    out = {}
    for key, value in inputs.items():
        if value is None or key in ("reason",):
            continue
        if key == "document":
            out["document_sha256"] = getattr(value, "sha256", str(value))
            out["document_id"] = getattr(value, "id", None)
        elif key == "comment":
            out["comment"] = str(value)
        else:
            out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return out or None


def _notify(case: Case, trigger: str, actor) -> None:
    """Tell the other side: the firm when the regulator acts, the assignee when the firm does."""
    acting_firm = actor is not None and actor.is_authenticated and actor.organisation_id == case.firm_id
    if not acting_firm and case.firm_id is not None:
        db.session.add(Notification(case_id=case.id, organisation_id=case.firm_id, kind=trigger))
    if case.assignee_id is not None and (actor is None or actor.id != case.assignee_id):
        db.session.add(Notification(case_id=case.id, user_id=case.assignee_id, kind=trigger))


def claim(case: Case, *, actor, expected_version: int | None = None) -> Case:
    """``actor`` (an officer of the case's department) takes an unassigned case."""
    if not policies.can_claim_case(actor, case):
        raise TransitionRefused([N_("Only an officer of the case's department may claim an unassigned case.")],
                                forbidden=True)
    if is_closed(case):
        raise TransitionRefused([N_("This case is closed.")])
    return _set_assignee(case, actor, actor, expected_version, "case.claim")


def assign(case: Case, *, actor, assignee, expected_version: int | None = None) -> Case:
    """A regulator of the case's department hands the case to one of its officers."""
    if not policies.can_assign_case(actor, case):
        raise TransitionRefused([N_("Only the case's department may assign it.")], forbidden=True)
    if assignee is None or not assignee.active or "officer" not in policies.case_roles(assignee, case):
        raise TransitionRefused([N_("Choose an officer of the case's department.")])
    return _set_assignee(case, actor, assignee, expected_version, "case.assign")


def _set_assignee(case: Case, actor, assignee, expected_version: int | None, action: str) -> Case:
    try:
        if expected_version is not None and expected_version != case.version:
            raise Conflict()
        before = case.assignee_id
        case.assignee_id = assignee.id if assignee is not None else None
        case.updated_at = utcnow()
        db.session.flush()
        record(action, actor=actor, case=case, object_type="case", object_id=case.id,
               workflow=case.case_type, workflow_version=case.workflow_version,
               details={"from_assignee": before, "to_assignee": case.assignee_id})
        db.session.commit()
    except StaleDataError as err:
        db.session.rollback()
        raise Conflict() from err
    except BaseException:
        db.session.rollback()
        raise
    return case
