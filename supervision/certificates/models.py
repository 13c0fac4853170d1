"""Certificates recorded by certification bodies against robot models, each change of their
state (with its reason and date), and the cases that relied on a certificate.

A certification body is an ``Organisation`` of kind ``certification_body``; its users hold the
``certifier`` role.  The lifecycle is the table in ``workflows/certificate.py``; the state set
and its ``CheckConstraint`` are built from that one table."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.registry.models import RobotModel
from workflows.certificate import CERTIFICATE

STATES = tuple(CERTIFICATE.states)


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Certificate(db.Model):
    """A certificate (认证证书) a certification body issued (or refused) for a robot model."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("body_id", "number", name="uq_certificates_body_number"),
        CheckConstraint(f"state IN ({_in(STATES)})", name="state"),
        CheckConstraint("valid_until >= valid_from", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    standards: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    state_since: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    body: Mapped[Organisation] = relationship(lazy="joined")
    model: Mapped[RobotModel] = relationship(lazy="joined")
    changes: Mapped[list["CertificateChange"]] = relationship(
        back_populates="certificate", order_by="CertificateChange.id")


class CertificateChange(db.Model):
    """One change of a certificate's state: what, from and to which state, why, from when, who."""

    __tablename__ = "certificate_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the expiry timer
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship(back_populates="changes")


class CertificateReliance(db.Model):
    """A case (a registration) relied on this certificate when its decision was proposed; the
    case is flagged while the certificate is withdrawn or expired."""

    __tablename__ = "certificate_reliances"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship(lazy="joined")
