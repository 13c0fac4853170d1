"""Robot models and their frozen versions, registrations, rulesets, classifications,
sandbox referrals and public-notice objections (DOMAIN §4, §6.1).

A ``RobotModel`` is a firm's product line; every change to what the firm declares about it
is a ``ModelVersion``.  A version is editable only while it is an unsubmitted draft; once an
application is submitted on it, it is frozen (``frozen_at``) and never changes again: a later
edit makes a new version, and the registration keeps the version it was decided on.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.accounts.models import Organisation
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

INTELLIGENCE_LEVELS = {
    1: N_("L1 — programmed or teleoperated; no autonomous decisions"),
    2: N_("L2 — assisted autonomy; a human supervises continuously"),
    3: N_("L3 — conditional autonomy in known, structured environments; a human takes over on request"),
    4: N_("L4 — high autonomy in open environments inside a defined operating domain; remote supervision"),
    5: N_("L5 — general-purpose autonomy, open-ended tasks; learns or updates behaviour in the field"),
}

FORM_FACTORS = {
    "humanoid": N_("Humanoid"),
    "quadruped": N_("Quadruped (legged)"),
    "wheeled": N_("Wheeled mobile robot"),
    "mobile_manipulator": N_("Mobile manipulator"),
    "arm": N_("Robotic arm / collaborative robot"),
    "exoskeleton": N_("Exoskeleton or wearable"),
    "aerial": N_("Aerial"),
    "other": N_("Other"),
}

# Scenario -> class (DOMAIN §4, Arts. 36-39).
SCENARIO_CLASSES = {
    "S1": N_("S1 industrial (Art. 37)"),
    "S2": N_("S2 city and infrastructure (Art. 39)"),
    "S3": N_("S3 public-facing services (Art. 38)"),
    "S4": N_("S4 care and home (Art. 38)"),
    "S5": N_("S5 public safety (Art. 36)"),
}
SCENARIOS = {
    "manufacturing": ("S1", N_("Manufacturing")),
    "agriculture": ("S1", N_("Agriculture")),
    "construction": ("S1", N_("Construction")),
    "city_management": ("S2", N_("City management")),
    "transport_logistics": ("S2", N_("Transport and logistics")),
    "ecology": ("S2", N_("Ecology and environment")),
    "commerce": ("S3", N_("Commerce")),
    "culture_tourism": ("S3", N_("Culture and tourism")),
    "education_research": ("S3", N_("Education and research")),
    "medical_care": ("S4", N_("Medical care")),
    "elderly_care": ("S4", N_("Elderly and disability care")),
    "home_services": ("S4", N_("Home services")),
    "emergency_rescue": ("S5", N_("Emergency rescue")),
    "hazardous_work": ("S5", N_("Hazardous work")),
    "security_patrol": ("S5", N_("Security patrol")),
    "inspection": ("S5", N_("Inspection and checks")),
    "counter_terrorism": ("S5", N_("Counter-terrorism")),
    "survey": ("S5", N_("Survey")),
}

TIER_LABELS = {
    1: N_("Tier 1 — basic supervision"),
    2: N_("Tier 2 — general supervision"),
    3: N_("Tier 3 — key supervision"),
    4: N_("Tier 4 — prudent supervision"),
}


class RobotModel(db.Model):
    """A firm's robot product line (产品型号); what it declares lives in its versions."""

    __tablename__ = "robot_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    firm: Mapped[Organisation] = relationship()
    versions: Mapped[list["ModelVersion"]] = relationship(
        back_populates="model", order_by="ModelVersion.number")

    @property
    def current(self) -> "ModelVersion":
        return self.versions[-1]


