"""The case engine: the only code that changes a case's state, its people and its links.

``fire`` checks the table (role, guards, inputs) and who handles the case, changes the state,
runs the clock rule, the case type's effects and the decisions the transition issues, writes one
audit event and emits one notification event — all inside the caller's unit of work (it
flushes; the request, command or job commits once, or rolls all of it back).  Case types plug in
through their ``CaseType`` (``supervision.cases.types``); nothing here names one.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from supervision import policies
from supervision.audit.services import record
from supervision.cases import clocks, types
from supervision.cases.models import LINK_RELATIONS, Case, CaseLink, CaseRole
from supervision.core.errors import Conflict
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import (APPROVAL, N_, PROPOSAL, RETURN, ROLE_REFUSED, Context, InvalidTrigger, Transition,
                            TransitionRefused, Workflow)

__all__ = ["fire", "create_case", "claim", "assign", "may_claim", "is_closed", "context_for", "link_cases",
           "workflow_of", "case_type_of", "Conflict", "InvalidTrigger", "TransitionRefused"]

ASSIGNEE = "assignee"


def case_type_of(case: Case) -> types.CaseType:
    return types.get(case.case_type)


def workflow_of(case: Case) -> Workflow:
    wf = case_type_of(case).workflow
    if wf.version != case.workflow_version:  # pragma: no cover - one version per workflow so far
        raise InvalidTrigger(f"{case.case_type} v{case.workflow_version} is no longer served")
    return wf


CLOSED_NOT_ASSIGNED = N_("This case is closed: nobody can be assigned to it any more.")


def is_closed(case: Case) -> bool:
    """The case has reached a final state of its workflow: nobody handles it any more."""
    return workflow_of(case).states[case.state].final


def may_claim(actor, case: Case) -> bool:
    """Whether ``actor`` would be allowed to claim ``case`` now (for drawing the button)."""
    return policies.can_claim_case(actor, case) and not is_closed(case)


def may_assign(actor, case: Case) -> bool:
    """Whether ``actor`` would be allowed to assign ``case`` now (for drawing the control)."""
    return policies.can_assign_case(actor, case) and not is_closed(case)


def triggers_since(case: Case, since: tuple[str, ...] = (), *, fired: list[str] | None = None) -> list[str]:
    """Triggers fired on the case, oldest first, after the latest of ``since`` (if any);
    ``fired``: every trigger fired on the case, when the caller has read them already."""
    from supervision.audit.models import AuditEvent

    if fired is None:
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
    provider = case_type_of(case).facts
    if provider is not None:
        facts.update(provider(case, actor))
    roles = policies.case_roles(actor, case)
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    return Context(actor_id, roles, facts, inputs or {})


def create_case(*, case_type: str, title: str, department_id: int, actor,
                firm_id: int | None = None) -> Case:
    ct = types.get(case_type)
    if ct.has_firm and firm_id is None:
        raise ValueError(f"a {case_type} case belongs to a firm")
    wf = ct.workflow
    case = Case(case_type=case_type, workflow_version=wf.version, state=wf.initial, title=title,
                department_id=department_id, firm_id=firm_id, created_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    case.number = f"{ct.number_prefix}-{case.created_at:%Y}-{case.id:06d}"
    clocks.on_enter(case, wf, wf.initial)
    record("case.create", actor=actor, case=case, object_type="case", object_id=case.id,
           workflow=wf.name, workflow_version=wf.version, to_state=case.state)
    return case


# -- firing ----------------------------------------------------------------------------------


def _acting_role(row: Transition, roles: frozenset[str]) -> str | None:
    """The case role the actor fires ``row`` in, when it is only as the case's officer."""
    usable = row.roles & roles
    return "officer" if usable == {"officer"} else None


