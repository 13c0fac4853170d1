"""Cases, their clock pauses, the people attached to them in a role and the links between them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation, User
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # The case list of a department in its default order (due date, then newest) is a range
        # of this index; it also serves every lookup by department alone.
        Index("ix_cases_department_due", "department_id", "due_date", "id"),
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
    # The statutory clock now attached to the case (DOMAIN §9).
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
    clock_name: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(48))
    started_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    working_days: Mapped[int | None]

    case: Mapped[Case] = relationship(back_populates="pauses")


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


# relation -> (label from the linking case, label from the linked case); N_-marked.
LINK_RELATIONS: dict[str, tuple[str, str]] = {
    "opened": (N_("Opened"), N_("Opened by")),
    "suspends": (N_("Suspends"), N_("Suspended by")),
    "pauses": (N_("Pauses"), N_("Paused by")),
    "follows_up": (N_("Follows up"), N_("Followed up by")),
    "related": (N_("Related to"), N_("Related to")),
}
