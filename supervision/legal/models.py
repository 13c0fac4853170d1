"""Administrators' legal configuration: instruments and provisions they record or adopt, and the
provision list they set for a decision kind.  A row with a catalogue key replaces the catalogue's
entry (``catalogue.py``); the catalogue answers for every key without a row."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db


class LegalInstrument(db.Model):
    """A law, regulation or measure as recorded by an administrator."""

    __tablename__ = "legal_instruments"
    __table_args__ = (
        CheckConstraint("status IN ('adopted', 'draft_example')", name="status"),
        CheckConstraint("status != 'adopted' OR (adopted_on IS NOT NULL AND document_number != '')",
                        name="adopted_has_number_and_date"),
    )

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300))
    issuing_body_zh: Mapped[str] = mapped_column(String(200))
    issuing_body_en: Mapped[str] = mapped_column(String(300))
    document_number: Mapped[str] = mapped_column(String(120), default="")
    adopted_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(16))
    national: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LegalProvision(db.Model):
    """One article, paragraph or item of an instrument, with a short statement of what it says."""

    __tablename__ = "legal_provisions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    instrument_key: Mapped[str] = mapped_column(String(40), index=True)
    article: Mapped[int]
    paragraph: Mapped[int | None]
    item: Mapped[int | None]
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class KindBasis(db.Model):
    """The provisions an administrator set as a decision kind's basis (under one legal nature;
    ``nature`` is empty for kinds that do not depend on one)."""

    __tablename__ = "decision_kind_bases"
    __table_args__ = (UniqueConstraint("kind", "nature", name="uq_decision_kind_bases_kind_nature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    nature: Mapped[str] = mapped_column(String(16), default="")
    provisions: Mapped[str] = mapped_column(Text)   # keys, one per line, in citing order
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