def _handler_refusal(case: Case, actor, row: Transition, roles: frozenset[str]) -> str | None:
    """An officer acts on a case assigned to them (or claims an unassigned one by acting)."""
    if _acting_role(row, roles) and case.assignee_id not in (None, actor.id):
        return N_("This case is handled by %(name)s: ask them, or have it reassigned to you.")
    return None


def refusals(case: Case, trigger: str, actor, ctx: Context) -> list[str]:
    """Why ``actor`` may not fire ``trigger`` now (empty: they may); table and handler rules."""
    wf = workflow_of(case)
    reasons = wf.refusals(case.state, trigger, ctx)
    row = wf.rows(case.state, trigger)[0]
    why = _handler_refusal(case, actor, row, ctx.actor_roles) if actor is not None and \
        getattr(actor, "is_authenticated", False) else None
    if why:
        reasons.append(why)
    return reasons


FACTS_CHANGED = N_("The facts changed after the draft decision was shown: read the new draft and approve again.")


def fire(case: Case, trigger: str, *, actor, expected_version: int | None = None,
         previewed_facts: str | None = None, **inputs: Any) -> Case:
    """Fire ``trigger`` on ``case`` for ``actor`` (``None``: a member of the public) with the
    inputs the transition declares.  Flushes; the caller's unit of work commits.

    ``previewed_facts``: for an approval, the facts hash the approver's draft decision showed;
    the approval is refused when the facts differ now (it signs what was previewed)."""
    ct = case_type_of(case)
    wf = workflow_of(case)
    if expected_version is not None and expected_version != case.version:
        raise Conflict()
    rows = wf.rows(case.state, trigger)
    if not rows:  # before gathering facts: nothing to weigh
        raise InvalidTrigger(f"{wf.name}: no {trigger!r} from {case.state!r}")
    undeclared = set(inputs) - rows[0].field_names
    if undeclared:
        raise TypeError(f"{wf.name}.{trigger} takes no input {sorted(undeclared)}")
    inputs = {k: v for k, v in inputs.items() if v is not None}
    ctx = context_for(case, actor, inputs)
    reasons = refusals(case, trigger, actor, ctx)
    # Values for the %(name)s fields of the reasons (a date a guard names comes with the facts).
    params = {"name": case.assignee.name if case.assignee else "", **(ctx.facts.get("refusal_params") or {})}
    if not reasons:  # the decisions it would issue may be issued (legal basis adopted)
        reasons = _issuing_refusals(case, ct, wf, trigger, ctx, params)
    if not reasons and previewed_facts is not None and rows[0].kind == APPROVAL \
            and _approved_facts(case) != _approved_facts_of(previewed_facts):
        reasons = [FACTS_CHANGED]
    if reasons:
        raise TransitionRefused(reasons, forbidden=reasons == [ROLE_REFUSED], params=params)
    try:
        _apply(case, ct, wf, trigger, actor, rows[0], ctx, inputs)
    except StaleDataError as err:  # the case row changed underneath (optimistic lock)
        raise Conflict() from err
    return case


