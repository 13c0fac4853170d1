"""The sandbox's expert review (Art. 8): what the drawn experts choose from and what they are
given (``CaseType.expert_review``; the step itself is ``supervision.experts``).  The experts
read the test plan and its areas, and the case's documents except the firm's confidential ones;
the firm sees the opinions without the names."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.experts.step import ExpertReview, Material, shared_documents
from workflows.base import N_

RECOMMENDATIONS = (
    ("admit", N_("Admit")),
    ("admit_with_conditions", N_("Admit with conditions")),
    ("reject", N_("Reject")),
    ("abstain", N_("No recommendation")),
)


def material(case: Case) -> Material:
    from supervision.sandbox.services import active_areas, test_of

    test = test_of(case)
    if test is None:
        return Material(documents=shared_documents(case))
    facts = [
        (N_("Robot model"), test.model_name or "—"),
        (N_("Intelligence level"), f"L{test.intelligence_level}" if test.intelligence_level else "—"),
        (N_("Scenarios"), test.scenarios or "—"),
        (N_("Sites"), test.sites or "—"),
        (N_("Unit codes to be tested"), ", ".join(test.unit_codes) or "—"),
        (N_("Test period"), f"{test.period_start or '—'} – {test.period_end or '—'}"),
        (N_("Human supervision ratio"), test.supervision_ratio or "—"),
        (N_("Allowed areas"), str(len(active_areas(test)))),
        (N_("Data-protection plan (Art. 45)"), test.data_protection_plan or "—"),
        (N_("Ethics self-assessment (Art. 44)"), test.ethics_assessment or "—"),
    ]
    return Material(facts=facts, documents=shared_documents(case))


EXPERT_REVIEW = ExpertReview(
    recommendations=RECOMMENDATIONS,
    material=material,
    complete_trigger="experts_done",
    default_n=3,
    default_fields=("robotics_safety",),
    firm_sees_opinions=True,
    firm_sees_names=False,
)
