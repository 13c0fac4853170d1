"""Cases, their deadlines and clock pauses, the people attached to them in a role and the links
between them."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation, User
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import CLOCK_UNITS, N_


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # The case list of a department in its default order (due date, then newest) is a range
        # of this index; it also serves every lookup by department alone.
        Index("ix_cases_department_due", "department_id", "due_date", "id"),
        # The queue's tabs and sorts (supervision.workbench), each one index range: "mine" and
        # the officers' workload; "unassigned"; "awaiting approval"; last activity; age.
        Index("ix_cases_assignee_due", "assignee_id", "due_date", "id"),
        Index("ix_cases_department_assignee_due", "department_id", "assignee_id", "due_date", "id"),
        Index("ix_cases_department_proposed", "department_id", "proposed_by_id"),
        Index("ix_cases_department_updated", "department_id", "updated_at", "id"),
        Index("ix_cases_department_created", "department_id", "created_at", "id"),
        # An officer's open cases (the workload beside the bulk assignment), counted from the index.
        Index("ix_cases_assignee_type_state", "assignee_id", "case_type", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    case_type: Mapped[str] = mapped_column(String(32), index=True)  # the workflow's name
    workflow_version: Mapped[int]
    state: Mapped[str] = mapped_column(String(48), index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposal: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The nearest open deadline (``Deadline`` below, kept in step by ``cases.clocks``): the case
    # list orders and filters by these, on the index above.  ``clock_paused_at``: it is paused.
    clock_name: Mapped[str | None] = mapped_column(String(32))
    clock_started_on: Mapped[dt.date | None]
    due_date: Mapped[dt.date | None] = mapped_column(index=True)
    due_estimated: Mapped[bool] = mapped_column(default=False)
    clock_paused_at: Mapped[dt.datetime | None]

    firm: Mapped[Organisation | None] = relationship(foreign_keys=[firm_id])
    department: Mapped[Organisation] = relationship(foreign_keys=[department_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    pauses: Mapped[list["ClockPause"]] = relationship(
        back_populates="case", order_by="ClockPause.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.case_type} {self.state}>"


class ClockPause(db.Model):
    """One period in which a clock stood still (补正期间不计入 and similar)."""

    __tablename__ = "clock_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The deadline that stood still (None only for pauses older than the deadlines table).
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("case_deadlines.id"), index=True)
    clock_name: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(48))
    started_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    working_days: Mapped[int | None]   # what the pause took from a working-day clock

    case: Mapped[Case] = relationship(back_populates="pauses")
    deadline: Mapped["Deadline | None"] = relationship(back_populates="pauses")


class CaseRole(db.Model):
    """A person attached to a case in a role (assignee, drawn expert, presiding officer …) and
    what put them there.  A row is never deleted: ending the role sets ``ended_at``.  The
    active assignee is mirrored in ``Case.assignee_id`` by the same service, for the queues."""

    __tablename__ = "case_roles"
    __table_args__ = (
        Index("ix_case_roles_user_active", "user_id", "ended_at", "case_id"),
        Index("uq_case_roles_active", "case_id", "user_id", "role", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))      # claim, assign, draw, appointment …
    source_ref: Mapped[str | None] = mapped_column(String(64))  # e.g. the draw that chose an expert
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CaseLink(db.Model):
    """A typed relation between two cases (a graduation opened a registration; an incident
    suspends a registration).  Shown on both case pages; ``relation`` names it from ``case``'s
    side and ``LINK_RELATIONS`` gives the reading from the other side."""

    __tablename__ = "case_links"
    __table_args__ = (
        CheckConstraint("case_id <> other_case_id", name="not_self"),
        Index("uq_case_links", "case_id", "other_case_id", "relation", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other: Mapped[Case] = relationship(foreign_keys=[other_case_id])


# relation -> (label from the linking case, label from the linked case); N_-marked.  A case type
# adds its own (``CaseType.link_relations``; ``cases.services.link_relations`` reads both).
LINK_RELATIONS: dict[str, tuple[str, str]] = {
    "opened": (N_("Opened"), N_("Opened by")),
    "suspends": (N_("Suspends"), N_("Suspended by")),
    "pauses": (N_("Pauses"), N_("Paused by")),
    "follows_up": (N_("Follows up"), N_("Followed up by")),
    "related": (N_("Related to"), N_("Related to")),
}


class DeadlineKind(str, enum.Enum):
    STATUTORY = "statutory"                      # a period the law sets (受理, 决定, 公示, 陈述申辩)
    REPORT = "report"                            # a periodic report the firm owes
    INFORMATION_REQUEST = "information_request"  # a reply to a request for information
    REMEDIATION = "remediation"                  # the remediation an order requires of the firm
    OTHER = "other"


# What the kinds are called on the pages (N_-marked), read wherever a kind is shown.
DEADLINE_KIND_LABELS: dict[str, str] = {
    DeadlineKind.STATUTORY.value: N_("Statutory period"),
    DeadlineKind.REPORT.value: N_("Report"),
    DeadlineKind.INFORMATION_REQUEST.value: N_("Reply to a request for information"),
    DeadlineKind.REMEDIATION.value: N_("Remediation"),
    DeadlineKind.OTHER.value: N_("Other"),
}


def deadline_tag(kind: str) -> str:
    """The tag a deadline's notification events carry (``deadline.overdue``, ``deadline.due_soon``):
    its kind, apart from the transitions' tags (a report *submitted* is tagged ``report``)."""
    return f"deadline:{kind}"


