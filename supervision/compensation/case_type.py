"""The compensation-claim case type (issue 10, defect 5): everything the case engine needs to serve
it, in one object.  A claim is linked to the rescinded registration it follows; the registration's
page shows its claims and lets the firm claim (``_registration_panel.html``)."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.cases.types import CaseType
from supervision.compensation import demo, services
from supervision.compensation.decision_kinds import KINDS
from supervision.compensation.views import bp, panel
from workflows.base import N_
from workflows.compensation import COMPENSATION as WORKFLOW

ACTION_LABELS = {
    "compensation.claim_filed": N_("Compensation claimed"),
    "compensation.awarded": N_("Compensation awarded"),
}

# A registration case shows the claims on its rescission and the firm's way to claim.
bp.record_once(lambda state: state.app.extensions.setdefault("case_panels", []).append(
    "compensation/_registration_panel.html"))


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    claim = services.claim_of(case)
    if claim is None:
        return []
    rows = [(N_("Rescission decision"), claim.rescission.number),
            (N_("Amount claimed (yuan)"), services.yuan(claim.amount_claimed))]
    if claim.amount_awarded is not None:
        rows.append((N_("Amount awarded (yuan)"), services.yuan(claim.amount_awarded)))
    return rows


COMPENSATION = CaseType(
    workflow=WORKFLOW,
    link_relations={services.RELATION: (N_("Compensation claimed for"), N_("Compensation claimed in"))},
    number_prefix="CMP",
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=KINDS,
    snapshot=services.snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("compensation/_case_panel.html",),
    labels=ACTION_LABELS,
    demo=demo.load,
    blueprints=(bp,),
    template_globals={"compensation_panel": panel, "compensation_state_label": WORKFLOW.state_label},
)
