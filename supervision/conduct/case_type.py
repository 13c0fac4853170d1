"""The prohibited-conduct case type (Art. 43; issue 14): everything the case engine needs to
serve it, in one object."""
from __future__ import annotations

from typing import Any

from supervision.cases.models import Case
from supervision.cases.types import CaseType
from supervision.conduct import demo, services
from supervision.conduct.decision_kinds import KINDS
from supervision.conduct.models import AUTHORITY_LABELS, CATEGORY_LABELS
from supervision.conduct.queue import QUEUE_SUBJECT
from supervision.conduct.views import bp
from supervision.core.navigation import NavItem
from supervision.notifications.rules import Rule
from workflows.base import N_, PROPOSAL
from workflows.conduct import CONDUCT

RULES: tuple[Rule, ...] = (
    Rule("conduct_opened", "firm", N_("%(case)s: %(action)s"),
         N_("The regulator is investigating conduct of your firm under Art. 43: %(title)s (%(case)s). "
            "You may file your statement on the platform."), triggers=frozenset({"start_investigation"})),
    Rule("conduct_info", "firm", N_("%(case)s: the regulator asks for information"),
         N_("%(action)s on %(title)s (%(case)s). Answer on the platform before the deadline shown."),
         tags=frozenset({"information_request"})),
    Rule("conduct_notice", "firm", N_("%(case)s: %(action)s"),
         N_("%(action)s on %(title)s (%(case)s). You may state your defence on the platform before the deadline shown."),
         tags=frozenset({"notice"})),
    Rule("conduct_decision", "firm", N_("%(case)s: %(action)s"),
         N_("%(action)s on %(title)s (%(case)s). The case is now: %(state)s."),
         tags=frozenset({"decision"})),
    Rule("conduct_sent_back", "firm", N_("%(case)s: %(action)s"),
         N_("%(action)s on %(title)s (%(case)s). The case is now: %(state)s."),
         triggers=frozenset({"send_back"})),
    Rule("conduct_answer", "assignee", N_("%(case)s: %(action)s"),
         N_("The firm acted on %(title)s (%(case)s): %(action)s."), tags=frozenset({"answer"})),
    Rule("conduct_proposal", "department_approvers", N_("%(case)s: a proposal awaits approval"),
         N_("%(action)s on %(title)s (%(case)s) awaits an approver's decision."), tags=frozenset({PROPOSAL})),
    Rule("conduct_overdue", "assignee", N_("%(case)s: a deadline has passed"),
         N_("A deadline on %(title)s (%(case)s) has passed."), events=frozenset({"deadline.overdue"})),
    Rule("conduct_overdue_firm", "firm", N_("%(case)s: a deadline has passed"),
         N_("A deadline on %(title)s (%(case)s) has passed."), events=frozenset({"deadline.overdue"})),
)


def snapshot(case: Case) -> dict[str, Any]:
    """What a conduct decision rests on: the conduct, the findings and what is ordered or referred."""
    row = services.conduct_of(case)
    if row is None:
        return {"title": case.title, "firm_id": case.firm_id}
    return {"category": row.category, "description": row.description, "findings": row.findings,
            "measures": list(row.measures or []), "deadline": row.deadline.isoformat() if row.deadline else None,
            "authority": row.authority}


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    row = services.conduct_of(case)
    if row is None:
        return []
    rows = [(N_("Category of conduct (Art. 43)"), CATEGORY_LABELS[row.category]), (N_("The conduct"), row.description)]
    if row.findings:
        rows.append((N_("Findings"), row.findings))
    if row.measures:
        rows.append((N_("Remediation measures"), "\n".join(row.measures)))
    if row.authority:
        rows.append((N_("Competent authority"), services.office_of(row.authority) or AUTHORITY_LABELS[row.authority]))
    return rows


CONDUCT_TYPE = CaseType(
    workflow=CONDUCT,
    number_prefix="CON",
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=KINDS,
    snapshot=snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("conduct/_case_panel.html",),
    navigation=(NavItem("conduct.new", N_("Open a prohibited-conduct case"), frozenset({"officer"})),),
    notification_rules=RULES,
    queue_subject=QUEUE_SUBJECT,
    labels={"units.recall_ordered": N_("Units recalled by the order")},
    demo=demo.load,
    blueprints=(bp,),
    template_globals={"conduct_of": services.conduct_of, "conduct_category": CATEGORY_LABELS.get,
                      "conduct_authority": AUTHORITY_LABELS.get, "conduct_office": services.office_of},
)
