"""A compensation claim beside its case: which rescission it follows, what the firm claims and
for what loss, and the amount proposed and awarded.  Amounts are yuan with two decimals."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db


class CompensationClaim(db.Model):
    __tablename__ = "compensation_claims"
    __table_args__ = (
        CheckConstraint("amount_claimed > 0", name="claimed_positive"),
        CheckConstraint("amount_awarded IS NULL OR amount_awarded <= amount_claimed", name="awarded_within_claim"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    registration_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rescission_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    amount_claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    loss: Mapped[str] = mapped_column(Text)
    amount_proposed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount_awarded: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case = relationship("Case", foreign_keys=[case_id])
    registration_case = relationship("Case", foreign_keys=[registration_case_id])
    rescission = relationship("Decision")
