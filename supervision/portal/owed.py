"""What a firm owes across all its cases, whatever their type: one list in date order.

A firm owes the due items services add for it (a periodic report, an answer to a request for
information, the remediation an order requires: ``FIRM_KINDS``) and the statutory period of a state in which the workflow table
waits for the firm's answer (a state whose clock runs while the applicant has a transition
tagged ``answer``: a supplement, a defence).  Which states those are is read from the installed
workflow tables, so a new case type needs no change here.  The regulator's own periods
(screening, decision) are not the firm's and are not listed.

One query reads the open deadlines of the firm's cases with their case, as plain rows of the
columns shown; the list is bounded by ``LIMIT`` items (a firm with more open deadlines than that sees the nearest ones).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app

from supervision.cases import clocks, types
from supervision.cases.models import OPEN_STATUSES, Case, Deadline, DeadlineKind
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.workdays.services import current_calendar

ANSWER = "answer"   # the transition tag: the firm answers (supplement, clarification, defence)
FIRM_KINDS = frozenset({DeadlineKind.REPORT.value, DeadlineKind.INFORMATION_REQUEST.value,
                        DeadlineKind.REMEDIATION.value})
LIMIT = 500


@dataclass(frozen=True)
class OwedItem:
    case: Any                # a plain row: id, number, title, case_type, state
    deadline: clocks.DeadlineView
    case_label: str          # the case type's N_-marked label

    @property
    def overdue(self) -> bool:
        return self.deadline.overdue


def answer_clocks() -> frozenset[tuple[str, str, str]]:
    """(case type, state, clock name) where the firm owes an answer before the clock runs out:
    read from the installed workflow tables once per application, not on every page."""
    found = current_app.extensions.get(_ANSWER_CLOCKS)
    if found is None:
        found = current_app.extensions[_ANSWER_CLOCKS] = frozenset(_answer_clocks())
    return found


_ANSWER_CLOCKS = "portal.answer_clocks"


def _answer_clocks() -> set[tuple[str, str, str]]:
    out = set()
    for ct in types.installed().values():
        wf = ct.workflow
        for state in wf.states.values():
            if state.clock is None:
                continue
            if any(state.name in tr.source and "applicant" in tr.roles and ANSWER in tr.tags
                   for tr in wf.transitions):
                out.add((wf.name, state.name, state.clock.name))
    return out


def is_owed_by_firm(case: Any, d: Any, answers: frozenset[tuple[str, str, str]]) -> bool:
    return d.kind in FIRM_KINDS or (case.case_type, case.state, d.name) in answers


# The columns the list shows and ``clocks.view`` reads, as plain rows (not ORM objects).
_DEADLINE_COLUMNS = (Deadline.name, Deadline.label, Deadline.kind, Deadline.unit, Deadline.due_at, Deadline.due_date,
                     Deadline.paused_at, Deadline.status, Deadline.estimated)
_CASE_COLUMNS = (Case.id, Case.number, Case.title, Case.case_type, Case.state)
_DEADLINE_NAMES, _CASE_NAMES = [c.key for c in _DEADLINE_COLUMNS], [c.key for c in _CASE_COLUMNS]


def owed_by(firm_id: int, *, now: dt.datetime | None = None) -> list[OwedItem]:
    """Everything the firm owes now, nearest due first (overdue first of all): one statement."""
    now = now or utcnow()
    rows = db.session.execute(
        db.select(*_DEADLINE_COLUMNS, *_CASE_COLUMNS).join(Case, Case.id == Deadline.case_id)
        .where(Case.firm_id == firm_id, Deadline.status.in_(OPEN_STATUSES))
        .order_by(Deadline.due_at, Deadline.id).limit(LIMIT)).all()
    answers, cal, installed = answer_clocks(), current_calendar(), types.installed()
    width = len(_DEADLINE_COLUMNS)
    out = []
    for row in rows:
        d = _Row(zip(_DEADLINE_NAMES, row[:width], strict=True))
        case = _Row(zip(_CASE_NAMES, row[width:], strict=True))
        if not is_owed_by_firm(case, d, answers) or case.case_type not in installed:
            continue
        out.append(OwedItem(case, clocks.view(d, cal, now), installed[case.case_type].label))
    return out


class _Row(dict):
    """A row's columns by name, read as attributes (what ``clocks.view`` and the template read)."""

    __getattr__ = dict.__getitem__


def overdue_report_flags(cases) -> dict[int, list[str]]:
    """Case-list flag: a periodic report is overdue on the case (one query for the page)."""
    from flask_babel import gettext as _

    ids = [c.id for c in cases]
    if not ids:
        return {}
    flagged = db.session.execute(
        db.select(Deadline.case_id).where(Deadline.case_id.in_(ids), Deadline.status.in_(OPEN_STATUSES),
                                          Deadline.kind == DeadlineKind.REPORT.value,
                                          Deadline.flagged_overdue_at.is_not(None))).scalars()
    return {case_id: [_("Report overdue")] for case_id in set(flagged)}
