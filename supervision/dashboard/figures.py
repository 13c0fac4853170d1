"""The regulators' dashboard figures, read from the shared case tables over the cases the user
may see (``policies.visible_condition``), and the figures the installed domains contribute
(``CaseType.statistics`` and ``app.extensions["statistics"]``).  No case type is named here.

Each figure is one grouped query, the case types' figures too (they count the reader's cases:
``Period.cases``); time to decision takes the first deciding decision of the cases decided in
the last ``TIME_WINDOW_DAYS`` and computes its percentiles in SQL (window functions, on SQLite
and PostgreSQL alike), so one row per case type comes back, never one per case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import and_, case as sql_case, func

from supervision import policies
from supervision.cases import types
from supervision.cases.models import Case
from supervision.cases.types import Period, Statistic
from supervision.core.timeutil import SHANGHAI, local_today
from supervision.decisions.models import Decision
from supervision.extensions import db

TIME_WINDOW_DAYS = 365
TREND_MONTHS = 12


def _utc_start(day: dt.date) -> dt.datetime:
    """The UTC instant (naive, as stored) at which the Shanghai day ``day`` begins."""
    return (dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
            .astimezone(dt.timezone.utc).replace(tzinfo=None))


def month_start(day: dt.date, back: int = 0) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(y, m + 1, 1)


def statistics(scope: str) -> list[Statistic]:
    """Every installed figure of ``scope`` (case types' first, then the shared domains')."""
    return [s for s in [*types.all_of("statistics"), *current_app.extensions.get("statistics", [])]
            if s.scope == scope]


def final_states() -> dict[str, tuple[str, ...]]:
    return {ct.name: tuple(s.name for s in ct.workflow.states.values() if s.final)
            for ct in types.installed().values()}


def _open_condition():
    """Cases not in a final state of their workflow."""
    conds = [and_(Case.case_type == name, Case.state.not_in(states))
             for name, states in final_states().items()]
    return db.or_(*conds) if conds else db.false()


def by_type_and_state(user) -> list[tuple[str, str, int]]:
    """(case type, state, n) of the open cases the user may see, in the tables' order."""
    counts = {(t, s): n for t, s, n in db.session.execute(
        db.select(Case.case_type, Case.state, func.count()).where(counted(user), _open_condition())
        .group_by(Case.case_type, Case.state)).all()}
    out = []
    for ct in types.installed().values():
        for state in ct.workflow.states:
            if counts.get((ct.name, state)):
                out.append((ct.name, state, counts[(ct.name, state)]))
    return out


@dataclass(frozen=True)
class Clocks:
    overdue: dict[str, int]
    due_this_week: dict[str, int]


def clocks(user, today: dt.date | None = None) -> Clocks:
    """Per case type: open cases whose nearest deadline has passed (not paused), and those due
    in the next seven days."""
    today = today or local_today()
    week = today + dt.timedelta(days=7)
    running = Case.clock_paused_at.is_(None)
    rows = db.session.execute(
        db.select(Case.case_type,
                  func.count().filter(Case.due_date < today, running),
                  func.count().filter(Case.due_date >= today, Case.due_date <= week))
        .where(counted(user), Case.due_date.is_not(None), _open_condition())
        .group_by(Case.case_type)).all()
    return Clocks({t: o for t, o, _w in rows if o}, {t: w for t, _o, w in rows if w})


def _deciding_kinds() -> dict[str, str]:
    """Decision kind key -> the case type it decides (only kinds that decide a case)."""
    return {k.key: ct.name for ct in types.installed().values() for k in ct.decision_kinds
            if getattr(k, "decides", False)}


def decisions_this_month(user, today: dt.date | None = None) -> int:
    today = today or local_today()
    return db.session.execute(
        db.select(func.count(Decision.id)).join(Case, Case.id == Decision.case_id)
        .where(counted(user), Decision.issued_at >= _utc_start(month_start(today)))
    ).scalar_one()


