"""The documents that end an Art. 47 assessment: the conclusion (评估结论, passed or not passed)
and, after a passed one, the recommendation (建议) to the city government through its legal
affairs office.  Both are internal acts of the administration: no remedy clause
(``appealable=False``).  A passed assessment is not itself a legal basis for anything; the
regulation's Art. 47 is cited for what it says (the assessment is required before a measure)."""
from __future__ import annotations

from typing import Any

from flask import current_app

from supervision.cases.models import Case
from supervision.decisions.kinds import DecisionKind
from supervision.extensions import db

# Art. 47 is cited for what it says (the assessment a measure needs), never as a power; the
# conclusion rests on the fair-competition review's duty, the recommendation on the right of a
# city department to ask its government for a rule (规章制定程序条例 Art. 10 ¶2).
CONTEXT = ("regulation:47",)


def _record(case: Case, firing) -> dict[str, Any]:
    """What the conclusion and the recommendation state: the text assessed, the findings of
    the three assessments and the fair-competition review, the experts and the consultation."""
    from supervision.assessments import services
    from supervision.experts.services import opinions_of

    measure = services.measure_of(case)
    rev = services.current_revision(case)
    findings = {k: f.content for k, f in services.findings_of(rev).items()}
    consultation = services.consultation_of(case)
    consulted = consultation is not None and consultation.revision_id == rev.id
    counts = {}
    if consulted:
        for c in services.comments_of(consultation):
            counts[c.status] = counts.get(c.status, 0) + 1
    opinions = opinions_of(case)
    from supervision.decisions.models import Decision

    conclusion = db.session.execute(db.select(Decision.number).where(
        Decision.case_id == case.id, Decision.kind == "assessment_passed").order_by(Decision.id.desc())).scalar()
    return {
        "conclusion_number": conclusion,
        "measure": measure, "revision": rev, "findings": findings,
        "affected": (findings.get("effectiveness") or {}).get("affected") or {},
        "opinions": [{"recommendation": o.recommendation, "reasons": o.reasons} for o in opinions],
        "consultation": consultation if consulted else None, "comment_counts": counts,
        "addressee_zh": current_app.config["ASSESSMENT_RECOMMENDATION_TO_ZH"],
        "addressee_en": current_app.config["ASSESSMENT_RECOMMENDATION_TO_EN"],
        "via_zh": current_app.config["ASSESSMENT_RECOMMENDATION_VIA_ZH"],
        "via_en": current_app.config["ASSESSMENT_RECOMMENDATION_VIA_EN"],
    }


def _tpl(name: str) -> str:
    return f"assessments/decisions/{name}.html"


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind(
        "assessment_passed", "市场准入措施评估结论（通过）", "Assessment Conclusion: Passed", "{dept}评",
        _tpl("conclusion"), False, issued_on=("approve_conclusion", ("passed",)),
        reason_from=("propose_conclusion",), facts=_record,
        basis=("fair_competition:2",), context=CONTEXT, to_firm=False),
    DecisionKind(
        "assessment_not_passed", "市场准入措施评估结论（未通过）", "Assessment Conclusion: Not Passed", "{dept}评未",
        _tpl("conclusion"), False, issued_on=("approve_conclusion", ("not_passed",)),
        reason_from=("propose_conclusion",), facts=_record,
        basis=("fair_competition:2",), context=CONTEXT, to_firm=False),
    DecisionKind(
        "assessment_recommendation", "关于制定（修改）市场准入管理措施的建议", "Recommendation to Make or Amend Law",
        "{dept}建", _tpl("recommendation"), False, issued_on=("issue_recommendation", None), facts=_record,
        basis=("rulemaking:10.2",), context=CONTEXT, to_firm=False),
)
