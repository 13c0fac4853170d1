"""The records of an Art. 47 assessment: the measure (its scope and the ruleset changes it
covers), every revision of its text, the structured assessments of each revision, the public
consultation with its comments and the answer per theme, and the rulesets bound to it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import User
from supervision.cases.models import Case
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

# The structured assessments (one home for the kinds, their labels and the CheckConstraint).
KINDS: dict[str, str] = {
    "necessity": N_("Necessity assessment"),
    "safety": N_("Safety assessment"),
    "effectiveness": N_("Effectiveness assessment"),
    "fair_competition": N_("Fair-competition review (公平竞争审查条例 2024)"),
}
# What a comment is about: the commenter's choice and the conclusion's answer per theme.
THEMES: dict[str, str] = {
    "necessity": N_("Whether the measure is necessary"),
    "safety": N_("Safety of users and the public"),
    "effectiveness": N_("Whether it will work"),
    "cost": N_("Cost to firms"),
    "competition": N_("Fair competition"),
    "other": N_("Other"),
}
COMMENT_STATUSES = ("pending", "published", "rejected")
# Why a comment is not published (the category is public; the moderator's note is not).
REJECTION_CATEGORIES: dict[str, str] = {
    "off_topic": N_("Not about the measure"),
    "abusive": N_("Abusive or unlawful content"),
    "personal_data": N_("Contains personal data of others"),
    "duplicate": N_("Duplicate"),
    "advertising": N_("Advertising"),
}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Measure(db.Model):
    """The measure a case assesses: what it affects, the problem, the ruleset changes it covers
    (codes like ``obligation:3:geofence`` or ``boundary:3``) and the conclusion once decided."""

    __tablename__ = "assessment_measures"
    __table_args__ = (
        CheckConstraint("conclusion IS NULL OR conclusion IN ('passed', 'not_passed')", name="conclusion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    scenario_classes: Mapped[list] = mapped_column(JSON, default=list)
    tiers: Mapped[list] = mapped_column(JSON, default=list)
    form_factors: Mapped[list] = mapped_column(JSON, default=list)
    ruleset_changes: Mapped[list] = mapped_column(JSON, default=list)
    public_summary: Mapped[str] = mapped_column(Text, default="")
    proposed_conclusion: Mapped[str | None] = mapped_column(String(16))
    conclusion: Mapped[str | None] = mapped_column(String(16))
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    review_date: Mapped[dt.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()


class MeasureRevision(db.Model):
    """One version of the measure's text; never changed (``revise`` adds the next)."""

    __tablename__ = "assessment_revisions"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_assessment_revisions_case_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Finding(db.Model):
    """One structured assessment of one revision (its author, its fields, its attachments)."""

    __tablename__ = "assessment_findings"
    __table_args__ = (
        UniqueConstraint("revision_id", "kind", name="uq_assessment_findings_revision_kind"),
        CheckConstraint(f"kind IN ({_in(KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("assessment_revisions.id"))
    kind: Mapped[str] = mapped_column(String(24))
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    attachment_ids: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
    revision: Mapped[MeasureRevision] = relationship()


class Consultation(db.Model):
    """A public consultation on one revision: the plain summary published beside the draft, the
    period, and how the comments were taken into account (overall; per theme in ``answers``)."""

    __tablename__ = "assessment_consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("assessment_revisions.id"))
    summary: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)   # theme -> how it was answered

    revision: Mapped[MeasureRevision] = relationship()


class Comment(db.Model):
    """A public comment: name and contact are confidential (never on a public page or in JSON);
    it is published only once moderated."""

    __tablename__ = "assessment_comments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(COMMENT_STATUSES)})", name="status"),
        CheckConstraint(f"theme IN ({_in(THEMES)})", name="theme"),
        CheckConstraint("(status = 'rejected') = (reject_category IS NOT NULL)", name="rejected_with_category"),
        CheckConstraint("(status = 'pending') = (moderated_at IS NULL)", name="moderated_when_moderated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("assessment_consultations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reject_category: Mapped[str | None] = mapped_column(String(24))
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[dt.datetime | None]
    client_address: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    consultation: Mapped[Consultation] = relationship()


class RulesetBinding(db.Model):
    """A stricter change of a ruleset version and what it rests on: the passed assessment that
    covers it and the adopted instrument that enacts it (recorded at activation)."""

    __tablename__ = "ruleset_bindings"
    __table_args__ = (UniqueConstraint("ruleset_id", "change", name="uq_ruleset_bindings_ruleset_change"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset_id: Mapped[int] = mapped_column(ForeignKey("rulesets.id"), index=True)
    change: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
