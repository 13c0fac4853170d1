"""What the registry's pages show: the firm's applications with what it owes, the case panel,
and the public register (read-only queries in a fixed number of statements)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.core.i18n import label
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.forms import CertificateForm, OverrideForm, ReclassifyForm, ReferralForm
from supervision.registry.models import (FORM_FACTORS, SCENARIOS, TIER_LABELS, Classification, ModelVersion,
                                         Registration, RobotModel)

PUBLIC_REGISTERED = ("registered", "suspension_noticed", "suspension_proposed", "revocation_noticed",
                     "hearing", "revocation_proposed", "rescission_proposed")
PUBLIC_ENDED = ("suspended", "revoked", "rescinded", "deregistered")


def owed(case: Case, reg: Registration) -> str | None:
    """What the firm has to do now on this application (None: nothing)."""
    state = case.state
    if state == "draft":
        return _("Complete the application and submit it.")
    if state == "supplement_requested":
        return _("Supplement everything listed in the notice (edit the model if needed), then submit the supplement.")
    if state == "clarification_requested":
        return _("Answer the clarification request.")
    if state in services.CERTIFICATE_STATES and (reg.tier or 0) >= 2 and reg.certificate_missing():
        return _("Declare your certificate: number, issuing body and evidence document.")
    if state == "suspension_noticed":
        return _("You may state your defence against the intended suspension.")
    if state == "revocation_noticed":
        return _("You may state your defence against the intended revocation or request a hearing.")
    return None


@dataclass
class FirmRow:
    model: RobotModel
    version: ModelVersion
    reg: Registration | None
    case: Case | None
    owes: str | None


def firm_rows(firm_id: int) -> list[FirmRow]:
    models = db.session.execute(db.select(RobotModel).where(RobotModel.firm_id == firm_id)
                                .order_by(RobotModel.id)).scalars().all()
    regs = db.session.execute(
        db.select(Registration, Case).join(Case, Case.id == Registration.case_id)
        .where(Case.firm_id == firm_id).order_by(Registration.id)).all()
    latest: dict[int, tuple[Registration, Case]] = {}
    for reg, case in regs:
        latest[reg.model_id] = (reg, case)
    out = []
    for m in models:
        reg, case = latest.get(m.id, (None, None))
        out.append(FirmRow(m, m.current, reg, case, owed(case, reg) if reg else None))
    return out


def panel(case: Case, user: Any) -> dict[str, Any]:
    reg = services.registration_of(case)
    if reg is None:
        return {"reg": None}
    roles = policies.case_roles(user, case)
    c = reg.classification
    return {
        "reg": reg, "version": reg.version, "classification": c, "roles": roles,
        "tier_label": label(TIER_LABELS[c.tier]) if c else None,
        "computed_label": label(TIER_LABELS[c.computed_tier]) if c else None,
        "rationale": (c.rationale_en if _lang() == "en" else c.rationale_zh) if c else None,
        "objections": services.objections_of(case),
        "referral": services.referral_of(reg),
        "owes": owed(case, reg) if "applicant" in roles else None,
        "scenarios": [(SCENARIOS[s][0], label(SCENARIOS[s][1])) for s in reg.version.scenarios if s in SCENARIOS],
        "form_factor": label(FORM_FACTORS.get(reg.version.form_factor or "", "")),
        "editable": case.state in services.EDITABLE_STATES,
        "certificate_open": case.state in services.CERTIFICATE_STATES,
        "review_open": case.state in services.REVIEW_STATES,
        "certificate_form": CertificateForm(formdata=None, obj=reg),
        "override_form": OverrideForm(formdata=None), "referral_form": ReferralForm(formdata=None),
        "reclassify_form": ReclassifyForm(formdata=None),
    }


def _lang() -> str:
    from supervision.core.i18n import lang

    return lang()


@dataclass
class RegisterEntry:
    case_id: int
    state: str
    number: str | None
    model: str
    firm_zh: str
    firm_en: str
    credit_code: str | None
    tier: int | None
    form_factor: str | None
    level: int | None
    scenario_classes: list[str]
    registered_on: Any
    notice_until: Any


def register_entries(states: tuple[str, ...]) -> list[RegisterEntry]:
    """Public facts only: number, model, firm, tier, form factor, level, scenario classes."""
    latest = (db.select(Classification.registration_id, func.max(Classification.id).label("cid"))
              .group_by(Classification.registration_id).subquery())
    rows = db.session.execute(
        db.select(Registration, Case, RobotModel, ModelVersion, Organisation, Classification.tier)
        .join(Case, Case.id == Registration.case_id)
        .join(RobotModel, RobotModel.id == Registration.model_id)
        .join(ModelVersion, ModelVersion.id == Registration.version_id)
        .join(Organisation, Organisation.id == Case.firm_id)
        .outerjoin(latest, latest.c.registration_id == Registration.id)
        .outerjoin(Classification, Classification.id == latest.c.cid)
        .where(Case.case_type == "registration", Case.state.in_(states))
        .order_by(Registration.reg_year, Registration.reg_serial, Case.id)).all()
    return [RegisterEntry(case.id, case.state, reg.registration_number, model.name, firm.name_zh,
                          firm.name_en, firm.credit_code, tier, version.form_factor,
                          version.intelligence_level,
                          sorted({SCENARIOS[s][0] for s in version.scenarios if s in SCENARIOS}),
                          reg.registered_on, case.due_date if case.state == "public_notice" else None)
            for reg, case, model, version, firm, tier in rows]