class DeadlineStatus(str, enum.Enum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"              # closed because what it waited for happened (the case moved on)
    EXPIRED = "expired"      # ran out and its expiry trigger was fired
    CANCELLED = "cancelled"  # no longer owed (replaced, withdrawn, the case ended)


OPEN_STATUSES = (DeadlineStatus.RUNNING.value, DeadlineStatus.PAUSED.value)


def _in(values) -> str:
    return ", ".join(f"'{getattr(v, 'value', v)}'" for v in values)


_OPEN = _in(OPEN_STATUSES)


class Deadline(db.Model):
    """One period a case runs against: a statutory clock or a due item (DOMAIN §9).

    A case carries any number; ``cases.clocks`` starts, pauses and closes them and keeps the
    case's ``due_date`` on the nearest open one.  ``due_at`` is the instant the period has run
    out (for day units the end of ``due_date`` in Asia/Shanghai); ``length`` and ``unit`` are
    the rule in force when it started.  At most one open deadline of a name per case.
    """

    __tablename__ = "case_deadlines"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(DeadlineKind)})", name="kind"),
        CheckConstraint(f"status IN ({_in(DeadlineStatus)})", name="status"),
        CheckConstraint(f"unit IN ({_in(CLOCK_UNITS)})", name="unit"),
        CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)", name="paused_when_paused"),
        CheckConstraint(f"(status IN ({_OPEN})) = (closed_at IS NULL)", name="closed_when_closed"),
        # The timer's scan: running deadlines by the instant they run out.
        Index("ix_case_deadlines_status_due", "status", "due_at"),
        Index("uq_case_deadlines_open_name", "case_id", "name", unique=True,
              sqlite_where=text(f"status IN ({_OPEN})"), postgresql_where=text(f"status IN ({_OPEN})")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    label: Mapped[str] = mapped_column(String(200), default="")   # an N_-marked msgid
    unit: Mapped[str] = mapped_column(String(16))
    length: Mapped[int | None]         # None when a service set the due time itself
    started_at: Mapped[dt.datetime]    # UTC
    due_at: Mapped[dt.datetime]        # UTC; for day units the end of due_date in Shanghai
    due_date: Mapped[dt.date]          # the due day in Asia/Shanghai
    estimated: Mapped[bool] = mapped_column(default=False)
    paused_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=DeadlineStatus.RUNNING.value)
    on_expiry: Mapped[str | None] = mapped_column(String(48))   # the trigger the timer fires
    flagged_overdue_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]     # the reminder before the due date went out
    closed_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()
    pauses: Mapped[list[ClockPause]] = relationship(back_populates="deadline", order_by="ClockPause.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def late(self) -> bool:
        """Met, but only after its period had run out (a decision after its time limit)."""
        return self.status == DeadlineStatus.MET.value and self.closed_at is not None and \
            self.closed_at > self.due_at

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.name} {self.status} {self.due_at}>"
