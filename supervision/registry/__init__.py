"""Registration with graded classification (DOMAIN §4, §6.1): robot models and their
versions, the tiering engine, the registration procedure's facts and effects, the firm's
pages, the officer's case panel and the public register."""
from __future__ import annotations

from flask import Flask

from workflows.base import N_


REGISTRY_ACTION_LABELS = {
    "registry.model_create": N_("Robot model created"),
    "registry.version_create": N_("New model version"),
    "registry.version_update": N_("Draft application changed"),
    "registry.classify": N_("Model classified"),
    "registry.reclassify": N_("Model reclassified under the ruleset in force"),
    "registry.tier_override": N_("Tier overridden"),
    "registry.sandbox_referral": N_("Referred to the sandbox"),
    "registry.certificate_declare": N_("Certificate declared"),
    "registry.ruleset_create": N_("Ruleset version created"),
}


def init_app(app: Flask) -> None:
    """Plug the registry into the case engine, the case page, the navigation and the demo."""
    from supervision.core.navigation import NavItem, add_case_panel, add_nav, add_public_link
    from supervision.registry import demo, facts
    from supervision.registry.views import case_panel
    from workflows.registration import REGISTRATION

    facts.install()
    demo.install()
    add_case_panel(app, "registration", "registry/_case_panel.html")
    add_nav(app, NavItem("registry.models", N_("Robot models"), frozenset({"applicant"})))
    add_nav(app, NavItem("registry.rulesets", N_("Rulesets"), frozenset({"admin", "officer", "approver"})))
    add_public_link(app, NavItem("register.index", N_("Public register of robot models")))
    from supervision.audit.labels import register_action_labels

    register_action_labels(REGISTRY_ACTION_LABELS)   # the audit log and the case timeline
    app.jinja_env.globals.update(registry_panel=case_panel, wf_state_label=REGISTRATION.state_label)


def snapshot(case) -> dict:
    """What a registration decision rests on: the frozen model version, its classification and
    the declared certificate (the decisions domain hashes this into every decision)."""
    from supervision.extensions import db
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
                  "scenarios": v.scenarios_json, "mass_kg": str(v.mass_kg), "max_speed_mps": str(v.max_speed_mps),
                  "public_space": v.public_space, "vulnerable_contact": v.vulnerable_contact,
                  "personal_data": v.personal_data, "ota_learning": v.ota_learning,
                  "standards": v.standards, "software_version": v.software_version},
        "classification": None if cls is None else {
            "tier": cls.tier, "score": cls.score, "ruleset_id": cls.ruleset_id,
            "override_reason": cls.override_reason},
        "certificate": {"number": reg.certificate_number, "body": reg.certificate_body,
                        "document_id": reg.certificate_document_id},
    }
