"""The change-and-renewal case type (issue 10, defect 12): everything the case engine needs to
serve it, in one object.  Its cases are linked to the registration they ask about; the
registration's page shows them and lets the firm apply (``_registration_panel.html``)."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.cases.types import CaseType
from supervision.changes import demo, services
from supervision.changes.cli import changes_cli, install as install_periodic
from supervision.changes.decision_kinds import KINDS
from supervision.changes.notifications import RULES
from supervision.changes.views import bp, panel
from workflows.base import N_
from workflows.registration_change import KINDS as APPLICATION_KINDS, REGISTRATION_CHANGE as WORKFLOW

ACTION_LABELS = {
    "changes.change_apply": N_("Change of a registration applied for"),
    "changes.renewal_apply": N_("Renewal of a registration applied for"),
    "changes.change_applied": N_("Registered particulars changed"),
    "changes.renewal_applied": N_("Registration renewed"),
    "changes.change_undone": N_("Change of the registration undone (its grant was set aside)"),
    "changes.renewal_undone": N_("Renewal of the registration undone (its grant was set aside)"),
}

# A registration case shows its changes and renewals and the firm's way to apply.
bp.record_once(lambda state: state.app.extensions.setdefault("case_panels", []).append(
    "changes/_registration_panel.html"))
bp.record_once(install_periodic)


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    app = services.application_of(case)
    if app is None:
        return []
    rows = [(N_("Registration number"), app.registration.registration_number or "")]
    if app.name:
        rows.append((N_("Robot model"), f"{app.previous_name} → {app.name}"))
    return rows


def _kind_label(kind: str) -> Any:
    return APPLICATION_KINDS.get(kind, kind)


REGISTRATION_CHANGE = CaseType(
    workflow=WORKFLOW,
    link_relations={"amends": (N_("Change or renewal of"), N_("Change or renewal applied for in"))},
    number_prefix="CHG",
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=KINDS,
    snapshot=services.snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("changes/_case_panel.html",),
    notification_rules=RULES,
    labels=ACTION_LABELS,
    demo=demo.load,
    blueprints=(bp,),
    commands=(changes_cli,),
    template_globals={"changes_panel": panel, "change_kind_label": _kind_label,
                      "change_state_label": WORKFLOW.state_label},
)
