"""The registry's signed-in pages: the firm's models and applications, the model form, the
certificate declaration, and the officer's override, referral and reclassification; the
rulesets for admins.  Thin: load (404) → authorise → validate → one service call → redirect."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.cases.models import Case
from supervision.core.i18n import label
from supervision.documents.services import UploadRejected, upload_limit
from supervision.extensions import db
from supervision.registry import services, tiering
from supervision.registry.forms import (ApplyForm, CertificateForm, ModelForm, OverrideForm, ReclassifyForm,
                                        ReferralForm, RulesetForm)
from supervision.registry.models import INTELLIGENCE_LEVELS, Registration, RobotModel, Ruleset
from supervision.registry.presenters import firm_page

bp = Blueprint("registry", __name__, url_prefix="/registry")

RULESET_READERS = policies.RoutePolicy("ruleset_readers", frozenset({"admin", "officer", "approver", "auditor"}))


def _load_model(model_id: int) -> RobotModel:
    model = db.session.get(RobotModel, model_id)
    if model is None:
        abort(404)
    policies.authorize(model.firm_id == current_user.organisation_id, model, object_type="robot_model")
    return model


def _load_registration(case_id: int) -> Registration:
    case = load_case(case_id)
    reg = services.registration_of(case)
    if reg is None:
        abort(404)
    return reg


def _refused(err: services.RegistryError) -> None:
    flash(_(err.message, **err.params), "error")


# -- the firm --------------------------------------------------------------------------------

@bp.route("/models")
@policies.policy(policies.APPLICANTS)
def models():
    listing = firm_page(current_user.organisation_id, request.args.get("page", 1, type=int))
    return render_template("registry/models.html", rows=listing.rows, page=listing.page,
                           pages=listing.pages, total=listing.total)


@bp.route("/models/new", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def new_model():
    form = ModelForm()
    submitting = request.form.get("action") == "submit"
    if form.validate_on_submit() and (not submitting or form.require_complete()):
        try:
            saved = services.save_model(None, firm=current_user.organisation, actor=current_user,
                                        name=form.name.data, values=form.values(), submit=submitting)
        except services.RegistryError as err:
            _refused(err)
        else:
            return _after_save(saved)
    status = 422 if form.errors else 200
    return render_template("registry/model_form.html", form=form, model=None,
                           levels=INTELLIGENCE_LEVELS), status


@bp.route("/models/<int:model_id>/edit", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def edit_model(model_id: int):
    model = _load_model(model_id)
    current = model.current
    form = ModelForm(obj=current, name=model.name)
    if request.method == "GET":
        form.intelligence_level.data = str(current.intelligence_level or "")
        form.scenarios.data = current.scenarios
    submitting = request.form.get("action") == "submit"
    if form.validate_on_submit() and (not submitting or form.require_complete()):
        return _after_save(services.save_model(model, firm=current_user.organisation, actor=current_user,
                                               name=form.name.data, values=form.values(), submit=submitting))
    status = 422 if form.errors else 200
    return render_template("registry/model_form.html", form=form, model=model,
                           levels=INTELLIGENCE_LEVELS), status


def _after_save(saved: services.Saved):
    for reason in saved.refusals:
        flash(label(reason), "error")
    reg = saved.registration
    if saved.submitted:
        flash(_("The application was submitted."), "success")
        return redirect(url_for("cases.show", case_id=reg.case_id)), 303
    flash(_("Saved."), "success")
    if reg is not None:
        return redirect(url_for("cases.show", case_id=reg.case_id)), 303
    return redirect(url_for("registry.models")), 303


@bp.route("/models/<int:model_id>")
@policies.policy(policies.APPLICANTS)
def show_model(model_id: int):
    model = _load_model(model_id)
    regs = db.session.execute(db.select(Registration).filter_by(model_id=model.id)
                              .order_by(Registration.id)).scalars().all()
    return render_template("registry/model.html", model=model, regs=regs,
                           open_reg=services.open_case_of(model), levels=INTELLIGENCE_LEVELS)


@bp.route("/models/<int:model_id>/apply", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def apply(model_id: int):
    model = _load_model(model_id)
    if not ApplyForm().validate_on_submit():
        abort(400)
    try:
        reg = services.start_application(model, actor=current_user)
    except services.RegistryError as err:
        _refused(err)
        return redirect(url_for("registry.show_model", model_id=model.id)), 303
    return redirect(url_for("cases.show", case_id=reg.case_id)), 303


@bp.route("/cases/<int:case_id>/certificate", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def certificate(case_id: int):
    reg = _load_registration(case_id)
    policies.authorize("applicant" in policies.case_roles(current_user, reg.case), reg.case)
    form = CertificateForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for("cases.show", case_id=case_id)), 303
    upload = form.document.data
    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    try:  # a refusal is raised before anything is stored: the redirect commits nothing
        services.declare_certificate(
            reg, actor=current_user, number=form.certificate_number.data, body=form.certificate_body.data,
            evidence=upload.read(upload_limit() + 1) if has_file else None,
            filename=upload.filename if has_file else "")
    except UploadRejected as err:
        flash(err.user_message(), "error")
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The certificate was declared."), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


# -- the officer ----------------------------------------------------------------------------

def _officer_registration(case_id: int) -> Registration:
    reg = _load_registration(case_id)
    policies.authorize("officer" in policies.case_roles(current_user, reg.case), reg.case)
    return reg


@bp.route("/cases/<int:case_id>/override", methods=["POST"])
@policies.policy(policies.OFFICERS)
def override(case_id: int):
    reg = _officer_registration(case_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for("cases.show", case_id=case_id)), 303
    try:
        services.override_tier(reg, actor=current_user, tier=int(form.tier.data), reason=form.reason.data)
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The tier was changed; the reason is on record."), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


@bp.route("/cases/<int:case_id>/refer", methods=["POST"])
@policies.policy(policies.OFFICERS)
def refer(case_id: int):
    reg = _officer_registration(case_id)
    form = ReferralForm()
    if not form.validate_on_submit():
        flash(_("Write a note for the referral."), "error")
        return redirect(url_for("cases.show", case_id=case_id)), 303
    try:
        services.refer_to_sandbox(reg, actor=current_user, note=form.note.data)
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The model was referred to the sandbox."), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


@bp.route("/cases/<int:case_id>/reclassify", methods=["POST"])
@policies.policy(policies.OFFICERS)
def reclassify(case_id: int):
    reg = _officer_registration(case_id)
    form = ReclassifyForm()
    if not form.validate_on_submit():
        flash(_("Give the reasons for reclassification."), "error")
        return redirect(url_for("cases.show", case_id=case_id)), 303
    try:
        services.reclassify(reg, actor=current_user, reason=form.reason.data)
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The model was classified under the ruleset now in force."), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


# -- rulesets -------------------------------------------------------------------------------

@bp.route("/rulesets")
@policies.policy(RULESET_READERS)
def rulesets():
    rows = db.session.execute(db.select(Ruleset).order_by(Ruleset.version.desc())).scalars().all()
    return render_template("registry/rulesets.html", rows=rows)


@bp.route("/rulesets/new", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def new_ruleset():
    form = RulesetForm()
    if request.method == "GET":
        latest = db.session.execute(db.select(Ruleset).order_by(Ruleset.version.desc()).limit(1)).scalar()
        rules = latest.rules if latest else tiering.DEFAULT_RULES_V1
        form.rules.data = json.dumps(rules, indent=2, ensure_ascii=False)
    if form.validate_on_submit():
        try:
            rs = services.create_ruleset(actor=current_user, rules=form.rules.parsed, note=form.note.data,
                                         assessment_ref=form.assessment_ref.data)
        except services.RegistryError as err:
            form.rules.errors = list(form.rules.errors) + [_(err.message, **err.params)]
        else:
            flash(_("Ruleset version %(v)s is now in force.", v=rs.version), "success")
            return redirect(url_for("registry.rulesets")), 303
    status = 422 if form.errors else 200
    return render_template("registry/ruleset_form.html", form=form), status


def case_panel(case: Case) -> dict:
    """What the registration panel of a case page shows (a template global)."""
    from supervision.registry.presenters import panel

    return panel(case, current_user)
