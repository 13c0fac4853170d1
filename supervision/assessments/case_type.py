"""The Art. 47 market-access measure assessment as a case type: everything the case engine
needs to serve it, in one object.  The case belongs to a department (``has_firm=False``)."""
from __future__ import annotations

from typing import Any

from supervision.assessments import decision_kinds, demo, presenters, register, services
from supervision.assessments.expert_review import EXPERT_REVIEW
from supervision.assessments.views import bp
from supervision.cases.models import Case
from supervision.cases.types import CaseType, QueueColumn
from supervision.core.navigation import NavItem
from supervision.notifications.rules import Rule
from workflows.assessment import ASSESSMENT
from workflows.base import N_, PROPOSAL

LABELS = {
    "assessment.revision": N_("Measure text revised"),
    "assessment.scope": N_("Measure scope changed"),
    "assessment.finding": N_("Assessment written"),
    "assessment.summary": N_("Public summary written"),
    "assessment.comment": N_("Public comment received"),
    "assessment.moderate": N_("Public comment moderated"),
    "assessment.outcome": N_("Consultation outcome recorded"),
    "assessment.ruleset_binding": N_("Ruleset bound to the assessment"),
}


def snapshot(case: Case) -> dict[str, Any]:
    """What the conclusion is taken on: the text revision and every assessment of it."""
    rev = services.current_revision(case)
    measure = services.measure_of(case)
    return {"title": case.title, "revision": rev.number, "text": rev.text,
            "scope": {"scenario_classes": measure.scenario_classes, "tiers": measure.tiers,
                      "form_factors": measure.form_factors, "ruleset_changes": measure.ruleset_changes},
            "findings": {k: f.content for k, f in services.findings_of(rev).items()}}


def dossier_rows(case: Case) -> list[tuple[str, str]]:
    measure = services.measure_of(case)
    rev = services.current_revision(case)
    rows = [(N_("Measure text revision"), str(rev.number)), (N_("Problem addressed"), measure.problem)]
    if measure.ruleset_changes:
        rows.append((N_("Ruleset changes covered"), ", ".join(measure.ruleset_changes)))
    if measure.conclusion:
        rows.append((N_("Conclusion"), measure.conclusion))
    if measure.review_date:
        rows.append((N_("Review date"), measure.review_date.isoformat()))
    return rows


ASSESSMENT_TYPE = CaseType(
    workflow=ASSESSMENT,
    number_prefix="MAA",
    has_firm=False,
    facts=services.facts,
    effects=services.EFFECTS,
    decision_kinds=decision_kinds.KINDS,
    snapshot=snapshot,
    dossier_sections=(dossier_rows,),
    case_panels=("assessments/_case_panel.html",),
    expert_review=EXPERT_REVIEW,
    register_sections=(register.SECTION,),
    navigation=(NavItem("assessments.new", N_("Propose a market-access measure"), frozenset({"officer"})),),
    queue_columns=(QueueColumn("review", N_("Review"), presenters.review_flag),),
    notification_rules=(
        Rule("proposal", "department_approvers", N_("%(case)s: a proposal awaits approval"),
             N_("%(action)s on %(title)s (%(case)s) awaits an approver's decision."), tags=frozenset({PROPOSAL})),
        Rule("decided", "assignee", N_("%(case)s: %(action)s"),
             N_("%(action)s on %(title)s (%(case)s). The case is now: %(state)s."),
             triggers=frozenset({"approve_conclusion", "return_conclusion", "issue_recommendation"})),
        Rule("overdue", "assignee", N_("%(case)s: a deadline has passed"),
             N_("A deadline on %(title)s (%(case)s) has passed."), events=frozenset({"deadline.overdue"})),
    ),
    labels=LABELS,
    demo=demo.load,
    blueprints=(bp,),
    template_globals={"assessment_panel": presenters.panel, "theme_label": presenters.theme_label},
)
