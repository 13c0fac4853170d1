"""Read-side queries of cases: the case lists (a fixed number of queries whatever the size)."""
from __future__ import annotations

from sqlalchemy import case as sql_case, or_
from sqlalchemy.orm import joinedload

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.extensions import db

PAGE_SIZE = 50


def visible_cases(user):
    """Cases ``user`` may list: a firm its own, regulators their department's, auditors all."""
    q = db.select(Case)
    if user.has_role("auditor"):
        return q
    if user.organisation.is_firm:
        return q.where(Case.firm_id == user.organisation_id)
    if user.has_role("officer", "approver"):
        return q.where(or_(Case.department_id == user.organisation_id, Case.assignee_id == user.id))
    return q.where(False)


def case_list(user, *, case_type: str | None = None, state: str | None = None,
              scope: str = "all", page: int = 1):
    """One page of the list, overdue first, then by due date; returns (rows, total)."""
    q = visible_cases(user)
    if case_type:
        q = q.where(Case.case_type == case_type)
    if state:
        q = q.where(Case.state == state)
    if scope == "mine":
        q = q.where(Case.assignee_id == user.id)
    elif scope == "unassigned":
        q = q.where(Case.assignee_id.is_(None))
    today = local_today()
    overdue = sql_case((Case.due_date < today, 0), else_=1)
    no_due = sql_case((Case.due_date.is_(None), 1), else_=0)
    total = db.session.execute(q.with_only_columns(db.func.count(Case.id)).order_by(None)).scalar_one()
    rows = db.session.execute(
        q.options(joinedload(Case.firm), joinedload(Case.assignee))
        .order_by(overdue, no_due, Case.due_date, Case.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).scalars().all()
    return rows, total