class ModelVersion(db.Model):
    """One version of what the firm declares about a model; frozen once submitted."""

    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "number", name="uq_model_versions_model_number"),
        CheckConstraint("intelligence_level IS NULL OR intelligence_level BETWEEN 1 AND 5",
                        name="intelligence_level"),
        CheckConstraint("mass_kg IS NULL OR (mass_kg >= 0 AND mass_kg <= 100000)", name="mass"),
        CheckConstraint("max_speed_mps IS NULL OR (max_speed_mps >= 0 AND max_speed_mps <= 1000)",
                        name="speed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    number: Mapped[int]
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    form_factor: Mapped[str | None] = mapped_column(String(32))
    intelligence_level: Mapped[int | None]
    scenarios_json: Mapped[str] = mapped_column(Text, default="[]")
    mass_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    max_speed_mps: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    public_space: Mapped[bool] = mapped_column(default=False)
    vulnerable_contact: Mapped[bool] = mapped_column(default=False)
    personal_data: Mapped[bool] = mapped_column(default=False)
    ota_learning: Mapped[bool] = mapped_column(default=False)
    standards: Mapped[str | None] = mapped_column(Text)
    software_version: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    frozen_at: Mapped[dt.datetime | None]

    model: Mapped[RobotModel] = relationship(back_populates="versions")

    REQUIRED = ("manufacturer", "form_factor", "intelligence_level", "scenarios", "mass_kg",
                "max_speed_mps", "standards", "software_version")

    @property
    def scenarios(self) -> list[str]:
        return json.loads(self.scenarios_json or "[]")

    @scenarios.setter
    def scenarios(self, values: list[str]) -> None:
        self.scenarios_json = json.dumps(sorted(set(values)))

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def missing_fields(self) -> list[str]:
        missing = []
        for name in self.REQUIRED:
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                missing.append(name)
        return missing


@event.listens_for(ModelVersion, "before_update")
def _refuse_change_to_frozen(mapper, connection, target: ModelVersion) -> None:
    """A submitted version is evidence: the database never sees a change to it."""
    state = db.inspect(target)
    frozen_hist = state.attrs.frozen_at.history
    was_frozen = (frozen_hist.deleted and frozen_hist.deleted[0] is not None) or (
        not frozen_hist.has_changes() and target.frozen_at is not None)
    if was_frozen:
        raise ValueError("a frozen model version cannot be changed; make a new version")


class Ruleset(db.Model):
    """A version of the classification table (DOMAIN §4); never edited, only superseded."""

    __tablename__ = "rulesets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    rules_json: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Placeholder until the Art. 47 workflow exists: the assessment a new obligation rests on.
    assessment_ref: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def rules(self) -> dict:
        return json.loads(self.rules_json)


# The term of a registration in years (the grant states it).
TERM_YEARS = 3


def term_end(registered_on: dt.date | None, renewed_until: dt.date | None) -> dt.date | None:
    """The first day a registration is no longer in force (``Registration.expires_on``; the
    public register reads it from the same two columns)."""
    if renewed_until is not None:
        return renewed_until
    if registered_on is None:
        return None
    try:
        return registered_on.replace(year=registered_on.year + TERM_YEARS)
    except ValueError:  # registered on 29 February
        return registered_on.replace(year=registered_on.year + TERM_YEARS, day=28) + dt.timedelta(days=1)


class Registration(db.Model):
    """The registration side of a registration case: which model version, the classification
    in force and, once registered, the registration number (its certificate is the one a
    certification body recorded for the model, ``supervision.certificates``)."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("reg_year", "reg_serial", name="uq_registrations_year_serial"),
        CheckConstraint("(reg_year IS NULL) = (reg_serial IS NULL)", name="number_parts"),
        CheckConstraint("tier IS NULL OR tier BETWEEN 1 AND 4", name="tier"),
        Index("ix_registrations_tier_case", "tier", "case_id"),   # the queue's tier filter
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    registration_number: Mapped[str | None] = mapped_column(String(48), unique=True)
    reg_year: Mapped[int | None]
    reg_serial: Mapped[int | None]
    registered_on: Mapped[dt.date | None]
    # The tier in force: that of the newest classification (None before the first one).  Kept
    # by registry.services (classify, override_tier) in the same transaction as the
    # classification, so the public register filters and shows it without a subquery.
    tier: Mapped[int | None]
    # The end of the term as renewed (延续, ``supervision.changes``): the first day the renewed
    # registration is no longer in force; None while it was never renewed.
    renewed_until: Mapped[dt.date | None]

    case = relationship("Case")
    model: Mapped[RobotModel] = relationship()
    version: Mapped[ModelVersion] = relationship()

    @property
    def expires_on(self) -> dt.date | None:
        """The first day the registration is no longer in force: its term (the grant's "注册有效期
        三年，自本决定作出之日起计算") counted from the day it was registered, or the end of the
        term a renewal granted."""
        return term_end(self.registered_on, self.renewed_until)

    @property
    def classification(self) -> "Classification | None":
        """The classification in force: the newest one made for this registration."""
        return db.session.execute(db.select(Classification).filter_by(registration_id=self.id)
                                  .order_by(Classification.id.desc()).limit(1)).scalar()


class Classification(db.Model):
    """A tier computed from a version under a ruleset, with inputs, score and rationale."""

    __tablename__ = "classifications"
    __table_args__ = (
        CheckConstraint("computed_tier BETWEEN 1 AND 4", name="computed_tier"),
        CheckConstraint("tier BETWEEN 1 AND 4", name="tier"),
        CheckConstraint("tier = computed_tier OR override_reason IS NOT NULL", name="override_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    ruleset_id: Mapped[int] = mapped_column(ForeignKey("rulesets.id"))
    inputs_json: Mapped[str] = mapped_column(Text)
    score: Mapped[int]
    computed_tier: Mapped[int]
    tier: Mapped[int]
    rationale_zh: Mapped[str] = mapped_column(Text)
    rationale_en: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    ruleset: Mapped[Ruleset] = relationship()

    @property
    def inputs(self) -> dict:
        return json.loads(self.inputs_json)


class SandboxReferral(db.Model):
    """A tier-4 model referred to the regulatory sandbox by the officer."""

    __tablename__ = "sandbox_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("robot_models.id"))
    classification_id: Mapped[int] = mapped_column(ForeignKey("classifications.id"))
    note: Mapped[str] = mapped_column(Text)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Objection(db.Model):
    """An objection to a model in public notice, filed by anyone (or recorded by an officer
    from a letter).  The objector's name and contact are confidential: the regulator uses them
    to send the answer, the public register never shows them.  The reference number
    (``YY-2026-000001``) is given to the objector; the officer's reasoned answer is sent to
    them before the case may go forward."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("answer IS NULL OR (answered_at IS NOT NULL AND answered_by_id IS NOT NULL)",
                        name="answered_has_time_and_officer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    objector: Mapped[str | None] = mapped_column(String(120))
    contact: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    client_address: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def answered(self) -> bool:
        return self.answer is not None
