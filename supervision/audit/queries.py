"""Reading the audit log page by page: filters from the address, keyset paging on ``seq``, and
the names the page shows instead of ids (loaded once per page, whatever the page holds)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from supervision.accounts.models import Organisation, User
from supervision.audit.labels import action_label, known_actions
from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.core.timeutil import SHANGHAI
from supervision.extensions import db

PAGE = 100
# Sequence numbers are 64-bit at most; anything else in ``before`` is ignored (newest page).
_SEQ_RE = re.compile(r"[1-9][0-9]{0,17}")
_MAX_TEXT = 120


@dataclass(frozen=True)
class Filters:
    """The log's filters as the address carries them (empty: not filtered)."""

    case: str = ""
    user: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    before: int | None = None
    problems: tuple[str, ...] = field(default=())

    def args(self) -> dict[str, str]:
        """The filters as query parameters (for the paging links), without empty ones."""
        out = {"case": self.case, "user": self.user, "action": self.action,
               "from": self.since.isoformat() if self.since else "",
               "to": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in out.items() if v}

    @property
    def any(self) -> bool:
        return bool(self.args())


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def action_choices() -> list[tuple[str, str]]:
    """Every action the log knows a label for, by label (the filter's options)."""
    return sorted(((code, action_label(code)) for code in known_actions()), key=lambda c: c[1])


def filters_from(args: Mapping[str, str]) -> Filters:
    raw_before = (args.get("before") or "").strip()
    since, until = _date(args.get("from")), _date(args.get("to"))
    problems = []
    if (args.get("from") or "").strip() and since is None or (args.get("to") or "").strip() and until is None:
        problems.append("date")
    action = (args.get("action") or "").strip()
    if action and action not in dict(action_choices()):
        problems.append("action")
        action = ""
    return Filters(case=(args.get("case") or "").strip()[:_MAX_TEXT], user=(args.get("user") or "").strip()[:_MAX_TEXT],
                   action=action, since=since, until=until,
                   before=int(raw_before) if _SEQ_RE.fullmatch(raw_before) else None, problems=tuple(problems))


def _utc_start(day: dt.date) -> dt.datetime:
    """00:00 Beijing time of ``day`` as the naive UTC the log stores."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(f: Filters) -> list[Any]:
    where: list[Any] = []
    if f.case:
        where.append(AuditEvent.case_id.in_(db.select(Case.id).where(Case.number == f.case)))
    if f.user:
        pattern = _like(f.user.lower())
        users = db.select(User.id).where(db.or_(db.func.lower(User.name).like(pattern, escape="\\"),
                                                db.func.lower(User.email).like(pattern, escape="\\")))
        where.append(db.or_(AuditEvent.actor_id.in_(users),
                            db.func.lower(AuditEvent.actor_email).like(pattern, escape="\\")))
    if f.action:
        where.append(AuditEvent.action == f.action)
    if f.since:
        where.append(AuditEvent.created_at >= _utc_start(f.since))
    if f.until:
        where.append(AuditEvent.created_at < _utc_start(f.until + dt.timedelta(days=1)))
    return where


@dataclass
class Page:
    events: list[AuditEvent]
    older: int | None                 # ``before`` for the next (older) page
    users: dict[int, User]
    orgs: dict[int, Organisation]
    cases: dict[int, Case]


def page(f: Filters, *, size: int = PAGE) -> Page:
    """One page of events matching ``f``, newest first, before ``f.before``; one query for the
    events (one more row tells whether there are older ones) and one per kind of name shown."""
    q = db.select(AuditEvent).where(*_conditions(f))
    if f.before is not None:
        q = q.where(AuditEvent.seq < f.before)
    events = db.session.execute(q.order_by(AuditEvent.seq.desc()).limit(size + 1)).scalars().all()
    older = events[size - 1].seq if len(events) > size else None
    events = events[:size]
    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    user_ids |= {int(e.object_id) for e in events if e.object_type == "user" and (e.object_id or "").isdigit()}
    org_ids = {e.organisation_id for e in events if e.organisation_id is not None}
    case_ids = {e.case_id for e in events if e.case_id is not None}
    return Page(events, older, _by_id(User, user_ids), _by_id(Organisation, org_ids), _by_id(Case, case_ids))


def _by_id(model, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {o.id: o for o in db.session.execute(db.select(model).where(model.id.in_(ids))).scalars()}