def _apply(case: Case, ct: types.CaseType, wf: Workflow, trigger: str, actor, first: Transition,
           ctx: Context, inputs: dict[str, Any]) -> None:
    """The changes of an allowed firing, in order; ``fire`` has checked everything before."""
    inputs = _store_uploads(case, actor, first, inputs)
    ctx = Context(ctx.actor_id, ctx.actor_roles, ctx.facts, inputs)
    if _acting_role(first, ctx.actor_roles) and case.assignee_id is None:
        _set_assignee(case, actor, actor, "case.claim", source="claim")
    from_state = case.state
    row = wf.fire(case, trigger, ctx)
    # An approval records the hash of the facts it approved: a decision signed later on it
    # (after a public notice) must rest on exactly these facts.
    approved = _approved_facts(case) if row.kind == APPROVAL else None
    # Every firing updates the case row, even one that stays in its state (a statement of
    # defence): that bumps the version, so the UPDATE takes the optimistic lock.
    case.updated_at = utcnow()
    if row.kind == PROPOSAL:
        case.proposed_by_id, case.proposal = actor.id, row.proposes
    elif row.kind in (APPROVAL, RETURN):
        case.proposed_by_id = case.proposal = None
    for name in ct.meets.get(trigger, ()):  # what this firing achieves, before a final state cancels it
        clocks.close(case, name, actor=actor)
    if row.dest != from_state:
        clocks.on_enter(case, wf, row.dest)
    firing = types.Firing(trigger, from_state, case.state, inputs, ctx.facts)
    for effect in ct.effects.get(trigger, ()):
        effect(case, actor, firing)
    if from_state == wf.initial and row.dest != from_state:
        _arrived(case)
    _issue_decisions(case, ct, actor, firing, approved)
    db.session.flush()  # the case row (optimistic lock) before the audit log's lock
    details = _details(inputs)
    if approved is not None:
        details = {**(details or {}), **approved}
    record(
        "case.transition", actor=actor, case=case, object_type="case", object_id=case.id,
        workflow=wf.name, workflow_version=case.workflow_version, trigger=trigger,
        from_state=from_state, to_state=case.state,
        reason=inputs.get("reason") or inputs.get("comment") or inputs.get("opinion") or _listed(inputs),
        details=details,
    )
    _notify(case, ct, "case.transition", actor, trigger=trigger, from_state=from_state,
            to_state=case.state, tags=row.tags | ({row.kind} if row.kind else set()),
            action_label=row.label, state_label=wf.state_label(case.state))



def _store_uploads(case: Case, actor, row: Transition, inputs: dict[str, Any]) -> dict[str, Any]:
    """Uploaded files given for document fields are stored now that the firing is allowed."""
    from supervision.documents.services import add_document
    from supervision.documents.uploads import Upload

    out = dict(inputs)
    for f in row.fields:
        value = out.get(f.name)
        if f.type == "document" and isinstance(value, Upload):
            out[f.name] = add_document(
                data=value.data, filename=value.filename, classification=value.classification,
                actor=actor, case=case,
                firm_id=case.firm_id if getattr(actor, "organisation_id", None) == case.firm_id else None)
    return out


def _issuing_refusals(case: Case, ct: types.CaseType, wf: Workflow, trigger: str, ctx: Context,
                      params: dict[str, Any]) -> list[str]:
    """Why a decision this firing would issue may not be issued (e.g. in production on a legal
    basis that is not adopted); checked before anything changes."""
    row = wf.route(case.state, trigger, ctx)
    if row is None:
        return []
    from supervision.decisions.bases import issuing_refusal

    out = []
    for kind in ct.decision_kinds:
        why = issuing_refusal(kind.key) if kind.issued_by(trigger, row.dest) else None
        if why is not None:
            out.append(why[0])
            params.update(why[1])
    return out


def _listed(inputs: dict[str, Any]) -> str | None:
    """The items of a list input (a supplement notice's), one per line, as the firing's text."""
    lists = [v for v in inputs.values() if isinstance(v, (list, tuple))]
    return "\n".join(str(v) for v in lists[0]) if lists else None


def _approved_facts(case: Case) -> dict[str, str]:
    from supervision.decisions.services import APPROVED_FACTS, facts_sha256

    return {APPROVED_FACTS: facts_sha256(case)}


def _approved_facts_of(sha256: str) -> dict[str, str]:
    from supervision.decisions.services import APPROVED_FACTS

    return {APPROVED_FACTS: sha256}


def _issue_decisions(case: Case, ct: types.CaseType, actor, firing: types.Firing,
                     approved: dict[str, str] | None) -> None:
    """The decisions and notices this transition issues (the case type's decision kinds)."""
    kinds = [k for k in ct.decision_kinds if k.issued_by(firing.trigger, firing.to_state)]
    if not kinds:
        return
    from flask import current_app

    from supervision.decisions.services import APPROVED_FACTS, document_facts, issue_decision

    for kind in kinds:
        issue_decision(case, kind.key, actor=actor, facts=document_facts(kind, case, firing),
                       language=current_app.config.get("DECISION_LANGUAGE", "zh"),
                       approved_facts=(approved or {}).get(APPROVED_FACTS))


