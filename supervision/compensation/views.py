"""The firm's compensation claim, filed from its rescinded registration's page.  Thin: load (404)
→ authorise → validate → one service call → redirect.  The officer's proposal and the approver's
decision are the case page's workflow actions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.cases.loaders import load_case
from supervision.compensation import services
from supervision.compensation.forms import ClaimForm
from supervision.core.timeutil import local_date
from supervision.registry.services import registration_of

bp = Blueprint("compensation", __name__, url_prefix="/compensation")


@bp.route("/registrations/<int:case_id>/claim", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def file_claim(case_id: int):
    reg_case = load_case(case_id)
    if registration_of(reg_case) is None:
        abort(404)
    policies.authorize(reg_case.firm_id == current_user.organisation_id, reg_case)
    rescission, why_not = services.may_claim(reg_case)
    if why_not:
        flash(_(why_not), "error")
        return redirect(url_for("cases.show", case_id=reg_case.id)), 303
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            claim = services.file_claim(reg_case, actor=current_user, amount=form.amount.data, loss=form.loss.data)
        except services.ClaimError as err:
            form.amount.errors = [*form.amount.errors, _(err.message, **err.params)]
        else:
            flash(_("Your compensation claim was received on %(day)s: the regulator decides within two months.",
                    day=local_date(claim.case.created_at).isoformat()), "success")
            return redirect(url_for("cases.show", case_id=claim.case_id)), 303
    status = 422 if form.errors else 200
    return render_template("compensation/claim.html", form=form, reg_case=reg_case, rescission=rescission,
                           limitation=services.limitation_ends(rescission)), status


def panel(case) -> dict:
    """On a rescinded registration: its claims and whether the firm may claim now; on a claim:
    the claim itself."""
    claim = services.claim_of(case)
    if claim is not None:
        return {"claim": claim, "yuan": services.yuan}
    if registration_of(case) is None or services.rescission_in_force(case) is None:
        return {}
    rescission, why_not = services.may_claim(case)
    mine = case.firm_id == getattr(current_user, "organisation_id", None) and "applicant" in current_user.roles
    return {"claims": services.claims_on(case), "may_claim": mine and why_not is None,
            "limitation": services.limitation_ends(rescission) if rescission else None, "yuan": services.yuan}
