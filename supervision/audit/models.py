"""The audit event table.  Rows are never updated or deleted (a PostgreSQL trigger enforces it)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supervision.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    # The global sequence number: gap-free, assigned under a lock, part of the hashed bytes.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True, autoincrement=False)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_roles: Mapped[str | None] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    object_type: Mapped[str | None] = mapped_column(String(48))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    workflow: Mapped[str | None] = mapped_column(String(48))
    workflow_version: Mapped[int | None]
    trigger: Mapped[str | None] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(48))
    to_state: Mapped[str | None] = mapped_column(String(48))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)  # canonical JSON of extra facts
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    prev_case_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The exact UTF-8 text whose SHA-256 is ``hash`` (RFC 8785 canonical JSON).
    canonical: Mapped[str] = mapped_column(Text)
