"""What the queue changes: assignments of many cases at once (each one through the case
engine's claim or assign, so each is checked and audited like a single one), a user's saved
views, and the officers' workload shown beside the assignment select."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import func

from supervision.accounts.models import User, UserRole
from supervision.audit.services import record
from supervision.cases import services as cases
from supervision.cases.models import Case, CaseRole
from supervision.extensions import db
from supervision.workbench.models import SavedView
from supervision.workbench import queue as queue_rules
from supervision.workbench.queue import open_condition
from workflows.base import N_

MAX_BULK = 200
MAX_VIEWS = 50


class ViewRefused(ValueError):
    """A saved view that cannot be kept (the message is N_-marked)."""


@dataclass(frozen=True)
class Skipped:
    case: Case | None
    case_id: int
    reason: str            # N_-marked
    params: dict[str, Any]


@dataclass(frozen=True)
class BulkResult:
    done: list[Case]
    skipped: list[Skipped]


def assign_many(picked: Sequence[tuple[int, int]], *, actor, assignee) -> BulkResult:
    """Give each picked case (``(id, version seen)``) to ``assignee``: a claim when the actor
    takes an unassigned case for themselves, an assignment otherwise.  A case the actor may not
    see, that changed since the page was read, or that the engine refuses is skipped with the
    reason; the others are done (each audited by the engine).  A change underneath during the
    writes (``Conflict``) ends the whole request, which then rolls back."""
    from supervision import policies

    done: list[Case] = []
    skipped: list[Skipped] = []
    ids = [case_id for case_id, _v in picked][:MAX_BULK]
    found = {c.id: c for c in db.session.execute(db.select(Case).where(Case.id.in_(ids))).scalars()}
    for case_id, version in picked[:MAX_BULK]:
        case = found.get(case_id)
        if case is None or not policies.can_view_case(actor, case):
            skipped.append(Skipped(None, case_id, N_("Not found."), {}))
            continue
        if case.assignee_id == assignee.id:
            skipped.append(Skipped(case, case_id, N_("Already handled by %(name)s."), {"name": assignee.name}))
            continue
        if version != case.version:
            skipped.append(Skipped(case, case_id, N_("Changed by someone else since the list was read."), {}))
            continue
        try:
            if assignee.id == actor.id and case.assignee_id is None and policies.can_claim_case(actor, case):
                cases.claim(case, actor=actor, expected_version=version)
            else:
                cases.assign(case, actor=actor, assignee=assignee, expected_version=version)
        except cases.TransitionRefused as refused:
            skipped.append(Skipped(case, case_id, refused.reasons[0], dict(refused.params or {})))
        else:
            done.append(case)
    return BulkResult(done, skipped)


def officers_with_load(department_id: int) -> list[tuple[int, str, int]]:
    """The department's active officers, each with the number of open cases they handle (one
    statement, however many cases there are: each count read from ``ix_cases_assignee_type_state``
    alone and stopping at ``queue.COUNT_CAP``, shown as "999+")."""
    handled = (db.select(Case.id).where(Case.assignee_id == User.id, open_condition())
               .correlate(User).limit(queue_rules.COUNT_CAP).subquery())
    load = db.select(func.count()).select_from(handled).correlate(User).scalar_subquery()
    rows = db.session.execute(
        db.select(User.id, User.name, load).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == department_id, User.active.is_(True), UserRole.role == "officer")
        .order_by(User.name)).all()
    return [(user_id, name, n) for user_id, name, n in rows]


def round_robin(case: Case) -> None:
    """``QUEUE_ROUND_ROBIN``: a case that reaches its department unassigned goes to the
    department's active officer whose latest assignment is the oldest (never assigned first)."""
    from flask import current_app

    if not current_app.config.get("QUEUE_ROUND_ROBIN") or case.assignee_id is not None:
        return
    latest = (db.select(func.max(CaseRole.started_at))
              .where(CaseRole.user_id == User.id, CaseRole.role == cases.ASSIGNEE).correlate(User).scalar_subquery())
    officer = db.session.execute(
        db.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == case.department_id, User.active.is_(True), UserRole.role == "officer")
        .order_by(latest.is_not(None), latest, User.id).limit(1)).scalar()
    if officer is not None:
        cases.assign_by_rule(case, assignee=officer, rule="round_robin")


def views_of(user) -> list[SavedView]:
    return list(db.session.execute(
        db.select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)).scalars())


def save_view(*, actor, name: str, query: str) -> SavedView:
    """Save (or replace) the actor's view ``name`` of the queue (audited)."""
    name = " ".join(name.split())[:80]
    if not name:
        raise ViewRefused(N_("Give the view a name."))
    view = db.session.execute(db.select(SavedView).where(SavedView.user_id == actor.id,
                                                          SavedView.name == name)).scalar()
    if view is None:
        count = db.session.execute(db.select(func.count(SavedView.id)).where(SavedView.user_id == actor.id)).scalar()
        if count >= MAX_VIEWS:
            raise ViewRefused(N_("You have too many saved views: delete one first."))
        view = SavedView(user_id=actor.id, name=name, query=query)
        db.session.add(view)
    else:
        view.query = query
    db.session.flush()
    record("queue.view_save", actor=actor, object_type="queue_view", object_id=view.id,
           details={"name": name, "query": query})
    return view


def delete_view(view: SavedView, *, actor) -> None:
    record("queue.view_delete", actor=actor, object_type="queue_view", object_id=view.id,
           details={"name": view.name})
    db.session.delete(view)
    db.session.flush()
