"""Read-side helpers of case lists: who sees which cases, and a page of a paged listing.

The regulators' queue at ``/cases`` (tabs, filters, keyset paging) is ``supervision.workbench``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from supervision.cases.models import Case
from supervision.extensions import db

PAGE_SIZE = 50


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


def paged_listing(stmt: Select, page: int, *, order_by, row, page_size: int) -> Listing:
    """One page of ``stmt`` (newest first by ``order_by``) as a register section's ``Listing``:
    the count over the whole statement, the page clamped, each row turned into a dict by ``row``."""
    total = db.session.execute(db.select(db.func.count()).select_from(stmt.subquery())).scalar_one()
    page, pages = page_bounds(total, page, page_size)
    rows = db.session.execute(stmt.order_by(order_by).offset((page - 1) * page_size).limit(page_size)).all()
    return Listing(rows=[row(r) for r in rows], total=total, page=page, pages=pages, page_size=page_size)


def visible_cases(user, *, own_department_only: bool = False) -> Select:
    """Cases ``user`` may list (``policies.visible_condition``: a firm its own, regulators their
    department's and those they are attached to, auditors all, anybody else none).

    ``own_department_only`` keeps a regulator's own department only; the list uses it when it
    has counted that nothing else is visible to them, so the query is one index range."""
    from supervision import policies

    if own_department_only:
        return db.select(Case).where(policies.department_condition(user))
    return db.select(Case).where(policies.visible_condition(user))