def _days_between(start, end):
    """SQL: the days (with their fraction) from ``start`` to ``end``, two stored timestamps."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def _percentile(p: int, rank, n, value):
    """SQL aggregate: the ``p``-th percentile of ``value`` over a group whose rows are ranked
    0 … n-1 by value (``rank``; ``n`` on every row), interpolating linearly between the closest
    ranks as numpy's default does: rank k = (n-1)·p/100, its integer part ``lo`` and fraction f
    give value[lo]·(1-f) + value[lo+1]·f."""
    lo = (n - 1) * p // 100
    f = ((n - 1) * p % 100) / 100.0
    return func.sum(sql_case((rank == lo, value * (1 - f)), (rank == lo + 1, value * f), else_=0))


@dataclass(frozen=True)
class Timing:
    case_type: str
    decided: int
    median_days: float
    p90_days: float


def time_to_decision(user, today: dt.date | None = None) -> list[Timing]:
    """Calendar days from a case's opening to its first deciding decision, for the cases decided
    in the last ``TIME_WINDOW_DAYS``, per case type: median and 90th percentile, computed in
    SQL (one row per case type)."""
    today = today or local_today()
    kinds = _deciding_kinds()
    if not kinds:
        return []
    since = _utc_start(today - dt.timedelta(days=TIME_WINDOW_DAYS))
    first = (db.select(Decision.case_id, func.min(Decision.issued_at).label("at"))
             .where(Decision.kind.in_(kinds)).group_by(Decision.case_id).subquery())
    span = _days_between(Case.created_at, first.c.at)
    span = sql_case((span < 0, 0), else_=span)
    ranked = (db.select(Case.case_type.label("case_type"), span.label("days"),
                        (func.row_number().over(partition_by=Case.case_type, order_by=span) - 1).label("rank"),
                        func.count().over(partition_by=Case.case_type).label("n"))
              .join(first, first.c.case_id == Case.id)
              .where(counted(user), first.c.at >= since).subquery())
    rows = {case_type: (n, median, p90) for case_type, n, median, p90 in db.session.execute(
        db.select(ranked.c.case_type, func.max(ranked.c.n),
                  _percentile(50, ranked.c.rank, ranked.c.n, ranked.c.days),
                  _percentile(90, ranked.c.rank, ranked.c.n, ranked.c.days))
        .group_by(ranked.c.case_type)).all()}
    return [Timing(name, rows[name][0], round(float(rows[name][1]), 1), round(float(rows[name][2]), 1))
            for name in types.installed() if name in rows]


@dataclass(frozen=True)
class Trend:
    months: list[str]                    # "2026-01" …, oldest first
    opened: dict[str, list[int]]         # case type -> cases opened per month
    decisions: list[int]                 # decisions issued per month


def _month_index(column, starts: list[dt.date]):
    """SQL: which of the months starting on ``starts`` (Shanghai days, oldest first) the UTC
    timestamp ``column`` falls in (0 …), as one CASE over the months' UTC boundaries."""
    return sql_case(*((column >= _utc_start(day), i) for i, day in reversed(list(enumerate(starts)))),
                    else_=None)


def trends(user, today: dt.date | None = None, months: int = TREND_MONTHS) -> Trend:
    """Cases opened per month and type, and decisions issued per month, the last ``months``
    months (Shanghai months).  Two grouped queries; the months are told apart in SQL."""
    today = today or local_today()
    starts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    since = _utc_start(starts[0])
    opened: dict[str, list[int]] = {name: [0] * months for name in types.installed()}
    month = _month_index(Case.created_at, starts)
    for case_type, i, n in db.session.execute(
            db.select(Case.case_type, month, func.count())
            .where(counted(user), Case.created_at >= since)
            .group_by(Case.case_type, month)).all():
        if i is not None and case_type in opened:
            opened[case_type][i] += n
    decisions = [0] * months
    month = _month_index(Decision.issued_at, starts)
    for i, n in db.session.execute(
            db.select(month, func.count()).join(Case, Case.id == Decision.case_id)
            .where(counted(user), Decision.issued_at >= since).group_by(month)).all():
        if i is not None:
            decisions[i] += n
    return Trend([f"{d:%Y-%m}" for d in starts], {k: v for k, v in opened.items() if any(v)}, decisions)


def computed(stats: list[Statistic], period: Period) -> list[tuple[Statistic, list[tuple[str, int]]]]:
    return [(s, list(s.compute(period))) for s in stats]


def lists_cases(user) -> bool:
    """Whether the dashboard may list cases to ``user`` (its panels name cases): those who
    may open cases (regulators, auditors), not an administrator."""
    return bool(user.roles & {"officer", "approver", "auditor"})


def counted(user):
    """The cases the figures count for ``user``, as SQL on ``Case``: the cases they may see
    (``policies.visible_condition``); for an administrator, who opens no case, their
    department's (``policies.department_condition``: aggregate figures only)."""
    return policies.visible_condition(user) if lists_cases(user) else policies.department_condition(user)


def sees_every_department(user) -> bool:
    """An auditor reads every department's cases; an officer or approver their department's
    (and the cases they are attached to: ``policies.visible_condition``)."""
    return "auditor" in user.roles


def summary(user) -> dict[str, Any]:
    today = local_today()
    return {"by_state": by_type_and_state(user), "clocks": clocks(user, today),
            "decisions_this_month": decisions_this_month(user, today),
            "timing": time_to_decision(user, today), "trend": trends(user, today),
            "figures": computed(statistics("dashboard"), Period(cases=counted(user))),
            "every_department": sees_every_department(user), "today": today}
