"""Assessment services: the only code that changes a measure, its text revisions, its
structured assessments and its consultation.  Each function flushes and writes one audit event;
the caller's unit of work commits.  State changes go through the case engine (``cases.fire``);
the effects below are what the workflow's triggers do to these records."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy import func

from supervision.audit.services import record
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.timeutil import local_today, utcnow
from supervision.assessments.models import (COMMENT_STATUSES, KINDS, REJECTION_CATEGORIES, THEMES, Comment,
                                            Consultation, Finding, Measure, MeasureRevision)
from supervision.extensions import db
from workflows.assessment import ASSESSMENT, CONSULTATION, EDITS
from workflows.base import N_

CASE_TYPE = "assessment"


class AssessmentError(ValueError):
    """A change the rules refuse: ``message`` (N_-marked) and its ``params``."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


class RateLimited(AssessmentError):
    pass


# -- what each structured assessment must contain --------------------------------------------

# kind -> the text fields that must not be empty (besides the lists checked in ``problems``).
REQUIRED: dict[str, tuple[str, ...]] = {
    "necessity": ("problem", "evidence"),
    "safety": ("hazards", "residual_risks", "effect_on_users"),
    "effectiveness": ("outcomes", "indicators", "measurement", "cost_to_firms", "competition_effect",
                      "review_date"),
    "fair_competition": ("market_entry", "free_movement", "costs", "conduct", "conclusion"),
}


def problems(kind: str, content: Mapping[str, Any] | None) -> list[str]:
    """The parts of an assessment still missing (empty: it is complete)."""
    content = content or {}
    missing = [name for name in REQUIRED[kind] if not str(content.get(name) or "").strip()]
    if kind == "necessity":
        rows = [a for a in content.get("alternatives") or []
                if str(a.get("alternative") or "").strip() and str(a.get("why_insufficient") or "").strip()]
        if not rows:
            missing.append("alternatives")
    return missing


# -- reading ---------------------------------------------------------------------------------

def measure_of(case: Case) -> Measure:
    return db.session.execute(db.select(Measure).filter_by(case_id=case.id)).scalar_one()


def revisions_of(case: Case) -> list[MeasureRevision]:
    return list(db.session.execute(db.select(MeasureRevision).filter_by(case_id=case.id)
                                   .order_by(MeasureRevision.number)).scalars())


def current_revision(case: Case) -> MeasureRevision:
    return db.session.execute(db.select(MeasureRevision).filter_by(case_id=case.id)
                              .order_by(MeasureRevision.number.desc()).limit(1)).scalar_one()


def findings_of(revision: MeasureRevision) -> dict[str, Finding]:
    rows = db.session.execute(db.select(Finding).filter_by(revision_id=revision.id)).scalars()
    return {f.kind: f for f in rows}


def consultation_of(case: Case) -> Consultation | None:
    """The newest consultation of the case (a revision after it may open another)."""
    return db.session.execute(db.select(Consultation).filter_by(case_id=case.id)
                              .order_by(Consultation.id.desc()).limit(1)).scalar()


def comments_of(consultation: Consultation, *, statuses: Iterable[str] = COMMENT_STATUSES) -> list[Comment]:
    return list(db.session.execute(
        db.select(Comment).where(Comment.consultation_id == consultation.id, Comment.status.in_(list(statuses)))
        .order_by(Comment.id)).scalars())


def editable_kinds(case: Case) -> tuple[str, ...]:
    return EDITS.get(case.state, ())


