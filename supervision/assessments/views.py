"""Pages of the Art. 47 assessment: proposing a measure, its scope, the structured assessments,
the text revisions side by side, the public summary, moderation and the consultation's outcome;
and, without login, a measure in consultation with its comment form.  Thin: load (404) →
authorise (403) → validate → one service call → redirect."""
from __future__ import annotations

import difflib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.assessments import services
from supervision.assessments.forms import (FINDING_FORMS, CommentForm, MeasureForm, ModerateForm, OutcomeForm,
                                           ScopeForm, SummaryForm)
from supervision.assessments.models import KINDS, THEMES, Comment, MeasureRevision
from supervision.cases.loaders import load_case
from supervision.cases.models import Case
from supervision.core.i18n import label
from supervision.core.requestctx import client_address
from supervision.documents.services import UploadRejected, add_document
from supervision.extensions import db
from workflows.assessment import ASSESSMENT, CONSULTATION

bp = Blueprint("assessments", __name__)


def _own_case(case_id: int) -> Case:
    """An assessment case the current user handles as an officer of its department."""
    case = load_case(case_id)
    if case.case_type != services.CASE_TYPE:
        abort(404)
    policies.authorize("officer" in policies.case_roles(current_user, case), case)
    return case


def _refused(err: services.AssessmentError) -> None:
    flash(_(err.message, **err.params), "error")


@bp.route("/assessments/new", methods=["GET", "POST"])
@policies.policy(policies.OFFICERS)
def new():
    form = MeasureForm()
    if form.validate_on_submit():
        case = services.create_measure(actor=current_user, department_id=current_user.organisation_id,
                                       title=form.title.data, text=form.text.data, **form.scope())
        flash(_("The measure was proposed as case %(n)s.", n=case.number), "success")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    return render_template("assessments/measure_form.html", form=form, case=None), 422 if form.errors else 200


@bp.route("/assessments/<int:case_id>/scope", methods=["GET", "POST"])
@policies.policy(policies.OFFICERS)
def scope(case_id: int):
    case = _own_case(case_id)
    measure = services.measure_of(case)
    form = ScopeForm(obj=None if request.method == "POST" else measure)
    if request.method == "GET":
        form.ruleset_changes.data = ", ".join(measure.ruleset_changes)
    if form.validate_on_submit():
        try:
            services.update_scope(case, actor=current_user, **form.scope())
        except services.AssessmentError as err:
            _refused(err)
        else:
            flash(_("The measure's scope was saved."), "success")
            return redirect(url_for("cases.show", case_id=case.id)), 303
    return render_template("assessments/measure_form.html", form=form, case=case), 422 if form.errors else 200


@bp.route("/assessments/<int:case_id>/findings/<kind>", methods=["GET", "POST"])
@policies.policy(policies.OFFICERS)
def finding(case_id: int, kind: str):
    case = _own_case(case_id)
    if kind not in FINDING_FORMS:
        abort(404)
    rev = services.current_revision(case)
    existing = services.findings_of(rev).get(kind)
    form_class = FINDING_FORMS[kind]
    form = form_class()
    if request.method == "GET" and existing is not None:
        _fill(form, existing.content)
    if form.validate_on_submit():
        try:
            ids = [_store(case, f).id for f in form.attachments.data or [] if getattr(f, "filename", "")]
            services.save_finding(case, kind, actor=current_user, content=form.content(), attachments=ids)
        except UploadRejected as err:
            flash(_(err.message, mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), "error")
        except services.AssessmentError as err:
            _refused(err)
        else:
            flash(_("%(what)s saved.", what=label(KINDS[kind])), "success")
            return redirect(url_for("cases.show", case_id=case.id)), 303
        return redirect(url_for("assessments.finding", case_id=case.id, kind=kind)), 303
    return render_template("assessments/finding_form.html", form=form, case=case, kind=kind, kinds=KINDS,
                           revision=rev, editable=kind in services.editable_kinds(case),
                           affected=services.affected(services.measure_of(case)) if kind == "effectiveness" else None,
                           ), 422 if form.errors else 200


def _fill(form, content: dict) -> None:
    import datetime as dt

    for name, value in content.items():
        field = getattr(form, name, None)
        if field is None or name == "alternatives":
            continue
        field.data = dt.date.fromisoformat(value) if name == "review_date" and value else value
    for i, alt in enumerate(content.get("alternatives") or []):
        if i < len(form.alternatives.entries):
            form.alternatives.entries[i].alternative.data = alt.get("alternative")
            form.alternatives.entries[i].why_insufficient.data = alt.get("why_insufficient")


def _store(case: Case, upload):
    data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    return add_document(data=data, filename=upload.filename, classification="internal", actor=current_user, case=case)


