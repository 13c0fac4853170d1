"""Robot units and their ledger (Art. 46, DOMAIN §5).

- ``ManufacturerPrefix``: the six-character prefix an administrator assigned to a firm.
- ``ModelCode``: the four-character code the regulator assigned to a robot model (on
  registration, or on admission to a sandbox), with the model's serial counter.
- ``UnitBatch``: codes requested at once by a firm for one model (1–10,000).
- ``Unit`` (table ``units``): one physical robot, its code, lifecycle state, holder and any
  pending transfer.
- ``UnitSubmission``: one submission of events (form, CSV file, API request), audited once with
  the SHA-256 of the canonical JSON of the events it recorded.
- ``UnitEvent`` / ``UnitEventUnit``: the event ledger (GS1 EPCIS 2.0 object events) and which
  units each event moved; append-only (a PostgreSQL trigger refuses UPDATE and DELETE).
- ``UnitEventLocation``: where an event happened, apart from the ledger: personal tracking
  information once a unit is sold, kept for ``UNIT_LOCATION_RETENTION_DAYS`` only.  The ledger
  holds its salted digest, so the ledger still verifies after a location is purged.
- ``UnitRecall``: a voluntary recall reported by a manufacturer (reason, measures).
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.jobs.models import Job
from supervision.registry.models import RobotModel
from workflows.unit_lifecycle import UNIT_LIFECYCLE

_STATES = ", ".join(f"'{s}'" for s in UNIT_LIFECYCLE.states)
MODEL_CODE_SOURCES = ("registration", "sandbox")
CHANNELS = ("form", "csv", "api", "recall", "demo")
MAX_BATCH = 10_000


class ManufacturerPrefix(db.Model):
    __tablename__ = "manufacturer_prefixes"
    __table_args__ = (UniqueConstraint("firm_id", name="uq_manufacturer_prefixes_firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    prefix: Mapped[str] = mapped_column(String(6), unique=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    firm: Mapped[Organisation] = relationship()


class ModelCode(db.Model):
    __tablename__ = "model_codes"
    __table_args__ = (
        UniqueConstraint("model_id", name="uq_model_codes_model_id"),
        CheckConstraint(f"source IN ({', '.join(repr(s) for s in MODEL_CODE_SOURCES)})", name="source"),
        CheckConstraint("last_serial >= 0", name="last_serial"),
        # Applied-for units bound the codes of a model known only from a sandbox application.
        CheckConstraint("unit_limit IS NULL OR last_serial <= unit_limit", name="within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"))
    code: Mapped[str] = mapped_column(String(4), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    unit_limit: Mapped[int | None]
    # The last serial issued: batches take the next ones under this row's lock (gap-free).
    last_serial: Mapped[int] = mapped_column(default=0)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    model: Mapped[RobotModel] = relationship()


class UnitBatch(db.Model):
    __tablename__ = "unit_batches"
    __table_args__ = (
        CheckConstraint(f"size BETWEEN 1 AND {MAX_BATCH}", name="size"),
        CheckConstraint("last_serial - first_serial + 1 = size", name="serial_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    size: Mapped[int]
    first_serial: Mapped[int]
    last_serial: Mapped[int]
    labels_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    firm: Mapped[Organisation] = relationship()
    model: Mapped[RobotModel] = relationship()
    labels_job: Mapped[Job | None] = relationship()


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("model_id", "serial", name="uq_units_model_serial"),
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint("transfer_to_id IS NULL OR transfer_to_id <> holder_id", name="transfer_elsewhere"),
        Index("ix_units_holder_state", "holder_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    rule_version: Mapped[int] = mapped_column(default=1)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("unit_batches.id"), index=True)
    serial: Mapped[int]
    manufacturer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[str] = mapped_column(String(32), index=True)
    # The state a lost unit was lost from (where "found" takes it back).
    state_before_lost: Mapped[str | None] = mapped_column(String(32))
    transfer_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    recall_id: Mapped[int | None] = mapped_column(ForeignKey("unit_recalls.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    model: Mapped[RobotModel] = relationship()
    batch: Mapped[UnitBatch] = relationship()
    manufacturer: Mapped[Organisation] = relationship(foreign_keys=[manufacturer_id])
    holder: Mapped[Organisation] = relationship(foreign_keys=[holder_id])
    transfer_to: Mapped[Organisation | None] = relationship(foreign_keys=[transfer_to_id])
    recall = relationship("UnitRecall", foreign_keys=[recall_id])

    @property
    def transfer_pending(self) -> bool:
        return self.transfer_to_id is not None


class UnitRecall(db.Model):
    __tablename__ = "unit_recalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("unit_batches.id"))
    reason: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    units_recalled: Mapped[int] = mapped_column(default=0)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # A recall ordered by a decision (the case that issued the order); None: reported voluntarily.
    order_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    firm: Mapped[Organisation] = relationship()
    model: Mapped[RobotModel] = relationship()


class UnitSubmission(db.Model):
    __tablename__ = "unit_submissions"
    __table_args__ = (
        CheckConstraint(f"channel IN ({', '.join(repr(c) for c in CHANNELS)})", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    count: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UnitEvent(db.Model):
    """One EPCIS object event as recorded; ``canonical`` is its RFC 8785 JSON (the ledger)."""

    __tablename__ = "unit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)  # urn:uuid:…
    # deferrable: a file of several chunks writes its submission's row after its events
    submission_id: Mapped[int] = mapped_column(ForeignKey("unit_submissions.id", deferrable=True,
                                                          initially="IMMEDIATE"), index=True)
    position: Mapped[int]  # its index in the submission
    trigger: Mapped[str | None] = mapped_column(String(32))  # None: an error declaration
    biz_step: Mapped[str | None] = mapped_column(String(32))
    disposition: Mapped[str | None] = mapped_column(String(32))
    event_time: Mapped[dt.datetime]  # UTC
    time_zone_offset: Mapped[str] = mapped_column(String(6))
    record_time: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    declares_error_of_id: Mapped[int | None] = mapped_column(ForeignKey("unit_events.id"), index=True)
    canonical: Mapped[str] = mapped_column(Text)

    reporter: Mapped[Organisation] = relationship(foreign_keys=[reporter_id])
    counterparty: Mapped[Organisation | None] = relationship(foreign_keys=[counterparty_id])
    declares_error_of = relationship("UnitEvent", remote_side=[id])

    @property
    def document(self) -> dict:
        return json.loads(self.canonical)


class UnitEventUnit(db.Model):
    """What one event did to one unit it names."""

    __tablename__ = "unit_event_units"
    __table_args__ = (
        UniqueConstraint("event_id", "unit_id", name="uq_unit_event_units_event_unit"),
        Index("ix_unit_event_units_unit_event", "unit_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("unit_events.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))

    event: Mapped[UnitEvent] = relationship()
    unit: Mapped[Unit] = relationship()


class UnitEventLocation(db.Model):
    """Where an event happened (read point, business location, coordinates): purged after the
    retention period; every regulator's view of one is audited."""

    __tablename__ = "unit_event_locations"

    event_id: Mapped[int] = mapped_column(ForeignKey("unit_events.id"), primary_key=True)
    salt: Mapped[str] = mapped_column(String(32))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON of readPoint / bizLocation
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    @property
    def data(self) -> dict:
        return json.loads(self.document)
