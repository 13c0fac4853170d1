"""The expert pool (Art. 8): expert records, declared conflicts of interest, recorded draws and
structured opinions.  Draws and opinions are never deleted or changed: a re-draw and a
correction are new rows linked to the ones they follow."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation, User
from supervision.extensions import db
from supervision.core.timeutil import utcnow

def canonical(ids) -> str:
    """Ids as canonical JSON (sorted, no spaces): what a draw stores and replays from."""
    return json.dumps(sorted(int(i) for i in ids), separators=(",", ":"))


class Expert(db.Model):
    """A user with the ``expert`` role and their place in the pool (fields, employer, title)."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))  # employer if registered
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship()
    conflicts: Mapped[list["ExpertConflict"]] = relationship(
        back_populates="expert", order_by="ExpertConflict.id")


class ExpertConflict(db.Model):
    """A declared conflict of interest with an organisation, valid from/to (inclusive)."""

    __tablename__ = "expert_conflicts"
    __table_args__ = (CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    expert: Mapped[Expert] = relationship(back_populates="conflicts")
    organisation: Mapped[Organisation] = relationship()

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ExpertDraw(db.Model):
    """A recorded draw: everything needed to re-run it (``replay``) and check the result."""

    __tablename__ = "expert_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filters: Mapped[dict] = mapped_column(JSON)
    eligible_ids: Mapped[str] = mapped_column(Text)   # canonical JSON of user ids
    seed: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(8))
    n: Mapped[int] = mapped_column(Integer)
    result_ids: Mapped[str] = mapped_column(Text)     # JSON of user ids, in drawn order
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("expert_draws.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def eligible(self) -> list[int]:
        return json.loads(self.eligible_ids)

    @property
    def result(self) -> list[int]:
        return json.loads(self.result_ids)


class ExpertOpinion(db.Model):
    """An expert's structured opinion on a case; unchangeable once stored (a correction is a new
    row pointing at the one it corrects)."""

    __tablename__ = "expert_opinions"
    __table_args__ = (CheckConstraint("no_conflict", name="declared_no_conflict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    expert_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recommendation: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text, default="")
    no_conflict: Mapped[bool] = mapped_column(Boolean)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("expert_opinions.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    expert_user: Mapped[User] = relationship()