@bp.route("/assessments/<int:case_id>/revisions")
@policies.policy(policies.CASE_WORKERS)
def revisions(case_id: int):
    """Every text revision; two of them side by side (``?a=&b=``, default: the last two)."""
    case = load_case(case_id)
    if case.case_type != services.CASE_TYPE:
        abort(404)
    rows = services.revisions_of(case)
    by_number = {r.number: r for r in rows}
    b = by_number.get(request.args.get("b", type=int)) or rows[-1]
    a = by_number.get(request.args.get("a", type=int)) or (rows[-2] if len(rows) > 1 else rows[-1])
    return render_template("assessments/revisions.html", case=case, rows=rows, a=a, b=b, diff=side_by_side(a, b))


def side_by_side(a: MeasureRevision, b: MeasureRevision) -> list[tuple[str, str, str]]:
    """(kind, left line, right line) rows: equal, changed, removed, added."""
    left, right = a.text.splitlines(), b.text.splitlines()
    out: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if op == "equal":
            out += [("equal", x, y) for x, y in zip(left[i1:i2], right[j1:j2], strict=False)]
            continue
        old, new = left[i1:i2], right[j1:j2]
        for k in range(max(len(old), len(new))):
            x, y = (old[k] if k < len(old) else ""), (new[k] if k < len(new) else "")
            out.append(("changed" if x and y else "removed" if x else "added", x, y))
    return out


@bp.route("/assessments/<int:case_id>/summary", methods=["POST"])
@policies.policy(policies.OFFICERS)
def summary(case_id: int):
    case = _own_case(case_id)
    form = SummaryForm()
    if not form.validate_on_submit():
        flash(_("Write the plain summary of the assessments for the public first."), "error")
    else:
        try:
            services.set_summary(case, actor=current_user, summary=form.summary.data)
        except services.AssessmentError as err:
            _refused(err)
        else:
            flash(_("The public summary was saved."), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


@bp.route("/assessments/comments/<int:comment_id>/moderate", methods=["POST"])
@policies.policy(policies.OFFICERS)
def moderate(comment_id: int):
    comment = db.session.get(Comment, comment_id) or abort(404)
    case = _own_case(comment.consultation.case_id)
    form = ModerateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.moderate(comment, actor=current_user, publish=request.form.get("decision") == "publish",
                          category=form.category.data or None)
    except services.AssessmentError as err:
        _refused(err)
    else:
        flash(_("Comment %(ref)s moderated.", ref=comment.reference), "success")
    return redirect(url_for("cases.show", case_id=case.id) + "#consultation"), 303


@bp.route("/assessments/<int:case_id>/outcome", methods=["POST"])
@policies.policy(policies.OFFICERS)
def outcome(case_id: int):
    case = _own_case(case_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("Say how the comments were taken into account."), "error")
    else:
        answers = {t: request.form.get(f"answer_{t}", "") for t in THEMES}
        try:
            services.record_outcome(case, actor=current_user, outcome=form.outcome.data, answers=answers)
        except services.AssessmentError as err:
            _refused(err)
        else:
            flash(_("The consultation's outcome was recorded."), "success")
    return redirect(url_for("cases.show", case_id=case.id) + "#consultation"), 303


# -- the public side ----------------------------------------------------------------------------

def _public_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or case.case_type != services.CASE_TYPE or services.consultation_of(case) is None:
        abort(404)
    return case


@bp.route("/register/measures/<int:case_id>", methods=["GET", "POST"])
@policies.policy(policies.PUBLIC)
def public_measure(case_id: int):
    """A measure that went to consultation: the draft, the plain summary, the published comments
    (reference, theme, text — never a name or contact), the conclusion, and the comment form while open."""
    case = _public_case(case_id)
    consultation = services.consultation_of(case)
    open_now = case.state in ASSESSMENT.tagged(CONSULTATION) and consultation.closed_at is None
    form = CommentForm()
    status = 200
    if open_now and form.validate_on_submit():
        try:
            row = services.submit_comment(case, name=form.name.data, contact=form.contact.data, theme=form.theme.data,
                                          text=form.text.data, client_address=client_address())
        except services.RateLimited as err:
            form.text.errors = list(form.text.errors) + [_(err.message, **err.params)]
            status = 429
        except services.AssessmentError as err:
            _refused(err)
            return redirect(url_for("assessments.public_measure", case_id=case.id)), 303
        else:
            flash(_("Your comment was received with reference number %(ref)s. It is published once moderated.",
                    ref=row.reference), "success")
            return redirect(url_for("assessments.public_measure", case_id=case.id)), 303
    elif form.errors:
        status = 422
    return render_template("assessments/public_measure.html", case=case, consultation=consultation,
                           measure=services.measure_of(case), open_now=open_now, form=form,
                           comments=services.comments_of(consultation, statuses=("published",)),
                           themes=THEMES, state_label=ASSESSMENT.state_label(case.state)), status
