"""What the assessment's panel on the case page shows, and the queue's review-date flag."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.assessments import services
from supervision.assessments.forms import ModerateForm, OutcomeForm, SummaryForm
from supervision.assessments.models import KINDS, REJECTION_CATEGORIES, THEMES, Measure, RulesetBinding
from supervision.cases.models import Case
from supervision.core.i18n import label
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import FORM_FACTORS, SCENARIO_CLASSES, TIER_LABELS


def panel(case: Case) -> dict[str, Any]:
    measure = services.measure_of(case)
    revs = services.revisions_of(case)
    rev = revs[-1]
    findings = services.findings_of(rev)
    roles = policies.case_roles(current_user, case)
    consultation = services.consultation_of(case)
    comments = services.comments_of(consultation) if consultation is not None else []
    from supervision.experts.services import opinions_of

    return {
        "measure": measure, "revisions": revs, "revision": rev,
        "findings": [(kind, label(title), findings.get(kind),
                      services.problems(kind, findings[kind].content) if kind in findings else None)
                     for kind, title in KINDS.items()],
        "editable": services.editable_kinds(case) if "officer" in roles else (),
        "officer": "officer" in roles,
        "scope": {
            "classes": [label(SCENARIO_CLASSES[c]) for c in measure.scenario_classes if c in SCENARIO_CLASSES],
            "tiers": [label(TIER_LABELS[int(t)]) for t in measure.tiers],
            "forms": [label(FORM_FACTORS[f]) for f in measure.form_factors if f in FORM_FACTORS],
        },
        "affected": services.affected(measure),
        "consultation": consultation, "comments": comments,
        "themes": THEMES, "rejections": REJECTION_CATEGORIES,
        "raised": services.themes_raised(consultation) if consultation is not None else [],
        "opinions": len(opinions_of(case)),
        "summary_form": SummaryForm(summary=measure.public_summary), "moderate_form": ModerateForm(),
        "outcome_form": OutcomeForm(outcome=consultation.outcome if consultation else None),
        "bindings": db.session.execute(db.select(RulesetBinding).filter_by(case_id=case.id)
                                       .order_by(RulesetBinding.id)).scalars().all(),
        "review_overdue": bool(measure.review_date and measure.review_date < local_today()),
    }


def theme_label(theme: str) -> str:
    return label(THEMES.get(theme, theme))


def review_flag(case: Case) -> str:
    """The queue's column: a passed measure whose review date has passed is flagged.  The dates
    of every measure are read once per request (the list stays a fixed number of queries)."""
    if case.case_type != services.CASE_TYPE:
        return ""
    cache = g.get("_measure_review_dates")
    if cache is None:
        cache = g._measure_review_dates = dict(db.session.execute(
            db.select(Measure.case_id, Measure.review_date).where(Measure.review_date.is_not(None))).all())
    day = cache.get(case.id)
    if day is None:
        return ""
    if day < local_today():
        return _("Review overdue since %(day)s", day=day.isoformat())
    return _("Review by %(day)s", day=day.isoformat())
