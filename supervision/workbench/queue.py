"""Which cases the queue shows, in which order, one keyset page at a time, and the tabs' counts.

Every statement is bounded whatever the number of cases stored: the tabs and the view are
counted in one statement, each count stopping at ``COUNT_CAP`` (shown as "999+"); a page is read
as plain rows of the shown columns (firm and assignee joined; the case type's model and tier, and
the columns case types give as SQL, as correlated subqueries evaluated for the page only) from at
most one statement per range of the sort order, each an index range (``ix_cases_*`` of migration
0029), continuing after the last row shown ("keyset" paging: ``after`` carries its sort values,
never an offset).

The default order, by the nearest deadline, is four consecutive ranges: running clocks past
their due date (overdue), paused clocks past it (a paused clock is not overdue), due today or
later, no due date (newest first); the other sorts are one range each (and cases without a tier
after those with one).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
from dataclasses import dataclass, fields
from typing import Any, Iterator, Mapping

from sqlalchemy import and_, case as sql_case, false, func, literal_column, not_, null, or_, true, union_all
from sqlalchemy.orm import aliased

from supervision import policies
from supervision.accounts.models import Organisation, User
from supervision.cases import types
from supervision.cases.models import Case, CaseRole
from supervision.core import textsearch
from supervision.core.timeutil import SHANGHAI, local_today
from supervision.extensions import db

PAGE_SIZE = 50
COUNT_CAP = 1000          # a count stops here; the page shows "999+"
EXPORT_BATCH = 500        # rows read per statement when exporting a whole view
SCOPES = ("all", "mine", "approval", "department", "unassigned", "overdue")
SORTS = ("due", "age", "tier", "activity")
TIERS = (1, 2, 3, 4)
MAX_DAYS = 366
MAX_TERM = 100


@dataclass(frozen=True)
class Filters:
    """What the URL asks the queue for (every field a query parameter of the same name)."""

    scope: str = "all"
    case_type: str | None = None
    state: str | None = None
    tier: int | None = None
    firm: str | None = None          # part of a firm's name, or its credit code
    due: str | None = None           # "overdue", or a number of days: due within N days
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    q: str | None = None             # case number, firm, credit code, model, unit code
    sort: str = "due"

    def args(self) -> dict[str, str]:
        """The query parameters that reproduce these filters (defaults left out)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value != f.default:
                out[f.name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out

    @property
    def narrowed(self) -> bool:
        """Anything beyond the tab and the sort is set."""
        return bool(set(self.args()) - {"scope", "sort"})


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@functools.lru_cache(maxsize=8)
def _states(_installed: tuple[str, ...]) -> frozenset[str]:
    """Every state of the installed case types' workflows, collected once per set of types."""
    return frozenset(s for ct in types.installed().values() for s in ct.workflow.states)


def parse(args: Mapping[str, str], *, scopes: tuple[str, ...] = SCOPES) -> tuple[Filters, list[str]]:
    """The filters in ``args`` and the names of those that could not be read (left out)."""
    installed = types.installed()
    states = _states(tuple(installed))
    checks: dict[str, Any] = {
        "scope": lambda v: v if v in scopes else None,
        "case_type": lambda v: v if v in installed else None,
        "state": lambda v: v if v in states else None,
        "tier": lambda v: int(v) if v.isdigit() and int(v) in TIERS else None,
        "firm": lambda v: v.strip()[:MAX_TERM] or None,
        "due": lambda v: v if v == "overdue" or (v.isdigit() and 0 <= int(v) <= MAX_DAYS) else None,
        "opened_from": _date, "opened_to": _date, "active_from": _date, "active_to": _date,
        "q": lambda v: v.strip()[:MAX_TERM] or None,
        "sort": lambda v: v if v in SORTS else None,
    }
    values: dict[str, Any] = {}
    bad: list[str] = []
    for name, check in checks.items():
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = check(raw)
        except ValueError:
            value = None
        if value is None and name not in ("firm", "q"):
            bad.append(name)
        elif value is not None:
            values[name] = value
    return Filters(**values), bad


# -- conditions --------------------------------------------------------------------------------


def visible(user):
    """The cases ``user`` may list (``policies.visible_condition``).  For a regulator attached
    to no case outside their department it is that department alone: one index range."""
    if user.is_regulator and "auditor" not in user.roles:
        elsewhere = db.session.execute(
            db.select(CaseRole.id).join(Case, Case.id == CaseRole.case_id)
            .where(CaseRole.user_id == user.id, CaseRole.ended_at.is_(None),
                   Case.department_id != user.organisation_id).limit(1)).first()
        if elsewhere is None:
            return policies.department_condition(user)
    return policies.visible_condition(user)


def tabs_for(user) -> tuple[str, ...]:
    """The tabs a user's queue offers; a firm's list has none (it is not a regulator queue)."""
    if policies.is_firm_user(user):
        return ()
    tabs = ["all"]
    if "officer" in user.roles:
        tabs.append("mine")
    if "approver" in user.roles:
        tabs.append("approval")
    if user.is_regulator:
        tabs.append("department")
    return (*tabs, "unassigned", "overdue")


def open_condition():
    """The case is not in a final state of its workflow."""
    final = [and_(Case.case_type == ct.name, Case.state.in_([s.name for s in ct.workflow.states.values() if s.final]))
             for ct in types.installed().values() if any(s.final for s in ct.workflow.states.values())]
    return not_(or_(*final)) if final else true()


def _overdue(today: dt.date):
    return and_(Case.due_date < today, Case.clock_paused_at.is_(None))


def scope_condition(user, scope: str, today: dt.date):
    if scope == "mine":
        return Case.assignee_id == user.id
    if scope == "approval":
        # Four eyes: every proposal of the department except the approver's own.
        if "approver" not in user.roles:
            return false()
        return and_(Case.department_id == user.organisation_id, Case.proposed_by_id.is_not(None),
                    Case.proposed_by_id != user.id)
    if scope == "department":
        return Case.department_id == user.organisation_id
    if scope == "unassigned":
        return and_(Case.assignee_id.is_(None), open_condition())
    if scope == "overdue":
        return _overdue(today)
    return true()


def _firms_named(term: str):
    return db.select(Organisation.id).where(or_(
        textsearch.contains(Organisation.name_zh, term),
        textsearch.contains(Organisation.name_en, term),
        Organisation.credit_code == term.upper()))


def _local_start(day: dt.date) -> dt.datetime:
    """The stored (naive UTC) instant a day in Asia/Shanghai begins."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
    return start.astimezone(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Subject:
    """The case types' model and tier as expressions on ``Case`` (null where a type has none),
    and the case types' queue columns that are SQL, each evaluated on its own type's rows."""

    model: Any
    tier: Any
    columns: tuple = ()

    @classmethod
    def of_installed(cls) -> "Subject":
        parts: dict[str, list] = {"model": [], "tier": []}
        columns = []
        for ct in types.installed().values():
            qs = ct.queue_subject
            for name in parts:
                make = getattr(qs, name, None) if qs is not None else None
                if make is not None:
                    parts[name].append((Case.case_type == ct.name, make()))
            columns += [sql_case((Case.case_type == ct.name, col.sql()), else_=null()).label(col.key(ct.name))
                        for col in ct.queue_columns if col.sql is not None]
        model, tier = (sql_case(*whens, else_=null()) if whens else null() for whens in parts.values())
        return cls(model, tier, tuple(columns))


def filter_conditions(f: Filters, subject: Subject, today: dt.date) -> list:
    out: list = []
    if f.case_type:
        out.append(Case.case_type == f.case_type)
    if f.state:
        out.append(Case.state == f.state)
    if f.tier:
        out.append(tier_condition(f.tier))
    if f.firm:
        out.append(Case.firm_id.in_(_firms_named(f.firm)))
    if f.due == "overdue":
        out.append(_overdue(today))
    elif f.due is not None:
        out.append(and_(Case.due_date <= today + dt.timedelta(days=int(f.due)), Case.clock_paused_at.is_(None)))
    for column, start, end in ((Case.created_at, f.opened_from, f.opened_to),
                               (Case.updated_at, f.active_from, f.active_to)):
        if start:
            out.append(column >= _local_start(start))
        if end:
            out.append(column < _local_start(end + dt.timedelta(days=1)))
    if f.q:
        out.append(search_condition(f.q))
    return out


def tier_condition(n: int):
    """Cases whose tier is ``n``: each case type's ``tier_is`` (an index on the column the tier
    is stored in); a type without one compares its ``tier()`` on its own rows."""
    parts = []
    for ct in types.installed().values():
        qs = ct.queue_subject
        if qs is None or qs.tier is None:
            continue
        parts.append(qs.tier_is(n) if qs.tier_is is not None else and_(Case.case_type == ct.name, qs.tier() == n))
    return or_(*parts) if parts else false()


def _number_prefix(term: str):
    """Case numbers starting with the term (numbers are upper case: ``reg-2026`` finds
    ``REG-2026-…``), as a range of the unique index on ``number``.  Numbers hold only A–Z, 0–9
    and ``-``, so every match lies between the prefix and the prefix padded with ``Z`` to the
    column's length, in byte order and in a locale's order alike; ``startswith`` keeps it exact."""
    start = term.strip().upper()
    end = start + "Z" * max(Case.number.type.length - len(start), 0)
    return and_(Case.number >= start, Case.number <= end, Case.number.startswith(start, autoescape=True))


def search_condition(term: str):
    """The free-text search, without scanning the cases: a case number's beginning (an index
    range), the firms a name or credit code names and the case types' subjects (models, model
    and unit codes), each resolved in its own table (``core.textsearch`` for names) and joined
    to the cases by indexed ids.  The matching ids are one list the page is read from (not a
    test made on every case of the department in the sort's order)."""
    searches = [ct.queue_subject.search(term) for ct in types.installed().values()
                if ct.queue_subject is not None and ct.queue_subject.search is not None]
    found = [db.select(Case.id).where(cond).correlate(None)
             for cond in (_number_prefix(term), Case.firm_id.in_(_firms_named(term)), *searches)]
    return Case.id.in_(union_all(*found))


# -- order and keyset paging -------------------------------------------------------------------

Key = tuple[Any, bool, str]   # (expression, descending, kind of value: date, datetime or int)


def ranges(sort: str, today: dt.date, subject: Subject) -> list[tuple[Any, list[Key]]]:
    """The sort as consecutive ranges, each (condition, keys) with keys never null inside it."""
    newest = (Case.id, True, "int")
    if sort == "age":
        return [(true(), [(Case.created_at, False, "datetime"), (Case.id, False, "int")])]
    if sort == "activity":
        return [(true(), [(Case.updated_at, True, "datetime"), newest])]
    if sort == "tier":
        return [(subject.tier.is_not(None), [(subject.tier, True, "int"), newest]),
                (subject.tier.is_(None), [newest])]
    by_due = [(Case.due_date, False, "date"), newest]
    return [(_overdue(today), by_due),
            (and_(Case.due_date < today, Case.clock_paused_at.is_not(None)), by_due),
            (Case.due_date >= today, by_due),
            (Case.due_date.is_(None), [newest])]


def _beyond(keys: list[Key], values: list[Any]):
    """Rows after ``values`` in the order of ``keys``."""
    expr, desc, _kind = keys[0]
    past = expr < values[0] if desc else expr > values[0]
    if len(keys) == 1:
        return past
    return or_(past, and_(expr == values[0], _beyond(keys[1:], values[1:])))


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _decode(kind: str, value: Any) -> Any:
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def cursor(sort: str, n: int, values: list[Any]) -> str:
    raw = json.dumps([sort, n, *map(_encode, values)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(token: str | None, sort: str, order: list[tuple[Any, list[Key]]]) -> tuple[int, list[Any]] | None:
    """``(range, values)`` of an ``after`` token of this sort; None for none or a bad one."""
    if not token or len(token) > 400:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        tok_sort, n, *values = data
        keys = order[n][1]
        if tok_sort != sort or len(values) != len(keys) or n < 0:
            return None
        return n, [_decode(kind, v) for (_e, _d, kind), v in zip(keys, values, strict=True)]
    except (ValueError, TypeError, IndexError, binascii.Error, UnicodeDecodeError):
        return None


# -- reading -----------------------------------------------------------------------------------

Firm = aliased(Organisation, name="firm")
Assignee = aliased(User, name="assignee")


def _columns(subject: Subject) -> tuple:
    return (Case.id, Case.number, Case.case_type, Case.workflow_version, Case.state, Case.title,
            Case.version, Case.due_date, Case.due_estimated, Case.clock_paused_at, Case.created_at,
            Case.updated_at, Case.assignee_id, Case.firm_id, Case.department_id, Case.proposed_by_id,
            Firm.name_zh.label("firm_zh"), Firm.name_en.label("firm_en"), Firm.credit_code.label("credit_code"),
            Assignee.name.label("assignee_name"), subject.model.label("model"), subject.tier.label("tier"),
            *subject.columns)


@dataclass(frozen=True)
class Query:
    """The queue of one user under one set of filters (today fixed once)."""

    user: Any
    filters: Filters
    today: dt.date
    subject: Subject
    seen: Any
    conditions: tuple

    @classmethod
    def of(cls, user, filters: Filters) -> "Query":
        today = local_today()
        subject = Subject.of_installed()
        seen = visible(user)
        conds = (seen, scope_condition(user, filters.scope, today),
                 *filter_conditions(filters, subject, today))
        return cls(user, filters, today, subject, seen, conds)

    def counts(self, tabs: tuple[str, ...]) -> tuple[int, dict[str, int]]:
        """The view's size and each tab's (without the other filters), in one statement; each
        stops at ``COUNT_CAP``."""
        def bounded(*conds):
            inner = db.select(Case.id).where(*conds).limit(COUNT_CAP).subquery()
            return db.select(func.count()).select_from(inner).scalar_subquery()

        # Unfiltered, the view is its tab: counted once.
        same = not self.filters.narrowed and self.filters.scope in tabs
        subs = [] if same else [bounded(*self.conditions)]
        subs += [bounded(self.seen, scope_condition(self.user, tab, self.today)) for tab in tabs]
        row = db.session.execute(db.select(*subs)).one()
        counts = dict(zip(tabs, row[-len(tabs):] if tabs else (), strict=True))
        return (counts[self.filters.scope] if same else row[0]), counts

    def page(self, after: str | None = None, size: int | None = None) -> tuple[list[Any], str | None]:
        """Up to ``size`` rows (``PAGE_SIZE``) after the ``after`` token, and the next page's token."""
        size = size or PAGE_SIZE
        sort = self.filters.sort
        order = ranges(sort, self.today, self.subject)
        start = read_cursor(after, sort, order) or (0, None)
        base = (db.select(*_columns(self.subject))
                .outerjoin(Firm, Firm.id == Case.firm_id).outerjoin(Assignee, Assignee.id == Case.assignee_id)
                .where(*self.conditions))
        parts = []
        for n in range(start[0], len(order)):
            cond, keys = order[n]
            q = base.add_columns(literal_column(str(int(n))).label("rng")).where(cond)
            if n == start[0] and start[1] is not None:
                q = q.where(_beyond(keys, start[1]))
            parts.append(q.order_by(*((e.desc() if desc else e.asc()) for e, desc, _k in keys)).limit(size + 1))
        # One statement: each range is its own index range with its own limit; the rows (at
        # most size + 1 per range) are put in the ranges' order here.
        stmt = parts[0] if len(parts) == 1 else union_all(*(db.select(p.subquery()) for p in parts))
        by_range: dict[int, list[Any]] = {}
        for row in db.session.execute(stmt).all():
            by_range.setdefault(row.rng, []).append(row)
        found: list[tuple[int, Any]] = []
        for n in sorted(by_range):
            group = by_range[n]
            for expr, desc, _k in reversed(order[n][1]):
                group.sort(key=lambda r, e=expr: self._value(r, e), reverse=desc)
            found += [(n, row) for row in group]
        if len(found) <= size:
            return [row for _n, row in found], None
        n, last = found[size - 1]
        keys = order[n][1]
        values = [self._value(last, e) for e, _d, _k in keys]
        return [row for _n, row in found[:size]], cursor(sort, n, values)

    def all_rows(self, batch: int = EXPORT_BATCH) -> Iterator[Any]:
        """Every row of the view in order, ``batch`` rows per statement (bounded memory)."""
        after = None
        while True:
            rows, after = self.page(after, batch)
            yield from rows
            if after is None:
                return


    def _value(self, row: Any, expr: Any) -> Any:
        """A row's value of a sort key (the tier is the row's ``tier`` column)."""
        return row.tier if expr is self.subject.tier else getattr(row, expr.key)