def affected(measure: Measure) -> dict[str, Any]:
    """How many firms, models and units the measure reaches, from the register: robot models
    whose newest version matches the measure's scenario classes and form factors (any of each,
    when given) and whose newest registration has one of its tiers (when given).  Units are
    counted only where the installation keeps units (a ``units`` table); otherwise ``None``."""
    import json

    from supervision.registry.models import SCENARIOS, ModelVersion, Registration, RobotModel

    newest = db.select(ModelVersion.model_id, func.max(ModelVersion.number).label("n")) \
        .group_by(ModelVersion.model_id).subquery()
    rows = db.session.execute(
        db.select(RobotModel.id, RobotModel.firm_id, ModelVersion.form_factor, ModelVersion.scenarios_json)
        .join(newest, newest.c.model_id == RobotModel.id)
        .join(ModelVersion, (ModelVersion.model_id == RobotModel.id) & (ModelVersion.number == newest.c.n))).all()
    tiers = {}
    for model_id, tier in db.session.execute(db.select(Registration.model_id, Registration.tier)
                                             .order_by(Registration.id)).all():
        if tier is not None:
            tiers[model_id] = tier
    classes, forms, wanted_tiers = set(measure.scenario_classes), set(measure.form_factors), set(measure.tiers)
    models, firms = set(), set()
    for model_id, firm_id, form_factor, scenarios_json in rows:
        own = {SCENARIOS[s][0] for s in json.loads(scenarios_json or "[]") if s in SCENARIOS}
        if classes and not (own & classes):
            continue
        if forms and form_factor not in forms:
            continue
        if wanted_tiers and tiers.get(model_id) not in {int(t) for t in wanted_tiers}:
            continue
        models.add(model_id)
        firms.add(firm_id)
    return {"firms": len(firms), "models": len(models), "units": _units(models)}


def _units(model_ids: set[int]) -> int:
    """Coded units of the affected models (the traceability register, Art. 46)."""
    from supervision.units.models import Unit

    if not model_ids:
        return 0
    return db.session.execute(db.select(func.count(Unit.id)).where(Unit.model_id.in_(sorted(model_ids)))).scalar_one()


# -- creating and describing the measure ------------------------------------------------------

def create_measure(*, actor, department_id: int, title: str, text: str, problem: str,
                   scenario_classes: list[str], tiers: list[str], form_factors: list[str],
                   ruleset_changes: list[str]) -> Case:
    """An officer proposes a measure: the case (the department's, no firm) and revision 1."""
    case = cases.create_case(case_type=CASE_TYPE, title=title.strip(), department_id=department_id, actor=actor)
    measure = Measure(case_id=case.id)
    db.session.add(measure)
    _set_scope(measure, problem, scenario_classes, tiers, form_factors, ruleset_changes)
    _add_revision(case, text, "", actor)  # the first text needs no reason
    return case


def _set_scope(measure: Measure, problem, scenario_classes, tiers, form_factors, ruleset_changes) -> None:
    measure.problem = (problem or "").strip()
    measure.scenario_classes = sorted(set(scenario_classes or []))
    measure.tiers = sorted({str(t) for t in tiers or []})
    measure.form_factors = sorted(set(form_factors or []))
    measure.ruleset_changes = sorted(set(ruleset_changes or []))


def update_scope(case: Case, *, actor, problem: str, scenario_classes, tiers, form_factors,
                 ruleset_changes) -> Measure:
    """Change what the measure affects and which ruleset changes it covers (before the conclusion)."""
    if ASSESSMENT.states[case.state].name not in ("proposed", *ASSESSMENT.tagged("revisable")) or \
            case.proposal:
        raise AssessmentError(N_("The measure's scope can no longer be changed."))
    measure = measure_of(case)
    _set_scope(measure, problem, scenario_classes, tiers, form_factors, ruleset_changes)
    db.session.flush()
    record("assessment.scope", actor=actor, case=case, object_type="assessment_measure", object_id=measure.id,
           details={"scenario_classes": measure.scenario_classes, "tiers": measure.tiers,
                    "form_factors": measure.form_factors, "ruleset_changes": measure.ruleset_changes})
    return measure


def _add_revision(case: Case, text: str, reason: str, actor) -> MeasureRevision:
    last = db.session.execute(db.select(func.max(MeasureRevision.number))
                              .filter_by(case_id=case.id)).scalar() or 0
    rev = MeasureRevision(case_id=case.id, number=last + 1, text=text.strip(), reason=reason.strip(),
                          created_by_id=getattr(actor, "id", None))
    db.session.add(rev)
    db.session.flush()
    record("assessment.revision", actor=actor, case=case, object_type="assessment_revision", object_id=rev.id,
           reason=rev.reason or None, details={"number": rev.number, "chars": len(rev.text)})
    return rev


# -- the structured assessments ----------------------------------------------------------------

