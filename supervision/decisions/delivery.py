"""Service (送达) of notices and decisions: when the party received each document, and how.

A firm that gave its prior written consent (``ServiceConsent``, the signed consent stored as a
document on the firm's record) is served electronically on the platform: the document is
served when it arrives in the firm's inbox, which is the moment it is issued (the inbox rows
are written in the same transaction).  Without consent the document waits for the officer to
record postal service with the return receipt (回执) and its date, or, when other means fail,
service by public announcement (公告送达), deemed served ``ANNOUNCEMENT_SERVICE_DAYS`` after it.

Periods that run "from receipt" (a ``Clock`` with ``starts_from="served_at"``) start from the
recorded service date.  Each change writes one audit event; the caller's unit of work commits.
"""
from __future__ import annotations

import datetime as dt
import enum

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.audit.services import record
from supervision.core.timeutil import SHANGHAI, utcnow
from supervision.extensions import db
from workflows.base import N_

SERVED_AT = "served_at"  # the event a clock names in ``starts_from``
SERVICE_DEADLINE = "service"  # a case's deadline to serve its latest decision, closed by its service


class ServiceMethod(str, enum.Enum):
    ELECTRONIC = "electronic"      # on the platform, with the firm's prior written consent
    POSTAL = "postal"              # by post, with the return receipt
    ANNOUNCEMENT = "announcement"  # 公告送达, when other means fail


METHOD_LABELS = {
    "electronic": N_("Electronic service on the platform"),
    "postal": N_("Postal service (return receipt)"),
    "announcement": N_("Service by public announcement"),
}


class ServiceConsent(db.Model):
    """A firm's prior written consent to electronic service, with the signed consent."""

    __tablename__ = "service_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    given_on: Mapped[dt.date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]


class ServiceRecord(db.Model):
    """How and when one decision or notice was served on its addressee (one row per decision)."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("method IS NULL OR method IN ('electronic', 'postal', 'announcement')", name="method"),
        CheckConstraint("served_at IS NULL OR method IS NOT NULL", name="served_has_method"),
        CheckConstraint("method <> 'postal' OR receipt_document_id IS NOT NULL", name="postal_has_receipt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    method: Mapped[str | None] = mapped_column(String(16))
    served_at: Mapped[dt.datetime | None]
    receipt_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decision = relationship("Decision")

    @property
    def served(self) -> bool:
        return self.served_at is not None


class ServiceError(Exception):
    """A service record refused (message N_-marked)."""


def consent_of(firm_id: int | None) -> ServiceConsent | None:
    if firm_id is None:
        return None
    return db.session.execute(
        db.select(ServiceConsent).where(ServiceConsent.firm_id == firm_id, ServiceConsent.withdrawn_at.is_(None))
        .order_by(ServiceConsent.id.desc()).limit(1)).scalar()


def record_consent(firm, *, document, given_on: dt.date, actor) -> ServiceConsent:
    """Store the firm's prior written consent to electronic service (its signed document)."""
    consent = ServiceConsent(firm_id=firm.id, document_id=document.id, given_on=given_on,
                             recorded_by_id=getattr(actor, "id", None))
    db.session.add(consent)
    db.session.flush()
    record("service.consent", actor=actor, object_type="organisation", object_id=firm.id,
           details={"document_id": document.id, "given_on": given_on.isoformat()})
    return consent


def withdraw_consent(firm, *, actor) -> ServiceConsent:
    """The firm withdraws its consent: later documents wait for postal service or announcement."""
    consent = consent_of(firm.id)
    if consent is None:
        raise ServiceError(N_("There is no consent to electronic service to withdraw."))
    consent.withdrawn_at = utcnow()
    db.session.flush()
    record("service.consent_withdrawn", actor=actor, object_type="organisation", object_id=firm.id,
           details={"consent_id": consent.id})
    return consent


def on_issue(decision, *, actor) -> ServiceRecord | None:
    """A decision addressed to a firm was just issued: served now when the firm consented to
    electronic service (it is in the firm's inbox), otherwise waiting for the officer's record."""
    case = decision.case
    if case.firm_id is None:
        return None
    row = ServiceRecord(decision_id=decision.id)
    db.session.add(row)
    if consent_of(case.firm_id) is not None:
        _served(row, ServiceMethod.ELECTRONIC.value, decision.issued_at, actor=actor)
    else:
        db.session.flush()
    return row


def record_postal(row: ServiceRecord, *, receipt, received_on: dt.date, actor) -> ServiceRecord:
    """The return receipt came back: served on the day the firm signed for it."""
    _check_open(row, received_on)
    row.receipt_document_id = receipt.id
    return _served(row, ServiceMethod.POSTAL.value, _start_of(received_on), actor=actor)


def record_announcement(row: ServiceRecord, *, published_on: dt.date, note: str, actor) -> ServiceRecord:
    """Service by public announcement: deemed served the configured number of days after it."""
    _check_open(row, published_on)
    if not (note or "").strip():
        raise ServiceError(N_("Say where the announcement was published and why other means failed."))
    days = int(current_app.config.get("ANNOUNCEMENT_SERVICE_DAYS", 30))
    row.note = note.strip()
    return _served(row, ServiceMethod.ANNOUNCEMENT.value,
                   _start_of(published_on + dt.timedelta(days=days)), actor=actor)


def _check_open(row: ServiceRecord, day: dt.date) -> None:
    if row.served:
        raise ServiceError(N_("This document's service is already on record."))
    issued = row.decision.issued_at.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date()
    if day < issued:
        raise ServiceError(N_("A document cannot be served before it was issued."))


def _start_of(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Shanghai, as a naive UTC timestamp (as stored)."""
    local = dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _served(row: ServiceRecord, method: str, at: dt.datetime, *, actor) -> ServiceRecord:
    from supervision.cases import clocks, types

    row.method, row.served_at, row.updated_at = method, at, utcnow()
    row.recorded_by_id = getattr(actor, "id", None)
    db.session.flush()
    decision = row.decision
    case = decision.case
    record("service.record", actor=actor, case=case, object_type="decision", object_id=decision.id,
           details={"number": decision.number, "method": method, "served_at": at.isoformat(),
                    "receipt_document_id": row.receipt_document_id})
    # A period that runs from receipt starts now that the receipt is on record.
    state = types.workflow(case.case_type).states.get(case.state)
    if state is not None and state.clock is not None and state.clock.starts_from == SERVED_AT \
            and _latest_decision_id(case) == decision.id:
        clocks.start(case, state.clock.name, at=at, actor=actor)
    # A decision owed service by a deadline (a penalty decision: 行政处罚法 Art. 61) has met it.
    if _latest_decision_id(case) == decision.id:
        clocks.close(case, SERVICE_DEADLINE, actor=actor, at=at)
    return row


def _latest_decision_id(case) -> int | None:
    from supervision.decisions.models import Decision

    return db.session.execute(db.select(Decision.id).where(Decision.case_id == case.id)
                              .order_by(Decision.id.desc()).limit(1)).scalar()


def services_of(case) -> list[ServiceRecord]:
    from supervision.decisions.models import Decision

    return list(db.session.execute(
        db.select(ServiceRecord).join(Decision, Decision.id == ServiceRecord.decision_id)
        .where(Decision.case_id == case.id).order_by(Decision.id)).scalars())


def served_at(decision_id: int) -> dt.datetime | None:
    return db.session.execute(db.select(ServiceRecord.served_at)
                              .where(ServiceRecord.decision_id == decision_id)).scalar()
