"""Changes to the expert pool: expert records, conflict declarations, draws, declines and
opinions.  Each function flushes and writes one audit event; the caller's unit of work commits."""
from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Iterable

from flask import current_app

from supervision.accounts.models import User
from supervision.audit.services import record
from supervision.cases import services as cases
from supervision.cases.models import Case, CaseRole
from supervision.core.timeutil import local_today
from supervision.experts import draw as drawing
from supervision.experts import notifications, step
from supervision.experts.models import Expert, ExpertConflict, ExpertDraw, ExpertOpinion, canonical
from supervision.extensions import db
from workflows.base import N_

EXPERT_ROLE = "expert"


class Refused(ValueError):
    """A change the rules do not allow: ``msgid`` (N_-marked) and its ``params``; views show
    ``_(err.msgid, **err.params)``, ``str()`` is the English text."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid % params if params else msgid)
        self.msgid, self.params = msgid, params


def field_codes() -> tuple[str, ...]:
    return tuple(code for code, _label in current_app.config["EXPERT_FIELDS"])


# -- the pool ----------------------------------------------------------------------------------

def create_expert(user: User, *, fields: Iterable[str], actor, affiliation: str = "", title: str = "",
                  organisation_id: int | None = None) -> Expert:
    if not user.has_role(EXPERT_ROLE):
        raise Refused(N_("The user does not hold the expert role."))
    fields = _check_fields(fields)
    expert = Expert(user_id=user.id, fields=fields, affiliation=affiliation, title=title,
                    organisation_id=organisation_id, active=True)
    db.session.add(expert)
    db.session.flush()
    record("expert.create", actor=actor, object_type="expert", object_id=expert.id,
           details={"user_id": user.id, "fields": fields, "organisation_id": organisation_id})
    return expert


def set_expert_active(expert: Expert, active: bool, *, actor, reason: str | None = None) -> Expert:
    if expert.active == active:
        return expert
    expert.active = active
    db.session.flush()
    record("expert.activate" if active else "expert.deactivate", actor=actor, object_type="expert",
           object_id=expert.id, reason=reason)
    return expert


def declare_conflict(expert: Expert, *, organisation_id: int, reason: str, valid_from: dt.date,
                     valid_to: dt.date | None, actor) -> ExpertConflict:
    if valid_to is not None and valid_to < valid_from:
        raise Refused(N_("The period ends before it starts."))
    row = ExpertConflict(expert_id=expert.id, organisation_id=organisation_id, reason=reason,
                         valid_from=valid_from, valid_to=valid_to)
    db.session.add(row)
    db.session.flush()
    record("expert.conflict_declare", actor=actor, object_type="expert", object_id=expert.id,
           reason=reason, details={"conflict_id": row.id, "organisation_id": organisation_id,
                                   "valid_from": valid_from.isoformat(),
                                   "valid_to": valid_to.isoformat() if valid_to else None})
    return row


def end_conflict(row: ExpertConflict, *, actor, on: dt.date | None = None) -> ExpertConflict:
    """The declaration stops applying after ``on`` (today by default); the row stays."""
    on = on or local_today()
    row.valid_to = max(on, row.valid_from)
    db.session.flush()
    record("expert.conflict_end", actor=actor, object_type="expert", object_id=row.expert_id,
           details={"conflict_id": row.id, "valid_to": row.valid_to.isoformat()})
    return row


def _check_fields(fields: Iterable[str]) -> list[str]:
    fields = sorted(set(fields))
    unknown = set(fields) - set(field_codes())
    if unknown or not fields:
        raise Refused(N_("Choose at least one field of expertise from the list."))
    return fields


def expert_of(user) -> Expert | None:
    return db.session.execute(db.select(Expert).filter_by(user_id=user.id)).scalar_one_or_none()


# -- the draw ----------------------------------------------------------------------------------

def eligible_pool(case: Case, *, fields: Iterable[str], on: dt.date | None = None) -> list[int]:
    """User ids of the experts who may be drawn for ``case`` today, in canonical order: active,
    in any of ``fields``, not employed by the applicant firm, no conflict valid ``on`` with the
    firm or the department, and never yet on the case as an expert (a decliner is not re-drawn)."""
    on = on or local_today()
    wanted = set(fields)
    involved = {case.firm_id, case.department_id} - {None}
    been_on_case = set(db.session.execute(
        db.select(CaseRole.user_id).where(CaseRole.case_id == case.id, CaseRole.role == EXPERT_ROLE)).scalars())
    experts = db.session.execute(db.select(Expert).where(Expert.active.is_(True))).scalars().unique().all()
    conflicts = db.session.execute(db.select(ExpertConflict)).scalars().all()
    conflicted = {c.expert_id for c in conflicts if c.organisation_id in involved and c.valid_on(on)}
    return sorted(e.user_id for e in experts
                  if wanted & set(e.fields or ())
                  and (case.firm_id is None or e.organisation_id != case.firm_id)
                  and e.id not in conflicted and e.user_id not in been_on_case
                  and e.user.active)


def draw_experts(case: Case, *, n: int, fields: Iterable[str], actor, reason: str | None = None,
                 previous: ExpertDraw | None = None) -> ExpertDraw:
    """Draw ``n`` experts for ``case`` (in an expert-review step) and attach them in the role
    ``expert``; they are told.  A case drawn for before needs a ``reason`` (both draws stay on
    record)."""
    if not step.in_review(case):
        raise Refused(N_("Experts are drawn only while the case is in expert review."))
    if n < 1:
        raise Refused(N_("Draw at least one expert."))
    fields = _check_fields(fields)
    if previous is None:
        previous = latest_draw(case)
        if previous is not None and not (reason or "").strip():
            raise Refused(N_("Experts were drawn for this case before: a new draw needs a reason."))
    pool = eligible_pool(case, fields=fields)
    if len(pool) < n:
        raise Refused(N_("Too few eligible experts: %(eligible)d eligible, %(wanted)d wanted."),
                      eligible=len(pool), wanted=n)
    seed = secrets.token_hex(16)
    chosen = drawing.draw(pool, n, seed)
    row = ExpertDraw(case_id=case.id, filters={"fields": fields}, eligible_ids=canonical(pool), seed=seed,
                     algorithm=drawing.ALGORITHM, n=n, result_ids=json.dumps(chosen),
                     actor_id=getattr(actor, "id", None), reason=reason,
                     previous_id=previous.id if previous else None)
    db.session.add(row)
    db.session.flush()
    record("expert.draw", actor=actor, case=case, object_type="expert_draw", object_id=row.id, reason=reason,
           details={"fields": fields, "n": n, "eligible": len(pool), "result": chosen,
                    "algorithm": drawing.ALGORITHM, "previous_id": row.previous_id})
    for user_id in chosen:
        cases.add_role(case, user=db.session.get(User, user_id), role=EXPERT_ROLE, actor=actor,
                       source="draw", source_ref=str(row.id))
    due = step.step_deadline(case)
    notifications.tell(case, notifications.DRAWN, actor, deadline=due.due_date.isoformat() if due else "")
    return row


def latest_draw(case: Case) -> ExpertDraw | None:
    return db.session.execute(db.select(ExpertDraw).filter_by(case_id=case.id)
                              .order_by(ExpertDraw.id.desc()).limit(1)).scalar_one_or_none()


def draws_of(case: Case) -> list[ExpertDraw]:
    return list(db.session.execute(db.select(ExpertDraw).filter_by(case_id=case.id)
                                   .order_by(ExpertDraw.id)).scalars())


def replay(row: ExpertDraw) -> bool:
    """Re-run a recorded draw from its record: does it give the stored result?"""
    try:
        return drawing.draw(row.eligible, row.n, row.seed, row.algorithm) == row.result
    except ValueError:
        return False


def decline(case: Case, *, user, reason: str, actor) -> ExpertDraw:
    """``user`` declines their draw on ``case``; a replacement is drawn the same way (same
    fields) from the remaining pool, as a new draw linked to the one that chose ``user``."""
    if not (reason or "").strip():
        raise Refused(N_("A decline needs a reason."))
    role = _active_role(case, user)
    if role is None:
        raise Refused(N_("You are not an expert on this case."))
    if opinion_of(case, user) is not None:
        raise Refused(N_("You have given your opinion on this case already."))
    if not step.in_review(case):
        raise Refused(N_("The expert review of this case has ended."))
    first = db.session.get(ExpertDraw, int(role.source_ref)) if role.source == "draw" and role.source_ref else None
    cases.end_role(role, actor=actor, reason=reason)
    fields = first.filters["fields"] if first else list(field_codes())
    row = draw_experts(case, n=1, fields=fields, actor=actor, previous=first or latest_draw(case),
                       reason=f"replacement: {reason}")
    notifications.tell(case, notifications.DECLINED, actor)
    return row


def _active_role(case: Case, user) -> CaseRole | None:
    rows = [r for r in cases.roles_on(case, role=EXPERT_ROLE) if r.user_id == user.id]
    return rows[0] if rows else None


# -- opinions ----------------------------------------------------------------------------------

def opinions_of(case: Case) -> list[ExpertOpinion]:
    return list(db.session.execute(db.select(ExpertOpinion).filter_by(case_id=case.id)
                                   .order_by(ExpertOpinion.id)).scalars())


def opinion_of(case: Case, user) -> ExpertOpinion | None:
    """The expert's latest opinion on the case (a correction supersedes what it corrects)."""
    return db.session.execute(db.select(ExpertOpinion).filter_by(case_id=case.id, expert_user_id=user.id)
                              .order_by(ExpertOpinion.id.desc()).limit(1)).scalar_one_or_none()


