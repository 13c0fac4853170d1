"""Read-side queries of cases: who sees which cases, and the paged case list.

The list loads what it shows in a fixed number of queries, whatever the row count: one count,
one page of cases with their firm and assignee joined in (the assignees' roles follow in one
more query).

Its order — overdue first, then by due date, then newest, cases without a due date last — is
not one index order (whether a case is overdue depends on today and on a paused clock), so the
page is taken from four ranges that are each one range of ``ix_cases_department_due``
(department, due date, id), in this order: running clocks past their due date; paused clocks
past it (a paused clock is not overdue); due today or later; no due date.  The count statement
also counts the ranges, so the page query reads only the ranges the page overlaps, each with
its own limit and offset, and sorts at most one page of rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case as sql_case, func, union_all
from sqlalchemy.orm import joinedload

from supervision.cases.models import Case
from supervision.core.timeutil import local_today
from supervision.extensions import db

PAGE_SIZE = 50
SCOPES = ("all", "mine", "unassigned")


@dataclass(frozen=True)
class Listing:
    rows: list[Any]
    total: int
    page: int
    pages: int
    page_size: int = PAGE_SIZE


def page_bounds(total: int, page: int, page_size: int) -> tuple[int, int]:
    """``(page, pages)``: the page clamped to the pages there are, so any number answers with
    a real page (page 1 of 1 when there is nothing)."""
    pages = max(1, -(-total // page_size))
    return min(max(page, 1), pages), pages


def visible_cases(user, *, own_department_only: bool = False) -> Select:
    """Cases ``user`` may list (``policies.visible_condition``: a firm its own, regulators their
    department's and those they are attached to, auditors all, anybody else none).

    ``own_department_only`` keeps a regulator's own department only; the list uses it when it
    has counted that nothing else is visible to them, so the query is one index range."""
    from supervision import policies

    if own_department_only:
        return db.select(Case).where(Case.department_id == user.organisation_id)
    return db.select(Case).where(policies.visible_condition(user))


def _ranges(today: dt.date) -> list[tuple[ColumnElement, tuple]]:
    """The list's order as consecutive ranges: (condition, order within the range)."""
    by_due = (Case.due_date, Case.id.desc())
    return [
        (and_(Case.due_date < today, Case.clock_paused_at.is_(None)), by_due),      # overdue
        (and_(Case.due_date < today, Case.clock_paused_at.is_not(None)), by_due),   # paused
        (Case.due_date >= today, by_due),
        (Case.due_date.is_(None), (Case.id.desc(),)),
    ]


def _list_order(ranges: list[tuple[ColumnElement, tuple]]) -> tuple:
    """The same order as one sort key (applied to the ids of one page only): the range a case
    falls in, then its due date, then newest."""
    which = sql_case(*((cond, n) for n, (cond, _order) in enumerate(ranges)), else_=len(ranges))
    return which, Case.due_date, Case.id.desc()


def _filtered(q: Select, user, *, case_type: str | None, state: str | None, scope: str) -> Select:
    if case_type:
        q = q.where(Case.case_type == case_type)
    if state:
        q = q.where(Case.state == state)
    if scope == "mine":
        q = q.where(Case.assignee_id == user.id)
    elif scope == "unassigned":
        q = q.where(Case.assignee_id.is_(None))
    return q


def case_list(user, *, case_type: str | None = None, state: str | None = None,
              scope: str = "all", page: int = 1) -> Listing:
    """One page of the list: overdue cases first, then by due date, then newest.

    ``page`` is clamped to the pages there are, so any number answers with a real page.
    """
    today = local_today()
    ranges = _ranges(today)
    q = _filtered(visible_cases(user), user, case_type=case_type, state=state, scope=scope)
    outside = func.count(sql_case((Case.department_id != user.organisation_id, 1)))
    counts = db.session.execute(q.with_only_columns(
        func.count(Case.id), outside, *(func.count(sql_case((cond, 1))) for cond, _ in ranges)
    ).order_by(None)).one()
    total, outside_department, sizes = counts[0], counts[1], counts[2:]
    page, pages = page_bounds(total, page, PAGE_SIZE)
    if not outside_department:
        # Every listed case is in the user's department: the ranges become index ranges.
        q = _filtered(visible_cases(user, own_department_only=True), user,
                      case_type=case_type, state=state, scope=scope)
    start, end, seen, parts = (page - 1) * PAGE_SIZE, page * PAGE_SIZE, 0, []
    for (cond, order), size in zip(ranges, sizes):
        lo, hi = max(start - seen, 0), min(end - seen, size)
        if hi > lo:
            part = q.with_only_columns(Case.id).where(cond).order_by(*order).limit(hi - lo).offset(lo)
            parts.append(db.select(part.subquery().c.id))
        seen += size
    if not parts:
        return Listing(rows=[], total=total, page=page, pages=pages, page_size=PAGE_SIZE)
    ids = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = db.session.execute(
        db.select(Case).options(joinedload(Case.firm), joinedload(Case.assignee))
        .where(Case.id.in_(ids)).order_by(*_list_order(ranges))
    ).unique().scalars().all()
    return Listing(rows=list(rows), total=total, page=page, pages=pages, page_size=PAGE_SIZE)
