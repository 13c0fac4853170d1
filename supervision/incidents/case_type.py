"""The incident case type (issue 14): everything the case engine needs to serve it, in one object."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from supervision.cases.models import Case
from supervision.cases.types import CaseType
from supervision.core.navigation import NavItem
from supervision.incidents import demo, presenters, services
from supervision.incidents.decision_kinds import KINDS
from supervision.incidents.models import DATA_CATEGORIES, REPORT_KINDS, SOURCES
from supervision.incidents.notifications import RULES
from supervision.incidents.public import REGISTER_SECTIONS
from supervision.incidents.queue import QUEUE_COLUMNS, QUEUE_SUBJECT
from supervision.incidents.views import bp, may_act_on_linked
from workflows.base import N_
from workflows.incident import INCIDENT as WORKFLOW

# Wiring that needs the app: the breach signal and the check of the clock configuration.
setup_bp = Blueprint("incidents_setup", __name__)
setup_bp.record_once(lambda state: services.install(state.app))

ACTION_LABELS = {
    "incident.report": N_("Incident reported"),
    "incident.late_report": N_("Report filed late"),
}


def snapshot(case: Case) -> dict[str, Any]:
    """What the remediation order rests on: the report as it stands."""
    incident = services.incident_of(case)
    if incident is None:
        return {"title": case.title, "firm_id": case.firm_id}
    return {"what": incident.what, "occurred_at": incident.occurred_at.isoformat(),
            "aware_at": incident.aware_at.isoformat(), "units": incident.unit_codes,
            "models": incident.model_ids, "injuries": incident.injuries, "damage": incident.damage,
            "data_categories": incident.data_categories, "people_affected": incident.people_affected,
            "immediate_measures": incident.immediate_measures, "severity": incident.severity}


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    incident = services.incident_of(case)
    if incident is None:
        return []
    return [(N_("What happened"), incident.what), (N_("Severity"), str(incident.severity)),
            (N_("Units involved"), ", ".join(incident.unit_codes)),
            (N_("Immediate measures taken"), incident.immediate_measures)]


INCIDENT_TYPE = CaseType(
    workflow=WORKFLOW,
    number_prefix="INC",
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=KINDS,
    snapshot=snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("incidents/_case_panel.html", ("map", "incidents/_case_map.html")),
    register_sections=REGISTER_SECTIONS,
    navigation=(NavItem("incidents.index", N_("Incidents"), frozenset({"applicant", "officer", "approver", "auditor"})),),
    queue_columns=QUEUE_COLUMNS,
    queue_subject=QUEUE_SUBJECT,
    notification_rules=RULES,
    labels=ACTION_LABELS,
    demo=demo.load,
    blueprints=(bp, setup_bp),
    template_globals={"incident_of": services.incident_of, "incident_missing_elsewhere": services.missing_reports_elsewhere,
                      "incident_reports": services.reports_of, "incident_linked_targets": services.linked_targets,
                      "incident_may_act_on_linked": may_act_on_linked, "incident_model_names": services.model_names,
                      "incident_sources": SOURCES, "incident_data_categories": DATA_CATEGORIES,
                      "incident_report_kinds": REPORT_KINDS, "incident_form_map": presenters.form_map,
                      "incident_point_map": presenters.point_map},
)
