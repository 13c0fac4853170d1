"""An incident's own records beside its case: the report (what, when, where, who was hurt,
what personal data, the reports owed elsewhere, the severity) and the reports the firm filed
against the clocks (initial, follow-up, final)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.cases.models import Case
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

# Who opened the incident: label (N_-marked); the CheckConstraint is built from the same keys.
SOURCES = {"firm": N_("Reported by the firm"), "regulator": N_("Opened by a regulator"),
           "breach": N_("Opened by a fence breach")}
# Categories of personal information exposed (个人信息保护法 Art. 28 lists the sensitive ones).
DATA_CATEGORIES = {
    "identity": N_("Identity (name, ID number)"),
    "contact": N_("Contact details"),
    "location": N_("Location and tracks"),
    "biometric": N_("Biometric (face, voice)"),
    "images": N_("Images and video of people"),
    "health": N_("Health"),
    "minors": N_("Data of minors under 14"),
    "account": N_("Accounts and payment"),
}
REPORT_KINDS = {"initial_report": N_("Initial report"), "follow_up_report": N_("Follow-up report"),
                "final_report": N_("Final report")}


def _in(keys) -> str:
    return ", ".join(repr(k) for k in keys)


class Incident(db.Model):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity"),
        CheckConstraint("provisional_severity BETWEEN 1 AND 4", name="provisional_severity"),
        CheckConstraint(f"source IN ({_in(SOURCES)})", name="source"),
        CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="lon_lat"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90)", name="lon_lat_range"),
        CheckConstraint("people_affected IS NULL OR people_affected >= 0", name="people_affected"),
        CheckConstraint("aware_at >= occurred_at", name="aware_after_occurred"),
        # Only a closed incident of severity 1-2 can be published, with its summary.
        CheckConstraint("published = false OR (severity <= 2 AND public_summary <> '')", name="published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime]                    # UTC
    aware_at: Mapped[dt.datetime]                       # UTC: the clocks run from here
    place: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    unit_codes: Mapped[list] = mapped_column(JSON, default=list)
    model_ids: Mapped[list] = mapped_column(JSON, default=list)
    injuries: Mapped[str] = mapped_column(Text, default="")
    damage: Mapped[str] = mapped_column(Text, default="")
    data_categories: Mapped[list] = mapped_column(JSON, default=list)   # Art. 45 / PIPL Art. 57
    people_affected: Mapped[int | None] = mapped_column(Integer)
    immediate_measures: Mapped[str] = mapped_column(Text, default="")
    provisional_severity: Mapped[int]
    severity: Mapped[int]
    # Reports owed elsewhere by law (the platform records them; it does not replace them).
    safety_accident: Mapped[bool] = mapped_column(Boolean, default=False)   # 生产安全事故
    emergency_reported_at: Mapped[dt.datetime | None]
    authority_reported_at: Mapped[dt.datetime | None]                      # cyberspace authority
    people_notified_at: Mapped[dt.datetime | None]                         # the people affected
    sandbox_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # The geofence breach episode that opened it: one incident per episode.
    breach_episode_id: Mapped[int | None] = mapped_column(ForeignKey("sandbox_breach_episodes.id"),
                                                          unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    public_summary: Mapped[str] = mapped_column(Text, default="")
    public_measures: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])

    @property
    def personal_data(self) -> bool:
        return bool(self.data_categories)


class IncidentReport(db.Model):
    """A report the firm filed on the incident (the first report counts as the initial one)."""

    __tablename__ = "incident_reports"
    __table_args__ = (CheckConstraint(f"kind IN ({_in(REPORT_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    due_at: Mapped[dt.datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
