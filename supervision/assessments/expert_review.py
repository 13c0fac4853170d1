"""The Art. 47 assessment's expert review (``CaseType.expert_review``; the step itself is
``supervision.experts``): what the drawn experts choose from and what they are given — the
current text of the measure, its scope and every assessment of that text, and the case's
documents but confidential ones.  There is no firm; the officer ends the step by choosing
whether to consult the public."""
from __future__ import annotations

from supervision.assessments import services
from supervision.assessments.models import KINDS
from supervision.cases.models import Case
from supervision.experts.step import ExpertReview, Material, shared_documents
from workflows.base import N_

RECOMMENDATIONS = (
    ("supports", N_("Supports the measure")),
    ("supports_with_changes", N_("Supports it with changes")),
    ("does_not_support", N_("Does not support it")),
    ("abstain", N_("No recommendation")),
)


def _text(content: dict) -> str:
    lines = []
    for key, value in content.items():
        if key == "alternatives":
            lines += [f"- {a['alternative']} — {a['why_insufficient']}" for a in value]
        elif key == "affected":
            units = value.get("units")
            lines.append(f"{key}: {value.get('firms')} / {value.get('models')} / {'—' if units is None else units}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


def material(case: Case) -> Material:
    measure = services.measure_of(case)
    rev = services.current_revision(case)
    facts = [(N_("Text of the measure"), rev.text), (N_("Problem addressed"), measure.problem),
             (N_("Ruleset changes covered"), ", ".join(measure.ruleset_changes) or "—")]
    for kind, finding in services.findings_of(rev).items():
        facts.append((KINDS[kind], _text(finding.content)))
    return Material(facts=[(k, v) for k, v in facts], documents=shared_documents(case))


EXPERT_REVIEW = ExpertReview(
    recommendations=RECOMMENDATIONS,
    material=material,
    complete_trigger=None,
    default_n=3,
    default_fields=("law", "industry_scenarios"),
    firm_sees_opinions=False,
    firm_sees_names=False,
)
