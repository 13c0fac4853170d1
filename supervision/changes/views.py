"""The firm's change and renewal applications, made from its registration's page.  Thin: load
(404) → authorise → validate → one service call → redirect.  The officer's proposal and the
approver's decision are the case page's workflow actions."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.changes import services
from supervision.registry.forms import ApplyForm, ModelForm
from supervision.registry.models import INTELLIGENCE_LEVELS, Registration
from supervision.registry.services import registration_of

bp = Blueprint("changes", __name__, url_prefix="/changes")


def _registration(case_id: int) -> Registration:
    case = load_case(case_id)
    reg = registration_of(case)
    if reg is None:
        abort(404)
    policies.authorize(case.firm_id == current_user.organisation_id, case)
    return reg


@bp.route("/registrations/<int:case_id>/change", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def apply_change(case_id: int):
    reg = _registration(case_id)
    form = ModelForm(obj=reg.version, name=reg.model.name)
    if not form.is_submitted():
        form.intelligence_level.data = str(reg.version.intelligence_level or "")
        form.scenarios.data = reg.version.scenarios
    if form.validate_on_submit() and form.require_complete():
        try:
            app = services.apply_for_change(reg, actor=current_user, name=form.name.data, values=form.values())
        except services.ChangeError as err:
            flash(_(err.message, **err.params), "error")
        else:
            flash(_("Your application for a change was submitted."), "success")
            return redirect(url_for("cases.show", case_id=app.case_id)), 303
    status = 422 if form.errors else 200
    return render_template("changes/apply.html", form=form, reg=reg, levels=INTELLIGENCE_LEVELS), status


@bp.route("/registrations/<int:case_id>/renewal", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def apply_renewal(case_id: int):
    reg = _registration(case_id)
    if not ApplyForm().validate_on_submit():
        abort(400)
    try:
        app = services.apply_for_renewal(reg, actor=current_user)
    except services.ChangeError as err:
        flash(_(err.message, **err.params), "error")
        return redirect(url_for("cases.show", case_id=reg.case_id, _anchor="change-panel")), 303
    flash(_("Your application for renewal was submitted."), "success")
    return redirect(url_for("cases.show", case_id=app.case_id)), 303


def _last_day(expires_on):
    """The last day in force (a registration's ``expires_on`` is the first day it is not)."""
    return None if expires_on is None else expires_on - dt.timedelta(days=1)


def panel(case) -> dict:
    """What the change panels show: on a registration case, its change and renewal applications
    and whether the firm may apply; on a change case, the application and what it changes."""
    from supervision.changes.decision_kinds import changed_rows

    app = services.application_of(case)
    if app is not None:
        return {"app": app, "changes": changed_rows(app), "until": _last_day(app.previous_expires_on),
                "renewed_until": _last_day(app.new_expires_on)}
    reg = registration_of(case)
    if reg is None:
        return {}
    in_force = case.state in services.IN_FORCE and reg.registration_number is not None
    return {"reg": reg, "in_force": in_force, "applications": services.applications_on(reg),
            "pending": services.pending_on(reg), "until": _last_day(reg.expires_on), "lead_days": services.lead_days(),
            "may_apply": in_force and case.firm_id == getattr(current_user, "organisation_id", None)
            and "applicant" in current_user.roles}
