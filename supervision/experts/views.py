"""Pages of the expert pool: the administrators' list of experts, an expert's profile (their
conflict declarations), the officer's draw on a case in expert review, "my assignments" and
the assignment page (the case type's material, the step's deadline, the opinion form)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import Organisation, User, UserRole
from supervision.cases import services as cases
from supervision.cases.loaders import load_case
from supervision.cases.models import Case, CaseRole
from supervision.core.forms import opts
from supervision.core.i18n import label, pick
from supervision.core.urls import MAX_ID
from supervision.documents.models import Document
from supervision.experts import access, services, step
from supervision.experts.forms import (ActiveForm, ConflictForm, DeclineForm, DrawForm, EndConflictForm,
                                       ExpertForm, OpinionForm)
from supervision.experts.models import Expert, ExpertConflict, ExpertOpinion
from supervision.extensions import db

bp = Blueprint("experts", __name__)


def _refused(err: services.Refused) -> None:
    flash(_(err.msgid, **err.params), "error")


def _organisation_choices(blank: str | None = None):
    orgs = db.session.execute(db.select(Organisation).order_by(Organisation.kind, Organisation.id)).scalars()
    pairs = [(o.id, pick(o.name_zh, o.name_en)) for o in orgs]
    return opts(([(0, blank)] if blank else []) + pairs)


def field_labels() -> dict[str, str]:
    return {code: label(text) for code, text in current_app.config["EXPERT_FIELDS"]}


# -- administrators ------------------------------------------------------------------------

@bp.route("/admin/experts", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def admin():
    form = ExpertForm()
    have = set(db.session.execute(db.select(Expert.user_id)).scalars())
    candidates = db.session.execute(db.select(User).join(UserRole).where(UserRole.role == "expert")
                                    .order_by(User.id)).scalars().unique().all()
    form.user_id.choices = opts([(u.id, f"{u.name} <{u.email}>") for u in candidates if u.id not in have])
    form.fields.choices = opts(field_labels().items())
    form.organisation_id.choices = _organisation_choices(_("None"))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.create_expert(db.session.get(User, form.user_id.data), fields=form.fields.data,
                                       actor=current_user, affiliation=form.affiliation.data or "",
                                       title=form.title.data or "",
                                       organisation_id=form.organisation_id.data or None)
            except services.Refused as err:
                _refused(err)
            else:
                flash(_("The expert was added to the pool."), "success")
                return redirect(url_for("experts.admin")), 303
        status = 422
    experts = db.session.execute(db.select(Expert).order_by(Expert.id)).scalars().unique().all()
    return render_template("experts/admin.html", form=form, experts=experts, fields=field_labels(),
                           active_form=ActiveForm()), status


@bp.route("/admin/experts/active", methods=["POST"])
@policies.policy(policies.ADMINS)
def set_active():
    form = ActiveForm()
    expert = db.session.get(Expert, form.expert_id.data or 0) if form.validate_on_submit() else None
    if expert is None:
        abort(404)
    active = request.form.get("active") == "1"
    services.set_expert_active(expert, active, actor=current_user, reason=form.reason.data or None)
    flash(_("The expert was reactivated.") if active else _("The expert was deactivated; they are no longer drawn."),
          "success")
    return redirect(url_for("experts.admin")), 303


# -- the expert ----------------------------------------------------------------------------

def _own_record() -> Expert:
    expert = services.expert_of(current_user)
    if expert is None:
        abort(404)
    return expert


@bp.route("/experts/profile", methods=["GET", "POST"])
@policies.policy(access.EXPERTS)
def profile():
    expert = _own_record()
    form = ConflictForm()
    form.organisation_id.choices = _organisation_choices()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.declare_conflict(expert, organisation_id=form.organisation_id.data,
                                          reason=form.reason.data, valid_from=form.valid_from.data,
                                          valid_to=form.valid_to.data, actor=current_user)
            except services.Refused as err:
                _refused(err)
            else:
                flash(_("Your declaration is on record."), "success")
                return redirect(url_for("experts.profile")), 303
        status = 422
    return render_template("experts/profile.html", expert=expert, form=form, end_form=EndConflictForm(),
                           fields=field_labels()), status


@bp.route("/experts/profile/end-conflict", methods=["POST"])
@policies.policy(access.EXPERTS)
def end_conflict():
    expert = _own_record()
    form = EndConflictForm()
    row = db.session.get(ExpertConflict, form.conflict_id.data or 0) if form.validate_on_submit() else None
    if row is None or row.expert_id != expert.id:
        abort(404)
    services.end_conflict(row, actor=current_user)
    flash(_("The declaration ends today."), "success")
    return redirect(url_for("experts.profile")), 303


@bp.route("/experts/assignments")
@policies.policy(access.EXPERTS)
def assignments():
    rows = db.session.execute(
        db.select(Case).join(CaseRole, CaseRole.case_id == Case.id)
        .where(CaseRole.user_id == current_user.id, CaseRole.role == "expert", CaseRole.ended_at.is_(None))
        .order_by(Case.id)).scalars().unique().all()
    given = set(db.session.execute(db.select(ExpertOpinion.case_id)
                                   .where(ExpertOpinion.expert_user_id == current_user.id)).scalars())
    open_ = [c for c in rows if c.id not in given and step.in_review(c)]
    done = [c for c in rows if c.id in given]
    deadlines = step.step_deadlines(open_)
    open_.sort(key=lambda c: (c.id not in deadlines, deadlines[c.id].due_at if c.id in deadlines else None, c.id))
    return render_template("experts/assignments.html", open_cases=open_, done_cases=done, deadlines=deadlines)


def _load_assignment(case_id: int) -> Case:
    case = db.session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    if case is None or not access.can_open_assignment(current_user, case):
        abort(404)
    return case


@bp.route("/experts/cases/<int:case_id>", methods=["GET", "POST"])
@policies.policy(access.EXPERTS)
def assignment(case_id: int):
    case = _load_assignment(case_id)
    mine = services.opinion_of(case, current_user)
    form = OpinionForm()
    spec = step.spec_of(case)
    form.recommendation.choices = opts((k, label(v)) for k, v in (spec.recommendations if spec else ()))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            corrects = None
            if form.corrects_id.data:
                corrects = db.session.get(ExpertOpinion, int(form.corrects_id.data)) if form.corrects_id.data.isdigit() else None
                if corrects is None or corrects.expert_user_id != current_user.id or corrects.case_id != case.id:
                    abort(404)
            try:
                services.submit_opinion(case, actor=current_user, recommendation=form.recommendation.data,
                                        reasons=form.reasons.data, conditions=form.conditions.data or "",
                                        no_conflict=form.no_conflict.data, corrects=corrects)
            except services.Refused as err:
                _refused(err)
            else:
                flash(_("Your opinion is on record."), "success")
                return redirect(url_for("experts.assignment", case_id=case.id)), 303
        status = 422
    others = ([o for o in services.opinions_of(case) if o.expert_user_id != current_user.id]
              if access.can_see_others_opinions(current_user, case) else None)
    return render_template("experts/assignment.html", case=case, mine=mine, form=form, others=others,
                           decline_form=DeclineForm(), open_step=step.in_review(case),
                           deadline=step.step_deadline(case), material=step.material_for(case)), status


@bp.route("/experts/cases/<int:case_id>/documents/<int:doc_id>")
@policies.policy(access.EXPERTS)
def material_document(case_id: int, doc_id: int):
    """A document of the material the case type gives its experts (404 for anything else)."""
    from supervision.documents.views import attachment

    case = _load_assignment(case_id)
    doc = db.session.get(Document, doc_id) if 0 < doc_id <= MAX_ID else None
    if doc is None or not access.can_read_material(current_user, case, doc):
        abort(404)
    return attachment(doc)


@bp.route("/experts/cases/<int:case_id>/decline", methods=["POST"])
@policies.policy(access.EXPERTS)
def decline(case_id: int):
    case = _load_assignment(case_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("A decline needs a reason."), "error")
        return redirect(url_for("experts.assignment", case_id=case.id)), 303
    try:
        services.decline(case, user=current_user, reason=form.reason.data, actor=current_user)
    except services.Refused as err:
        _refused(err)
        return redirect(url_for("experts.assignment", case_id=case.id)), 303
    flash(_("You declined the case; another expert was drawn in your place."), "success")
    return redirect(url_for("experts.assignments")), 303


# -- the officer's draw -------------------------------------------------------------------

@bp.route("/cases/<int:case_id>/experts/draw", methods=["GET", "POST"])
@policies.policy(policies.OFFICERS)
def draw(case_id: int):
    case = load_case(case_id)
    policies.authorize(access.can_draw_experts(current_user, case), case)
    spec = step.spec_of(case)
    previous = services.latest_draw(case)
    form = DrawForm()
    form.fields.choices = opts(field_labels().items())
    if request.method == "GET":
        form.n.data = spec.default_n
        form.fields.data = list(spec.default_fields)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                row = services.draw_experts(case, n=form.n.data, fields=form.fields.data, actor=current_user,
                                            reason=(form.reason.data or "").strip() or None)
            except services.Refused as err:
                _refused(err)
            else:
                flash(_("%(n)s experts were drawn (draw %(id)s); they are told and see the case under "
                        "\"My assignments\".", n=len(row.result), id=row.id), "success")
                return redirect(url_for("cases.show", case_id=case.id) + "#expert-opinions"), 303
        status = 422
    chosen = form.fields.data or list(spec.default_fields)
    eligible = len(services.eligible_pool(case, fields=chosen)) if chosen else 0
    return render_template("experts/draw.html", case=case, form=form, previous=previous, eligible=eligible,
                           chosen=[field_labels().get(f, f) for f in chosen],
                           on_case=cases.roles_on(case, role="expert"), deadline=step.step_deadline(case)), status


# -- the case page panel -------------------------------------------------------------------

def panel_for(case: Case) -> dict | None:
    """What the expert panel of a case page shows to the current user (None: nothing)."""
    spec = step.spec_of(case)
    if spec is None:
        return None
    draws = services.draws_of(case)
    opinions = services.opinions_of(case)
    may_draw = access.can_draw_experts(current_user, case)
    if not draws and not opinions and not may_draw:
        return None
    base = {"spec": spec, "in_review": step.in_review(case), "may_draw": may_draw,
            "deadline": step.step_deadline(case)}
    if access.can_see_all_opinions(current_user, case):
        active = set(step.active_experts(case))
        heard = {o.expert_user_id for o in opinions}
        return {**base, "full": True, "draws": draws, "opinions": opinions,
                "waiting": len(active - heard),
                "experts": {r.user_id: r for r in cases.roles_on(case, role="expert", active=False)}}
    if access.can_see_opinion_summary(current_user, case) and spec.firm_sees_opinions and opinions:
        latest = {}
        for o in opinions:  # a correction replaces what it corrects
            latest[o.expert_user_id] = o
        return {**base, "full": False, "names": spec.firm_sees_names, "opinions": list(latest.values())}
    return None
