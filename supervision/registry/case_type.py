"""The registration case type: everything the case engine needs to serve it, in one object."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from supervision.cases.models import Case
from supervision.cases.types import CaseType, RegisterSection
from supervision.core.i18n import pick
from supervision.core.navigation import NavItem
from supervision.extensions import db
from supervision.registry import announcements, demo, facts, figures, penalty
from supervision.registry.decision_kinds import KINDS
from supervision.registry.expert_review import EXPERT_REVIEW
from supervision.registry.notifications import RULES
from supervision.registry.public_views import bp as register_bp, section_listing
from supervision.registry.views import bp as registry_bp, case_panel
from supervision.registry.queue import QUEUE_SUBJECT
from workflows.base import N_
from workflows.registration import REGISTRATION as WORKFLOW

ACTION_LABELS = {
    "registry.model_create": N_("Robot model created"),
    "registry.version_create": N_("New model version"),
    "registry.version_update": N_("Draft application changed"),
    "registry.classify": N_("Model classified"),
    "registry.reclassify": N_("Model reclassified under the ruleset in force"),
    "registry.tier_override": N_("Tier overridden"),
    "registry.sandbox_referral": N_("Referred to the sandbox"),
    "registry.certificate_declare": N_("Certificate declared"),  # before certification bodies recorded them
    "registry.ruleset_create": N_("Ruleset version created"),
    "registry.objection_answer": N_("Objection answered"),
}


def _two_places(value: Any) -> str:
    """A declared quantity as the database stores it (two decimals), whether or not the object
    was read back since it was set: the snapshot's hash must not depend on that."""
    return "None" if value is None else f"{Decimal(value):.2f}"


def snapshot(case: Case) -> dict[str, Any]:
    """What a registration decision rests on: the frozen model version, its classification and
    the model's certificate (the decisions domain hashes this into every decision)."""
    from supervision.registry.models import Classification
    from supervision.registry.services import registration_of

    reg = registration_of(case)
    if reg is None:
        return {"title": case.title, "firm_id": case.firm_id}
    v = reg.version
    cls = db.session.execute(
        db.select(Classification).where(Classification.registration_id == reg.id)
        .order_by(Classification.id.desc()).limit(1)).scalar()
    return {
        "model": {"id": reg.model_id, "version": v.number, "manufacturer": v.manufacturer,
                  "form_factor": v.form_factor, "intelligence_level": v.intelligence_level,
                  "scenarios": v.scenarios_json, "mass_kg": _two_places(v.mass_kg), "max_speed_mps": _two_places(v.max_speed_mps),
                  "public_space": v.public_space, "vulnerable_contact": v.vulnerable_contact,
                  "personal_data": v.personal_data, "ota_learning": v.ota_learning,
                  "standards": v.standards, "software_version": v.software_version},
        "classification": None if cls is None else {
            "tier": cls.tier, "score": cls.score, "ruleset_id": cls.ruleset_id,
            "override_reason": cls.override_reason},
        "certificate": _certificate_snapshot(reg.model_id),
    }


def _certificate_snapshot(model_id: int) -> dict[str, Any] | None:
    """The model's certificate as a decision rests on it (None: none recorded)."""
    from supervision.certificates.services import status_of_model

    found = status_of_model(model_id)
    cert = found.certificate
    if cert is None:
        return None
    return {"id": cert.id, "number": cert.number, "body_id": cert.body_id, "state": cert.state,
            "valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat(),
            "status": found.status}


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    """The registration's facts in a dossier's summary: model, number, tier and its rationale."""
    from supervision.registry.services import registration_of

    reg = registration_of(case)
    if reg is None:
        return []
    rows = [(N_("Robot model"), f"{reg.model.name} v{reg.version.number}")]
    if reg.registration_number:
        rows.append((N_("Registration number"), reg.registration_number))
    c = reg.classification
    if c is not None:
        rows.append((N_("Tier"), f"{c.tier} (computed {c.computed_tier}, score {c.score}, ruleset {c.ruleset_id})"))
        rows.append((N_("Rationale"), pick(c.rationale_zh, c.rationale_en)))
        if c.override_reason:
            rows.append((N_("Override reason"), c.override_reason))
    return rows


_COLUMNS = (("registration_number", N_("Registration number")), ("model", N_("Robot model")),
            ("tier", N_("Tier")), ("status", N_("Status")), ("registered_on", N_("Registered on")))


def _shown(key: str, value: Any) -> str:
    """State codes and tiers as their labels on the register's pages (JSON keeps the codes)."""
    from supervision.core.i18n import label
    from supervision.registry.models import TIER_LABELS

    if key == "status":
        return label(WORKFLOW.state_label(value))
    if key == "tier":
        return label(TIER_LABELS.get(value, str(value)))
    return str(value)


REGISTER_SECTIONS = tuple(
    RegisterSection(name, label, section_listing(name), columns=_COLUMNS,
                    link_args=("q", "tier"), display=_shown)
    for name, label in (("registered", N_("Registered robot models")),
                        ("public_notice", N_("Models in public notice")),
                        ("suspended_or_ended", N_("Suspended, revoked and ended registrations"))))

REGISTRATION = CaseType(
    workflow=WORKFLOW,
    number_prefix="REG",
    facts=facts.registration_facts,
    effects=facts.EFFECTS,
    meets=penalty.MEETS,
    decision_kinds=KINDS,
    snapshot=snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("registry/_case_panel.html",),
    register_sections=REGISTER_SECTIONS,
    announcements=(announcements.latest,),
    navigation=(
        NavItem("registry.models", N_("Robot models"), frozenset({"applicant"})),
        NavItem("registry.rulesets", N_("Rulesets"), frozenset({"admin", "officer", "approver"})),
    ),
    public_links=(NavItem("register.index", N_("Public register of robot models")),),
    notification_rules=RULES,
    queue_subject=QUEUE_SUBJECT,
    statistics=figures.STATISTICS,
    portal_tabs=(figures.PORTAL_TAB,),
    labels=ACTION_LABELS,
    demo=demo.load,
    blueprints=(registry_bp, register_bp),
    template_globals={"registry_panel": case_panel, "registration_state_label": WORKFLOW.state_label},
    expert_review=EXPERT_REVIEW,
)