def submit_opinion(case: Case, *, actor, recommendation: str, reasons: str, conditions: str = "",
                   no_conflict: bool, corrects: ExpertOpinion | None = None) -> ExpertOpinion:
    """Store an expert's opinion; once stored it is never changed.  A second opinion of the
    same expert on the case must name the one it corrects.  Opinions are given while the case
    is in expert review; the last one due ends the step (``step.complete_if_all_heard``)."""
    if _active_role(case, actor) is None:
        raise Refused(N_("You are not an expert on this case."))
    if not step.in_review(case):
        raise Refused(N_("The expert review of this case has ended."))
    if recommendation not in step.spec_of(case).codes:
        raise Refused(N_("Choose a recommendation from the list."))
    if not no_conflict:
        raise Refused(N_("Declare that you have no conflict of interest, or decline the case."))
    current = opinion_of(case, actor)
    if current is not None and (corrects is None or corrects.id != current.id):
        raise Refused(N_("Your opinion is on record and cannot be changed; submit a correction instead."))
    if current is None and corrects is not None:
        raise Refused(N_("There is no opinion of yours to correct."))
    row = ExpertOpinion(case_id=case.id, expert_user_id=actor.id, recommendation=recommendation,
                        reasons=reasons, conditions=conditions or "", no_conflict=True,
                        corrects_id=corrects.id if corrects else None)
    db.session.add(row)
    db.session.flush()
    record("expert.opinion" if corrects is None else "expert.opinion_correct", actor=actor, case=case,
           object_type="expert_opinion", object_id=row.id,
           details={"recommendation": recommendation, "corrects_id": row.corrects_id})
    step.complete_if_all_heard(case)
    return row
