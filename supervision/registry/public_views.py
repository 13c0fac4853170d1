"""The public register (no login, DOMAIN §10): registered models with tier, firm and number;
models in public notice with the objection form; suspensions and revocations; and JSON."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from supervision import policies
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.errors import Conflict
from supervision.core.requestctx import client_address
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.forms import ObjectionForm
from supervision.registry.models import FORM_FACTORS, SCENARIO_CLASSES, TIER_LABELS
from supervision.registry.presenters import PUBLIC_ENDED, PUBLIC_REGISTERED, register_entries

bp = Blueprint("register", __name__)


@bp.route("/register")
@policies.policy(policies.PUBLIC)
def index():
    return render_template("public/register.html", registered=register_entries(PUBLIC_REGISTERED),
                           notices=register_entries(("public_notice",)), ended=register_entries(PUBLIC_ENDED),
                           tiers=TIER_LABELS, form_factors=FORM_FACTORS, classes=SCENARIO_CLASSES)


@bp.route("/register.json")
@policies.policy(policies.PUBLIC)
def as_json():
    def rows(states):
        return [{"registration_number": e.number, "model": e.model, "firm": {"name_zh": e.firm_zh,
                 "name_en": e.firm_en, "credit_code": e.credit_code}, "tier": e.tier, "status": e.state,
                 "form_factor": e.form_factor, "intelligence_level": e.level,
                 "scenario_classes": e.scenario_classes,
                 "registered_on": e.registered_on.isoformat() if e.registered_on else None,
                 "public_notice_until": e.notice_until.isoformat() if e.notice_until else None}
                for e in register_entries(states)]

    return jsonify(registered=rows(PUBLIC_REGISTERED), public_notice=rows(("public_notice",)),
                   suspended_or_ended=rows(PUBLIC_ENDED))


def _notice_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or case.case_type != "registration" or case.state != "public_notice":
        abort(404)
    return case


@bp.route("/register/notice/<int:case_id>", methods=["GET", "POST"])
@policies.policy(policies.PUBLIC)
def notice(case_id: int):
    case = _notice_case(case_id)
    entry = next(e for e in register_entries(("public_notice",)) if e.case_id == case.id)
    form = ObjectionForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.file_objection(case, text_=form.text.data, objector=form.objector.data,
                                    contact=form.contact.data, client_address=client_address())
        except services.RateLimited as err:
            db.session.rollback()
            form.text.errors = list(form.text.errors) + [_(err.message, **err.params)]
            status = 429
        except (services.RegistryError, cases.TransitionRefused, cases.InvalidTrigger, Conflict):
            db.session.rollback()
            flash(_("This model is no longer in public notice."), "error")
            return redirect(url_for("register.index")), 303
        else:
            flash(_("Your objection was received. The model goes back to review with your objection on record."),
                  "success")
            return redirect(url_for("register.index")), 303
    elif form.errors:
        status = 422
    return render_template("public/register_notice.html", entry=entry, form=form, tiers=TIER_LABELS,
                           form_factors=FORM_FACTORS), status