def _details(inputs: dict[str, Any]) -> dict[str, Any] | None:
    out = {}
    for key, value in inputs.items():
        if value is None or key == "reason":
            continue
        if hasattr(value, "sha256"):  # a stored document
            out[f"{key}_sha256"] = value.sha256
            out[f"{key}_id"] = getattr(value, "id", None)
        elif key == "comment":
            out["comment"] = str(value)
        elif isinstance(value, (list, tuple)):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return out or None


def notify_event(case: Case, name: str, actor, **event: Any) -> None:
    """Emit a notification event about ``case`` that is not a transition (a deadline passed)."""
    _notify(case, case_type_of(case), name, actor, **event)


def _notify(case: Case, ct: types.CaseType, name: str, actor, *, action_label: str | None = None,
            state_label: str | None = None, **event: Any) -> None:
    """One notification event per change: the case type's rules turn it into inbox and outbox
    rows in the same transaction."""
    from supervision.notifications.rules import Event
    from supervision.notifications.services import emit

    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
    emit(Event(name=name, case_id=case.id, actor_id=actor_id, **event), ct.notification_rules,
         action_label=action_label, state_label=state_label)


# -- people on the case ------------------------------------------------------------------------


def claim(case: Case, *, actor, expected_version: int | None = None) -> Case:
    """``actor`` (an officer of the case's department) takes an unassigned case."""
    _check_version(case, expected_version)  # a stale page first: someone else acted meanwhile
    if not policies.can_claim_case(actor, case):
        raise TransitionRefused([N_("Only an officer of the case's department may claim an unassigned case.")],
                                forbidden=True)
    if is_closed(case):
        raise TransitionRefused([N_("This case is closed.")])
    return _set_assignee(case, actor, actor, "case.claim", source="claim")


def assign(case: Case, *, actor, assignee, expected_version: int | None = None) -> Case:
    """A regulator of the case's department hands the case to one of its officers."""
    if not policies.can_assign_case(actor, case):
        raise TransitionRefused([N_("Only the case's department may assign it.")], forbidden=True)
    if is_closed(case):
        raise TransitionRefused([CLOSED_NOT_ASSIGNED])
    if assignee is None or not assignee.active or "officer" not in policies.case_roles(assignee, case):
        raise TransitionRefused([N_("Choose an officer of the case's department.")])
    _check_version(case, expected_version)
    return _set_assignee(case, actor, assignee, "case.assign", source="assign")


def assign_by_rule(case: Case, *, assignee, rule: str) -> Case:
    """The platform hands ``case`` to ``assignee`` by a configured rule (e.g. round robin):
    audited as an assignment by the system, with the rule as its source."""
    from supervision.core.actors import SYSTEM

    if is_closed(case):
        raise TransitionRefused([CLOSED_NOT_ASSIGNED])
    if assignee is None or not assignee.active or "officer" not in policies.case_roles(assignee, case):
        raise TransitionRefused([N_("Choose an officer of the case's department.")])
    return _set_assignee(case, SYSTEM, assignee, "case.assign", source=rule)


def _arrived(case: Case) -> None:
    """A case left its workflow's first state (it reached its department): the hooks other
    packages installed (``app.extensions["case_arrivals"]``, e.g. round robin) run now."""
    from flask import current_app, has_app_context

    if has_app_context():
        for hook in current_app.extensions.get("case_arrivals", ()):
            hook(case)


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise Conflict()