def save_finding(case: Case, kind: str, *, actor, content: dict[str, Any],
                 attachments: Iterable[int] = ()) -> Finding:
    """Write (or rewrite) an assessment of the current revision; only in the state that writes it,
    and only by the case's officer."""
    if kind not in KINDS:
        raise AssessmentError(N_("Unknown assessment."))
    if kind not in editable_kinds(case):
        raise AssessmentError(N_("This assessment cannot be written in the case's current state."))
    if case.assignee_id not in (None, actor.id):
        raise AssessmentError(N_("This case is handled by another officer."))
    if case.assignee_id is None:
        cases.claim(case, actor=actor)
    rev = current_revision(case)
    row = findings_of(rev).get(kind)
    if row is None:
        row = Finding(case_id=case.id, revision_id=rev.id, kind=kind, author_id=actor.id)
        db.session.add(row)
    if kind == "effectiveness":
        content = {**content, "affected": affected(measure_of(case))}
    row.content, row.author_id, row.updated_at = content, actor.id, utcnow()
    row.attachment_ids = sorted({*(row.attachment_ids or []), *attachments})
    db.session.flush()
    record("assessment.finding", actor=actor, case=case, object_type="assessment_finding", object_id=row.id,
           details={"kind": kind, "revision": rev.number, "complete": not problems(kind, content),
                    "attachments": len(row.attachment_ids)})
    return row


def set_summary(case: Case, *, actor, summary: str) -> Measure:
    """The plain summary of the assessments that a consultation publishes beside the draft."""
    if case.state != "expert_review":
        raise AssessmentError(N_("The public summary is written during the expert review."))
    measure = measure_of(case)
    measure.public_summary = summary.strip()
    db.session.flush()
    record("assessment.summary", actor=actor, case=case, object_type="assessment_measure", object_id=measure.id)
    return measure


# -- public consultation -----------------------------------------------------------------------

def open_consultations() -> list[Case]:
    return list(db.session.execute(db.select(Case).where(
        Case.case_type == CASE_TYPE, Case.state.in_(ASSESSMENT.tagged(CONSULTATION))).order_by(Case.id)).scalars())


def submit_comment(case: Case, *, name: str, contact: str, theme: str, text: str,
                   client_address: str | None) -> Comment:
    """Anyone comments on a measure in consultation; the comment waits for moderation and gets a
    reference number.  At most ``ASSESSMENT_COMMENTS_PER_HOUR`` per client address."""
    consultation = consultation_of(case)
    if case.case_type != CASE_TYPE or case.state not in ASSESSMENT.tagged(CONSULTATION) or consultation is None \
            or consultation.closed_at is not None or local_today() > consultation.closes_on:
        raise AssessmentError(N_("This measure is not open for comments."))
    if theme not in THEMES:
        raise AssessmentError(N_("Choose one of the listed options."))
    limit = current_app.config["ASSESSMENT_COMMENTS_PER_HOUR"]
    since = utcnow() - dt.timedelta(hours=1)
    recent = db.session.execute(db.select(func.count(Comment.id)).where(
        Comment.client_address == client_address, Comment.created_at >= since)).scalar()
    if recent >= limit:
        raise RateLimited(N_("You have sent %(n)s comments in the last hour. Please wait an hour and try again."),
                          n=limit)
    count = db.session.execute(db.select(func.count(Comment.id))
                               .where(Comment.consultation_id == consultation.id)).scalar()
    row = Comment(consultation_id=consultation.id, reference=f"{case.number}-C{consultation.id}-{count + 1:04d}",
                  name=name.strip(), contact=contact.strip(), theme=theme, text=text.strip(),
                  client_address=client_address)
    db.session.add(row)
    db.session.flush()
    # The audit trail keeps the reference and theme, never the commenter's name or contact.
    record("assessment.comment", actor=None, case=case, object_type="assessment_comment", object_id=row.id,
           details={"reference": row.reference, "theme": theme})
    return row


def moderate(comment: Comment, *, actor, publish: bool, category: str | None = None) -> Comment:
    """Publish a comment, or reject it with a reason category; once."""
    case = db.session.get(Case, comment.consultation.case_id)
    if comment.status != "pending":
        raise AssessmentError(N_("This comment has already been moderated."))
    if not publish and category not in REJECTION_CATEGORIES:
        raise AssessmentError(N_("Choose why the comment is not published."))
    actor_id, now = actor.id, utcnow()  # read before the row changes (no autoflush half-way)
    comment.status = "published" if publish else "rejected"
    comment.reject_category = None if publish else category
    comment.moderated_by_id, comment.moderated_at = actor_id, now
    db.session.flush()
    record("assessment.moderate", actor=actor, case=case, object_type="assessment_comment", object_id=comment.id,
           details={"reference": comment.reference, "status": comment.status, "category": comment.reject_category})
    return comment


