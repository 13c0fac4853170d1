"""A sandbox test's own records beside its case: the test plan (``SandboxTest``), its allowed
areas, the admission conditions and their history, change requests, periodic reports, and the
fence telemetry — positions (a ledger of their own, sealed per interval), seals and breach
episodes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.cases.models import Case
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

BREACH_KINDS = {
    "outside_area": N_("Outside the allowed areas"),
    "prohibited_zone": N_("In a prohibited zone"),
    "unit_not_in_test": N_("Unit not in the test"),
    "outside_period": N_("Outside the test period (paused or suspended)"),
}


class SandboxTest(db.Model):
    """The application's test plan (what the firm asks for); frozen facts live in conditions."""

    __tablename__ = "sandbox_tests"
    __table_args__ = (
        CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end >= period_start", name="period"),
        Index("ix_sandbox_tests_model_id", "model_id"),   # the queue's tier filter (tier of the model)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("robot_models.id"))
    model_name: Mapped[str] = mapped_column(String(200), default="")
    intelligence_level: Mapped[int | None]              # L1 … L5 as 1 … 5 (DOMAIN §4)
    scenarios: Mapped[str] = mapped_column(Text, default="")
    sites: Mapped[str] = mapped_column(Text, default="")
    units_requested: Mapped[int | None]
    unit_codes: Mapped[list] = mapped_column(JSON, default=list)
    period_start: Mapped[dt.date | None]
    period_end: Mapped[dt.date | None]
    supervision_ratio: Mapped[str] = mapped_column(String(120), default="")
    emergency_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    remote_takeover: Mapped[bool] = mapped_column(Boolean, default=False)
    insurance_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    data_protection_plan: Mapped[str] = mapped_column(Text, default="")
    ethics_assessment: Mapped[str] = mapped_column(Text, default="")
    reporting_cadence_days: Mapped[int | None]
    referral_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    areas: Mapped[list["SandboxArea"]] = relationship(order_by="SandboxArea.id")


class SandboxArea(db.Model):
    """One allowed area of a test (a normalised MultiPolygon); ``removed_at`` once dropped."""

    __tablename__ = "sandbox_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("sandbox_tests.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]


class ConditionSet(db.Model):
    """The conditions in force from ``version`` on: set at admission, replaced by a granted
    extension or change (the history is every row, oldest first)."""

    __tablename__ = "sandbox_conditions"
    __table_args__ = (Index("uq_sandbox_conditions_version", "test_id", "version", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("sandbox_tests.id"), index=True)
    version: Mapped[int]
    source: Mapped[str] = mapped_column(String(24))       # admission, extension, conditions
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    unit_codes: Mapped[list] = mapped_column(JSON)
    area_ids: Mapped[list] = mapped_column(JSON)
    safeguards: Mapped[str] = mapped_column(Text)
    reporting_cadence_days: Mapped[int]
    incident_report_hours: Mapped[int]
    pause_condition: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChangeRequest(db.Model):
    __tablename__ = "sandbox_change_requests"
    __table_args__ = (CheckConstraint("status IN ('pending', 'granted', 'refused')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("sandbox_tests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    new_end: Mapped[dt.date | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]


class SandboxReport(db.Model):
    """A periodic (or the final) report the firm submitted."""

    __tablename__ = "sandbox_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("sandbox_tests.id"), index=True)
    due_date: Mapped[dt.date | None]
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Position(db.Model):
    """One reported position of a unit (personal tracking information: never public)."""

    __tablename__ = "sandbox_positions"
    __table_args__ = (Index("ix_sandbox_positions_case_time", "case_id", "time"),
                      Index("ix_sandbox_positions_seal_id", "seal_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    unit: Mapped[str] = mapped_column(String(40))
    time: Mapped[dt.datetime]                     # UTC, as reported
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    received_at: Mapped[dt.datetime]
    breach: Mapped[str | None] = mapped_column(String(24))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("sandbox_breach_episodes.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("prohibited_zones.id"))
    seal_id: Mapped[int | None] = mapped_column(ForeignKey("sandbox_position_seals.id"))


class PositionSeal(db.Model):
    """The hash of the positions received in one interval, carried by one audit event."""

    __tablename__ = "sandbox_position_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    count: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BreachEpisode(db.Model):
    """Consecutive breaches of one unit: opened, updated, closed when the unit is back inside."""

    __tablename__ = "sandbox_breach_episodes"
    __table_args__ = (
        Index("ix_sandbox_breach_episodes_open", "case_id", "unit", "closed_at"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in BREACH_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    unit: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    opened_at: Mapped[dt.datetime]
    last_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    count: Mapped[int] = mapped_column(default=1)
    first_lon: Mapped[float] = mapped_column(Float)
    first_lat: Mapped[float] = mapped_column(Float)
