"""The sandbox case type (issue 12): everything the case engine needs to serve it, in one object."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint

from supervision.cases.models import Case
from supervision.cases.types import CaseType
from supervision.core.navigation import NavItem
from supervision.sandbox import demo, figures, presenters, services
from supervision.sandbox.cli import install as sandbox_cli_install, sandbox_cli
from supervision.sandbox.decision_kinds import KINDS
from supervision.sandbox.expert_review import EXPERT_REVIEW
from supervision.sandbox.models import BREACH_KINDS
from supervision.sandbox.notifications import RULES
from supervision.sandbox.public import REGISTER_SECTIONS, unit_status
from supervision.sandbox.api import bp as api_bp
from supervision.sandbox.views import bp
from supervision.sandbox.queue import QUEUE_SUBJECT
from supervision.units.public import add_status_provider
from workflows.base import N_
from workflows.sandbox import SANDBOX as WORKFLOW

# Leaflet and its draw plugin, installed from npm by `make vendor` (never committed), served as
# static files under /static/vendor/.
VENDOR = Path(__file__).resolve().parents[2] / "vendor" / "node_modules"
vendor_bp = Blueprint("vendor", __name__, static_folder=str(VENDOR), static_url_path="/static/vendor")

# A registration case referred to the sandbox shows the firm the way in (a shared case panel).
vendor_bp.record_once(lambda state: state.app.extensions.setdefault("case_panels", []).append(
    "sandbox/_referral_panel.html"))
vendor_bp.record_once(sandbox_cli_install)
# A unit admitted to a test shows it on its public page (``/units/<code>``, the API's twin).
vendor_bp.record_once(lambda state: add_status_provider("sandbox", unit_status))
# The regulators' dashboard lists the tests in progress, each with a link to its map.
vendor_bp.record_once(lambda state: state.app.extensions.setdefault("dashboard_panels", []).append(
    "sandbox/_dashboard_panel.html"))

ACTION_LABELS = {
    "sandbox.application_save": N_("Sandbox application saved"),
    "sandbox.area_add": N_("Allowed area added"),
    "sandbox.area_remove": N_("Allowed area removed"),
    "sandbox.positions_view": N_("Positions viewed"),
    "sandbox.positions_seal": N_("Positions sealed"),
    "sandbox.breach": N_("Fence breach"),
    "sandbox.breach_closed": N_("Fence breach ended"),
    "sandbox.positions_purge": N_("Positions purged"),
    "geo.zone_create": N_("Prohibited zone created"),
    "geo.zone_end": N_("Prohibited zone ended"),
}


def snapshot(case: Case) -> dict[str, Any]:
    """What a sandbox decision rests on: the test plan, its areas and the conditions in force."""
    test = services.test_of(case)
    if test is None:
        return {"title": case.title, "firm_id": case.firm_id}
    cs = services.current_conditions(test)
    return {
        "plan": {"model": test.model_name, "intelligence_level": test.intelligence_level,
                 "scenarios": test.scenarios, "sites": test.sites, "units_requested": test.units_requested,
                 "unit_codes": test.unit_codes, "period": [str(test.period_start), str(test.period_end)],
                 "supervision_ratio": test.supervision_ratio, "emergency_stop": test.emergency_stop,
                 "remote_takeover": test.remote_takeover, "insurance_document_id": test.insurance_document_id,
                 "reporting_cadence_days": test.reporting_cadence_days},
        "areas": [a.geometry for a in services.active_areas(test)],
        "conditions": None if cs is None else {
            "version": cs.version, "period": [str(cs.period_start), str(cs.period_end)],
            "unit_codes": cs.unit_codes, "area_ids": cs.area_ids, "safeguards": cs.safeguards,
            "reporting_cadence_days": cs.reporting_cadence_days,
            "incident_report_hours": cs.incident_report_hours, "pause_condition": cs.pause_condition},
    }


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    test = services.test_of(case)
    if test is None:
        return []
    rows = [(N_("Robot model"), test.model_name), (N_("Unit codes to be tested"), ", ".join(test.unit_codes))]
    cs = services.current_conditions(test)
    if cs is not None:
        rows.append((N_("Test period"), f"{cs.period_start} – {cs.period_end} (v{cs.version})"))
    return rows


SANDBOX_TYPE = CaseType(
    workflow=WORKFLOW,
    number_prefix="SBX",
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=KINDS,
    snapshot=snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("sandbox/_case_panel.html", ("map", "sandbox/_case_map.html")),
    register_sections=REGISTER_SECTIONS,
    navigation=(
        NavItem("sandbox.index", N_("Sandbox"), frozenset({"applicant", "officer", "approver", "auditor"})),
        NavItem("sandbox.zone_list", N_("Prohibited zones"), frozenset({"officer", "approver"})),
    ),
    public_links=(),
    notification_rules=RULES,
    queue_subject=QUEUE_SUBJECT,
    statistics=figures.STATISTICS,
    portal_tabs=(figures.PORTAL_TAB,),
    labels=ACTION_LABELS,
    expert_review=EXPERT_REVIEW,
    demo=demo.load,
    blueprints=(bp, vendor_bp, api_bp),
    commands=(sandbox_cli,),
    template_globals={"sandbox_test_of": services.test_of, "sandbox_fences_map": presenters.fences_map, "sandbox_state_label": WORKFLOW.state_label,
                      "sandbox_missing": services.missing_fields, "sandbox_overlaps": services.zone_overlaps,
                      "sandbox_breach_label": BREACH_KINDS.get, "sandbox_referral_of": services.referral_state,
                      "sandbox_recommendation": EXPERT_REVIEW.label_of,
                      "sandbox_in_progress": figures.in_progress},
)
