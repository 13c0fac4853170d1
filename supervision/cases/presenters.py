"""Turning cases and their audit events into what pages show (timeline, actions, days left)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _

from supervision.accounts.models import ROLE_LABELS as _ACCOUNT_ROLE_LABELS
from supervision.audit.models import AuditEvent
from supervision.cases import clocks
from supervision.cases.models import Case
from supervision.cases.services import context_for, workflow_of
from supervision.core.i18n import label
from supervision.audit.labels import action_label
from supervision.extensions import db
from supervision.workdays.calendar import WorkCalendar
from workflows.base import N_

# Who may fire a transition and what they must supply, as the help page names them.
ROLE_LABELS: dict[str, str] = {**_ACCOUNT_ROLE_LABELS, "public": N_("Anyone (public)"),
                               "system": N_("The system (a deadline)"), "assignee": N_("Handled by"),
                               "presiding_officer": N_("Presiding officer")}


@dataclass
class TimelineEntry:
    seq: int
    at: object
    who: str
    what: str
    from_state: str | None
    to_state: str | None
    text: str | None


TIMELINE_PAGE = 100


@dataclass
class Timeline:
    """One page of a case's timeline: the newest events up to ``before``, oldest first."""

    entries: list[TimelineEntry]
    earlier_before: int | None  # pass as ``before`` to see the page of events preceding these
    total: int


def timeline(case: Case, *, include_reads: bool, before: int | None = None,
             limit: int = TIMELINE_PAGE) -> Timeline:
    """The case's events, newest ``limit`` first fetched (a busy case has thousands of reads),
    shown oldest first; only the columns shown are loaded."""
    wf = workflow_of(case)
    cols = (AuditEvent.seq, AuditEvent.created_at, AuditEvent.action, AuditEvent.actor_email,
            AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.reason,
            AuditEvent.details)
    where = [AuditEvent.case_id == case.id]
    if not include_reads:
        where.append(AuditEvent.action.not_in(["document.download", "access.denied"]))
    total = db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(*where)).scalar_one()
    if before is not None:
        where.append(AuditEvent.seq < before)
    rows = db.session.execute(
        db.select(*cols).where(*where).order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit][::-1]
    out = []
    for ev in rows:
        if ev.action == "case.transition":
            found = wf.rows(ev.from_state or "", ev.trigger) if ev.trigger else []
            what = label(found[0].label) if found else ev.trigger or ""
        else:
            what = action_label(ev.action)
        comment = None
        if ev.details:
            comment = json.loads(ev.details).get("comment")
        out.append(TimelineEntry(
            ev.seq, ev.created_at, (_("System") if ev.actor_email == "system" else ev.actor_email or _("Public")), what,
            label(wf.state_label(ev.from_state)) if ev.from_state else None,
            label(wf.state_label(ev.to_state)) if ev.to_state else None,
            ev.reason or comment))
    return Timeline(out, out[0].seq if more and out else None, total)


def actions(case: Case, user):
    """Buttons for ``user``: (transition, reasons it is refused now)."""
    wf = workflow_of(case)
    return wf.available(case.state, context_for(case, user))


def days_left_text(case: Case, cal: WorkCalendar) -> str:
    left = clocks.days_left(case, cal)
    if left is None:
        return ""
    if case.clock_paused_at is not None:
        text = _("paused, %(n)s working days left", n=left)
    elif left < 0:
        text = _("%(n)s working days overdue", n=-left)
    else:
        text = _("%(n)s working days left", n=left)
    if case.due_estimated:
        text += " " + _("(estimated calendar)")
    return text