def record_outcome(case: Case, *, actor, outcome: str, answers: Mapping[str, str]) -> Consultation:
    """How the comments were taken into account: overall, and for each theme comments raised."""
    consultation = consultation_of(case)
    if consultation is None or case.state != "conclusion_pending" or case.proposal:
        raise AssessmentError(N_("The consultation's outcome is recorded before the conclusion is proposed."))
    consultation.outcome = outcome.strip()
    consultation.answers = {k: v.strip() for k, v in answers.items() if k in THEMES and (v or "").strip()}
    db.session.flush()
    record("assessment.outcome", actor=actor, case=case, object_type="assessment_consultation",
           object_id=consultation.id, details={"themes": sorted(consultation.answers)})
    return consultation


def themes_raised(consultation: Consultation) -> list[str]:
    """The themes of the published comments (what the conclusion must answer, theme by theme)."""
    found = {c.theme for c in comments_of(consultation, statuses=("published",))}
    return [t for t in THEMES if t in found]


# -- what the workflow's guards read, and what its triggers do --------------------------------

def facts(case: Case, actor) -> dict[str, Any]:
    measure = measure_of(case)
    rev = current_revision(case)
    done = {kind: not problems(kind, f.content) for kind, f in findings_of(rev).items()}
    consultation = consultation_of(case)
    consulted = consultation is not None and consultation.revision_id == rev.id
    pending = consulted and bool(comments_of(consultation, statuses=("pending",)))
    answered = True
    if consulted:
        answered = bool((consultation.outcome or "").strip()) and all(
            t in consultation.answers for t in themes_raised(consultation))
    from supervision.experts.step import all_heard

    return {
        "has_text": bool(rev.text.strip()),
        "has_scope": bool(measure.problem.strip()) and bool(
            measure.scenario_classes or measure.tiers or measure.form_factors),
        "necessity_done": done.get("necessity", False),
        "safety_done": done.get("safety", False),
        "effectiveness_done": done.get("effectiveness", False),
        "fair_competition_done": done.get("fair_competition", False),
        "opinions_in": all_heard(case),
        "has_summary": bool(measure.public_summary.strip()),
        "consultation_over": consulted and local_today() > consultation.closes_on,
        "comments_moderated": not pending,
        "consultation_answered": answered,
        "proposed_conclusion": measure.proposed_conclusion,
    }


def _revise(case: Case, actor, firing) -> None:
    _add_revision(case, firing.inputs["text"], firing.inputs["reason"], actor)
    case.proposed_by_id = case.proposal = None
    measure_of(case).proposed_conclusion = None


def _open_consultation(case: Case, actor, firing) -> None:
    from supervision.cases import clocks

    # The period is the state's clock (30 calendar days unless configured), started just now.
    deadline = clocks.find(case, "consultation")
    closes_on = deadline.due_date if deadline is not None else local_today() + dt.timedelta(days=30)
    db.session.add(Consultation(case_id=case.id, revision_id=current_revision(case).id,
                                summary=measure_of(case).public_summary, closes_on=closes_on))


def _close_consultation(case: Case, actor, firing) -> None:
    consultation_of(case).closed_at = utcnow()


def _propose(case: Case, actor, firing) -> None:
    measure_of(case).proposed_conclusion = firing.inputs["conclusion"]


def _conclude(case: Case, actor, firing) -> None:
    measure = measure_of(case)
    measure.conclusion = firing.to_state
    measure.concluded_on = local_today()
    effectiveness = findings_of(current_revision(case)).get("effectiveness")
    if effectiveness is not None and effectiveness.content.get("review_date"):
        measure.review_date = dt.date.fromisoformat(effectiveness.content["review_date"])


def _returned(case: Case, actor, firing) -> None:
    measure_of(case).proposed_conclusion = None


EFFECTS = {
    "revise": (_revise,),
    "open_consultation": (_open_consultation,),
    "close_consultation": (_close_consultation,),
    "propose_conclusion": (_propose,),
    "approve_conclusion": (_conclude,),
    "return_conclusion": (_returned,),
}
