"""The registry's signed-in pages: the firm's models and applications, the model form, and the officer's override, referral and reclassification; the
rulesets for admins.  Thin: load (404) → authorise → validate → one service call → redirect."""
from __future__ import annotations

import functools
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.cases.models import Case
from supervision.core import fragments
from supervision.core.forms import opts
from supervision.core.i18n import asked_language, label, pick
from supervision.core.timeutil import local_today
from supervision.documents.services import UploadRejected, upload_limit
from supervision.extensions import db
from supervision.registry import firm_models, services, tiering
from supervision.registry.forms import (ApplyForm, ModelForm, ObjectionAnswerForm, ObjectionForm,
                                        OverrideForm, PostalServiceForm, ReclassifyForm, ReferralForm, RulesetForm)
from supervision.registry.models import INTELLIGENCE_LEVELS, Objection, Registration, RobotModel, Ruleset
from workflows.base import N_

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
    """The firm's models, a page at a time.  The list is rendered from the database once per
    firm, page, language, day and data version, and kept (``core.fragments``)."""
    firm_id, page = current_user.organisation_id, request.args.get("page", 1, type=int)
    parts = (firm_id, page, str(get_locale()), asked_language(), local_today())
    body = fragments.render("firm-models", parts, functools.partial(_models_body, firm_id, page))
    return render_template("registry/models.html", body=body)


def _models_body(firm_id: int, page: int, **context) -> str:
    listing = firm_models.firm_page(firm_id, page)
    return render_template("registry/_models_body.html", listing=listing, texts=firm_models.Texts(), **context)


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
    registered = services.registration_in_force(model)
    if registered is not None:  # what was decided on is frozen: a change is applied for instead
        flash(_(services.REGISTERED_FROZEN), "info")
        return redirect(url_for("cases.show", case_id=registered.case_id, _anchor="change-panel")), 303
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
                           open_reg=services.open_case_of(model), levels=INTELLIGENCE_LEVELS,
                           registered=services.registration_in_force(model))


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
        _form_refused(form)
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


def _form_refused(form) -> None:
    for errors in form.errors.values():
        for e in errors:
            flash(e, "error")


@bp.route("/cases/<int:case_id>/objections", methods=["POST"])
@policies.policy(policies.OFFICERS)
def record_objection(case_id: int):
    """An objection the regulator received by letter or in person goes on record."""
    reg = _officer_registration(case_id)
    form = ObjectionForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return redirect(url_for("cases.show", case_id=case_id)), 303
    try:
        objection = services.file_objection(reg.case, text_=form.text.data, objector=form.objector.data,
                                            contact=form.contact.data, client_address=None,
                                            recorded_by=current_user)
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The objection is on record under reference %(ref)s.", ref=objection.reference), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


@bp.route("/cases/<int:case_id>/objections/<int:objection_id>/answer", methods=["POST"])
@policies.policy(policies.OFFICERS)
def answer_objection(case_id: int, objection_id: int):
    reg = _officer_registration(case_id)
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.case_id != reg.case_id:
        abort(404)
    form = ObjectionAnswerForm()
    if not form.validate_on_submit():
        _form_refused(form)
        return redirect(url_for("cases.show", case_id=case_id)), 303
    try:
        services.answer_objection(objection, actor=current_user, answer=form.answer.data)
    except services.RegistryError as err:
        _refused(err)
    else:
        flash(_("The answer to objection %(ref)s is on record and was sent to the objector.",
                ref=objection.reference), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


@bp.route("/cases/<int:case_id>/service/<int:record_id>/postal", methods=["POST"])
@policies.policy(policies.OFFICERS)
def postal_service(case_id: int, record_id: int):
    """The officer records a postal service with its return receipt (the period from receipt
    starts on the day the firm signed for it)."""
    from supervision.decisions import delivery
    from supervision.documents.services import add_document, check_upload

    reg = _officer_registration(case_id)
    row = db.session.get(delivery.ServiceRecord, record_id)
    if row is None or row.decision.case_id != reg.case_id:
        abort(404)
    form = PostalServiceForm()
    upload = form.receipt.data
    if not form.validate_on_submit() or upload is None or not getattr(upload, "filename", ""):
        _form_refused(form)
        if upload is None or not getattr(upload, "filename", ""):
            flash(_("Attach the return receipt."), "error")
        return redirect(url_for("cases.show", case_id=case_id)), 303
    data = upload.read(upload_limit() + 1)
    try:
        check_upload(data, "internal")
        if row.served:
            raise delivery.ServiceError(N_("This document's service is already on record."))
        receipt = add_document(data=data, filename=upload.filename, classification="internal",
                               actor=current_user, case=reg.case)
        delivery.record_postal(row, receipt=receipt, received_on=form.received_on.data, actor=current_user)
    except UploadRejected as err:
        flash(err.user_message(), "error")
    except delivery.ServiceError as err:
        flash(_(str(err)), "error")
    else:
        flash(_("The service by post is on record."), "success")
    return redirect(url_for("cases.show", case_id=case_id)), 303


# -- rulesets -------------------------------------------------------------------------------

@bp.route("/rulesets")
@policies.policy(RULESET_READERS)
def rulesets():
    from supervision.assessments import binding

    rows = db.session.execute(db.select(Ruleset).order_by(Ruleset.version.desc())).scalars().all()
    chains = {r.id: binding.chain(r, [x.id for x in rows if x.version <= r.version]) for r in rows}
    return render_template("registry/rulesets.html", rows=rows, chains=chains, flag_unbased=binding.flag_unbased())


@bp.route("/rulesets/new", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def new_ruleset():
    from supervision.assessments import binding

    form = RulesetForm()
    form.instrument.choices = opts([("", "—")] + [(k, pick(zh, en)) for k, zh, en in binding.adopted_instruments()])
    if request.method == "GET":
        latest = db.session.execute(db.select(Ruleset).order_by(Ruleset.version.desc()).limit(1)).scalar()
        rules = latest.rules if latest else tiering.DEFAULT_RULES_V1
        form.rules.data = json.dumps(rules, indent=2, ensure_ascii=False)
    if form.validate_on_submit():
        try:
            rs = services.create_ruleset(actor=current_user, rules=form.rules.parsed, note=form.note.data,
                                         assessment_ref=form.assessment_ref.data,
                                         instrument=form.instrument.data or None)
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
