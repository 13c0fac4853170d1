"""Turning cases and their audit events into what pages show (timeline, actions, days left)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask_babel import gettext as _

from supervision.accounts.models import ROLE_LABELS as _ACCOUNT_ROLE_LABELS
from supervision.audit.models import AuditEvent
from supervision.cases import clocks
from supervision.cases.models import Case, DeadlineStatus
from supervision.cases.services import context_for, workflow_of
from supervision.core.i18n import label
from supervision.audit.labels import action_label
from supervision.extensions import db
from supervision.workdays.calendar import WorkCalendar
from workflows.base import N_

# Who may fire a transition and what they must supply, as the help page names them.
ROLE_LABELS: dict[str, str] = {**_ACCOUNT_ROLE_LABELS, "public": N_("Anyone (public)"),
                               "system": N_("The system (a deadline)"), "assignee": N_("Handled by"),
                               "presiding_officer": N_("Presiding officer"),
                               "enforcement_officer": N_("Enforcement officer"),
                               "legal_reviewer": N_("Legal reviewer")}


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
             limit: int = TIMELINE_PAGE, hide_experts: bool = False) -> Timeline:
    """The case's events, newest ``limit`` first fetched (a busy case has thousands of reads),
    shown oldest first; only the columns shown are loaded.  ``hide_experts``: leave out the
    expert pool's events and the experts' case roles (a firm is not told who was drawn)."""
    wf = workflow_of(case)
    cols = (AuditEvent.seq, AuditEvent.created_at, AuditEvent.action, AuditEvent.actor_email, AuditEvent.actor_id,
            AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.reason,
            AuditEvent.details)
    where = [AuditEvent.case_id == case.id]
    if not include_reads:
        where.append(AuditEvent.action.not_in(["document.download", "access.denied"]))
    if hide_experts:
        where.append(AuditEvent.action.not_like("expert.%"))
    total = db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(*where)).scalar_one()
    if before is not None:
        where.append(AuditEvent.seq < before)
    rows = db.session.execute(
        db.select(*cols).where(*where).order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit][::-1]
    names = _names({ev.actor_id for ev in rows if ev.actor_id is not None})
    said = _Said()
    out = []
    for ev in rows:
        if ev.action == "case.transition":
            found = wf.rows(ev.from_state or "", ev.trigger) if ev.trigger else []
            what = said(label, found[0].label) if found else ev.trigger or ""
        else:
            what = said(action_label, ev.action)
        comment = None
        details = json.loads(ev.details) if ev.details else {}
        if hide_experts and ev.action.startswith("case.role_") and details.get("role") == "expert":
            continue
        comment = details.get("comment") if ev.action != "deadline.close" else _closing(details, ev.created_at)
        out.append(TimelineEntry(
            ev.seq, ev.created_at, (_("System") if ev.actor_email == "system"
                                    else names.get(ev.actor_id) or ev.actor_email or _("Public")), what,
            said(label, wf.state_label(ev.from_state)) if ev.from_state else None,
            said(label, wf.state_label(ev.to_state)) if ev.to_state else None,
            ev.reason or comment))
    return Timeline(out, out[0].seq if more and out else None, total)


class _Said(dict):
    """The labels of one page of the timeline, each translated once however many events show it."""

    def __call__(self, translate, msgid: str) -> str:
        key = (translate, msgid)
        if key not in self:
            self[key] = translate(msgid)
        return self[key]


def _closing(details: dict, at: dt.datetime) -> str:
    """How a deadline closed, in words: met (on time or after its period had run out: a decision
    after its time limit is visibly late), cancelled (no longer owed) or expired."""
    what = label(details["label"]) if details.get("label") else details.get("name", "")
    status, due = details.get("status"), details.get("due_date", "")
    if status == DeadlineStatus.MET.value:
        if details.get("due_at") and at > dt.datetime.fromisoformat(details["due_at"]):
            return _("%(what)s: met late, after the period ended on %(due)s", what=what, due=due)
        return _("%(what)s: met within the period (due %(due)s)", what=what, due=due)
    if status == DeadlineStatus.CANCELLED.value:
        return _("%(what)s: cancelled, no longer owed", what=what)
    return _("%(what)s: expired on %(due)s", what=what, due=due)


def _names(user_ids: set[int]) -> dict[int, str]:
    """The names of the people on one page of the timeline (one query)."""
    from supervision.accounts.models import User

    if not user_ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(user_ids))).all())


def actions(case: Case, user):
    """Buttons for ``user``: (transition, reasons it is refused now)."""
    wf = workflow_of(case)
    ctx = context_for(case, user)
    params = ctx.facts.get("refusal_params")
    if not params:
        return wf.available(case.state, ctx)
    # A reason naming a value (a date) is shown with it: translated here, once.
    return [(tr, [label(r, **params) if "%(" in r else r for r in reasons])
            for tr, reasons in wf.available(case.state, ctx)]


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


@dataclass(frozen=True)
class Todo:
    """What the firm is asked now: the regulator's question and the actions that answer it."""

    question: str | None   # the text of the request that put the case where it is
    asked_by: str          # the action's label (translated)
    asked_at: object
    answers: list          # the (transition, refusals) pairs tagged as answers


ANSWER = "answer"  # the transition tag of a firm's answer to a request


def firm_todo(case: Case, actions) -> Todo | None:
    """The firm's to-do box: the answers it may give now, quoting the request they answer
    (the firing that brought the case into its current state)."""
    answers = [(tr, refusals) for tr, refusals in actions if ANSWER in tr.tags]
    if not answers:
        return None
    ev = db.session.execute(
        db.select(AuditEvent.trigger, AuditEvent.from_state, AuditEvent.reason, AuditEvent.created_at)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "case.transition",
               AuditEvent.to_state == case.state)
        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if ev is None:
        return Todo(None, "", None, answers)
    rows = workflow_of(case).rows(ev.from_state or "", ev.trigger) if ev.trigger else []
    return Todo(ev.reason, label(rows[0].label) if rows else "", ev.created_at, answers)
