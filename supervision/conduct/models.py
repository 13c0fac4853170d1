"""What a prohibited-conduct case records beside its case row: the conduct (its Art. 43
category and description), the findings, the remediation ordered and the referral."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.cases.models import Case
from supervision.extensions import db
from workflows.conduct import AUTHORITIES, CATEGORIES

CATEGORY_LABELS = dict(CATEGORIES)
AUTHORITY_LABELS = dict(AUTHORITIES)


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ConductCase(db.Model):
    __tablename__ = "conduct_cases"
    __table_args__ = (
        CheckConstraint(f"category IN ({_in(CATEGORY_LABELS)})", name="category"),
        CheckConstraint(f"authority IS NULL OR authority IN ({_in(AUTHORITY_LABELS)})", name="authority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)          # the conduct as the regulator saw it
    source: Mapped[str] = mapped_column(Text, default="")   # how it came to light (complaint, inspection …)
    findings: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[dt.date | None]
    authority: Mapped[str | None] = mapped_column(String(32))
    recall_model_id: Mapped[int | None] = mapped_column(ForeignKey("robot_models.id"))  # a recall order's model

    case: Mapped[Case] = relationship()
