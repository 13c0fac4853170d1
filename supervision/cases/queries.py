"""Read-side queries of cases: who sees which cases, and the paged case list.

The list loads what it shows in a fixed number of queries, whatever the row count: one count,
one page of cases with their firm and assignee joined in (the assignees' roles follow in one
more query).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case as sql_case, false, or_
from sqlalchemy.orm import joinedload

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.extensions import db

PAGE_SIZE = 50
SCOPES = ("all", "mine", "unassigned")


@dataclass(frozen=True)
class Listing:
    rows: list[Case]
    total: int
    page: int
    pages: int
    page_size: int = PAGE_SIZE


def visible_cases(user) -> Select:
    """Cases ``user`` may list: a firm its own, regulators their department's (and the cases
    assigned to them), auditors all, anybody else none."""
    q = db.select(Case)
    if user.has_role("auditor"):
        return q
    if user.organisation.is_firm:
        if user.has_role("applicant"):
            return q.where(Case.firm_id == user.organisation_id)
        return q.where(false())
    if user.has_role("officer", "approver"):
        return q.where(or_(Case.department_id == user.organisation_id, Case.assignee_id == user.id))
    return q.where(false())


def case_list(user, *, case_type: str | None = None, state: str | None = None,
              scope: str = "all", page: int = 1) -> Listing:
    """One page of the list: overdue cases first, then by due date, then newest.

    ``page`` is clamped to the pages there are, so any number answers with a real page.
    """
    q = visible_cases(user)
    if case_type:
        q = q.where(Case.case_type == case_type)
    if state:
        q = q.where(Case.state == state)
    if scope == "mine":
        q = q.where(Case.assignee_id == user.id)
    elif scope == "unassigned":
        q = q.where(Case.assignee_id.is_(None))
    total = db.session.execute(
        q.with_only_columns(db.func.count(Case.id)).order_by(None)).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    # A paused clock is not running out: such a case is not overdue, whatever its due date.
    overdue = sql_case((and_(Case.due_date < local_today(), Case.clock_paused_at.is_(None)), 0),
                       else_=1)
    no_due = sql_case((Case.due_date.is_(None), 1), else_=0)
    rows = db.session.execute(
        q.options(joinedload(Case.firm), joinedload(Case.assignee))
        .order_by(overdue, no_due, Case.due_date, Case.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).unique().scalars().all()
    return Listing(rows=list(rows), total=total, page=page, pages=pages)