def add_role(case: Case, *, user, role: str, actor, source: str, source_ref: str | None = None,
             reason: str | None = None) -> CaseRole:
    """Attach ``user`` to ``case`` in ``role`` (audited); one active row per person and role."""
    if role == ASSIGNEE:
        raise ValueError("the assignee changes through claim or assign")
    row = CaseRole(case_id=case.id, user_id=user.id, role=role, source=source, source_ref=source_ref,
                   assigned_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    record("case.role_add", actor=actor, case=case, object_type="case_role", object_id=row.id,
           reason=reason, details={"user_id": user.id, "role": role, "source": source, "source_ref": source_ref})
    return row


def end_role(row: CaseRole, *, actor, reason: str) -> CaseRole:
    """End a person's role on a case (the row stays on record)."""
    if row.ended_at is not None:
        return row
    row.ended_at, row.end_reason = utcnow(), reason
    db.session.flush()
    record("case.role_end", actor=actor, case=db.session.get(Case, row.case_id), object_type="case_role",
           object_id=row.id, reason=reason, details={"user_id": row.user_id, "role": row.role})
    return row


def roles_on(case: Case, *, role: str | None = None, active: bool = True) -> list[CaseRole]:
    q = db.select(CaseRole).where(CaseRole.case_id == case.id)
    if role is not None:
        q = q.where(CaseRole.role == role)
    if active:
        q = q.where(CaseRole.ended_at.is_(None))
    return list(db.session.execute(q.order_by(CaseRole.id)).scalars())


def _set_assignee(case: Case, actor, assignee, action: str, *, source: str) -> Case:
    before = case.assignee_id
    now = utcnow()
    for row in roles_on(case, role=ASSIGNEE):
        row.ended_at, row.end_reason = now, source
    if assignee is not None:
        db.session.add(CaseRole(case_id=case.id, user_id=assignee.id, role=ASSIGNEE, source=source,
                                assigned_by_id=actor.id, started_at=now))
    case.assignee_id = assignee.id if assignee is not None else None
    case.updated_at = now
    try:
        db.session.flush()
    except StaleDataError as err:
        raise Conflict() from err
    record(action, actor=actor, case=case, object_type="case", object_id=case.id,
           workflow=case.case_type, workflow_version=case.workflow_version,
           details={"from_assignee": before, "to_assignee": case.assignee_id})
    _notify(case, case_type_of(case), action, actor)
    return case


# -- links between cases -----------------------------------------------------------------------


def link_relations() -> dict[str, tuple[str, str]]:
    """The relations a link may have: the engine's and those the installed case types add."""
    out = dict(LINK_RELATIONS)
    for ct in types.installed().values():
        out.update(ct.link_relations)
    return out


def link_cases(case: Case, other: Case, *, relation: str, actor, reason: str | None = None) -> CaseLink:
    """Record that ``case`` ``relation`` ``other`` (e.g. an incident suspends a registration):
    one audit event on ``case``'s chain naming the other; shown on both case pages."""
    if relation not in link_relations():
        raise ValueError(f"unknown case relation {relation!r}")
    if case.id == other.id:
        raise ValueError("a case cannot be linked to itself")
    link = CaseLink(case_id=case.id, other_case_id=other.id, relation=relation, reason=reason,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(link)
    db.session.flush()
    details = {"relation": relation, "case": case.number, "other_case": other.number}
    record("case.link", actor=actor, case=case, object_type="case_link", object_id=link.id,
           reason=reason, details=details)
    return link


def links_of(case: Case) -> list[tuple[str, Case]]:
    """(N_-marked relation label as read from ``case``, the other case), oldest first."""
    rows = db.session.execute(
        db.select(CaseLink).where((CaseLink.case_id == case.id) | (CaseLink.other_case_id == case.id))
        .order_by(CaseLink.id)).scalars().all()
    out, relations = [], link_relations()
    for link in rows:
        forward, backward = relations[link.relation]
        out.append((forward, link.other) if link.case_id == case.id else (backward, link.case))
    return out
