"""The incident pages: the list, the report form (a firm about itself, or a regulator about a
firm), and the action a regulator takes from an incident on a linked sandbox test or registration.
The case page (``cases.show``) shows the incident through its panel and fires its table."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.cases.loaders import load_case
from supervision.cases.models import Case
from supervision.core.forms import opts
from supervision.core.i18n import label
from supervision.documents.services import UploadRejected
from supervision.documents.uploads import Upload
from supervision.extensions import db
from supervision.incidents import services
from supervision.incidents.forms import LinkedActionForm, ReportForm
from supervision.incidents.models import DATA_CATEGORIES, Incident
from workflows.base import TransitionRefused
from workflows.incident import INCIDENT, SEVERITIES

bp = Blueprint("incidents", __name__)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _utc(local: dt.datetime | None) -> dt.datetime | None:
    if local is None:
        return None
    return local.replace(tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def may_report(user) -> bool:
    """A firm's applicant reports about its own firm; an officer about any firm."""
    return user.is_authenticated and (("applicant" in user.roles and policies.is_firm_user(user))
                                      or "officer" in user.roles)


def may_act_on_linked(user, case: Case) -> bool:
    """An officer of the incident's department (the linked case's own table decides the rest)."""
    return user.is_authenticated and "officer" in policies.case_roles(user, case)


@bp.route("/incidents")
@policies.policy(policies.CASE_WORKERS)
def index():
    rows = db.session.execute(db.select(Incident, Case).join(Case, Case.id == Incident.case_id)
                              .where(policies.visible_condition(current_user))
                              .order_by(Case.id.desc()).limit(200)).all()
    return render_template("incidents/index.html", rows=rows, may_report=may_report(current_user),
                           state_label=INCIDENT.state_label)


def _lead_department() -> Organisation:
    dept = db.session.execute(db.select(Organisation).where(Organisation.kind == "department")
                              .order_by(Organisation.id).limit(1)).scalar()
    if dept is None:
        abort(409)
    return dept


def _firm_of_form(form: ReportForm) -> int | None:
    if policies.is_firm_user(current_user):
        return current_user.organisation_id
    return form.firm_id.data or None


@bp.route("/incidents/new", methods=["GET", "POST"])
@policies.policy(policies.CASE_WORKERS)
def new():
    policies.authorize(may_report(current_user))
    form = ReportForm()
    firm_user = policies.is_firm_user(current_user)
    firms = [] if firm_user else db.session.execute(
        db.select(Organisation).where(Organisation.kind == "firm").order_by(Organisation.name_zh)).scalars().all()
    form.firm_id.choices = opts([(f.id, f"{f.name_zh} / {f.name_en}") for f in firms])
    firm_id = current_user.organisation_id if firm_user else (request.form.get("firm_id", type=int) or None)
    form.sandbox_case_id.choices = opts([(0, "—")] + [(c.id, f"{c.number} {c.title}")
                                                      for c in (services.firm_sandbox_cases(firm_id) if firm_id else [])])
    form.model_ids.choices = opts(services.firm_models(firm_id) if firm_id else [])
    form.data_categories.choices = opts((k, label(v)) for k, v in DATA_CATEGORIES.items())
    form.severity.choices = opts((int(v), label(text)) for v, text in SEVERITIES)
    status = 200
    if firm_user:  # a firm reports about itself; a regulator names the firm (its tests are not listed)
        del form.firm_id
    else:
        del form.sandbox_case_id
    if request.method == "POST" and form.validate_on_submit():
        firm_id = _firm_of_form(form)
        status = 422  # an error page rolls the unit of work back (a stored attachment with it)
        if firm_id is None:
            flash(_("Choose the firm concerned."), "error")
        else:
            try:
                incident = services.report_incident(
                    actor=current_user, firm_id=firm_id, department_id=_lead_department().id,
                    severity=form.severity.data, values=_values(form),
                    source="firm" if firm_user else "regulator", title=form.title.data.strip(),
                    attachment=_upload(form))
            except services.Refused as err:
                flash(label(err.msgid, **err.params), "error")
            except UploadRejected as err:
                flash(label(err.message, **err.params), "error")
            else:
                flash(_("Incident reported: the report clocks run from the moment of awareness."), "info")
                return redirect(url_for("cases.show", case_id=incident.case_id), 303)
    return render_template("incidents/new.html", form=form, firm_user=firm_user), status


def _values(form: ReportForm) -> dict:
    codes = [line.strip() for line in (form.unit_codes.data or "").replace(",", "\n").splitlines()]
    return {
        "what": form.what.data.strip(), "occurred_at": _utc(form.occurred_at.data),
        "aware_at": _utc(form.aware_at.data), "place": (form.place.data or "").strip(),
        "lon": form.lon.data, "lat": form.lat.data, "unit_codes": [c for c in codes if c],
        "model_ids": form.model_ids.data or [], "injuries": (form.injuries.data or "").strip(),
        "damage": (form.damage.data or "").strip(), "data_categories": form.data_categories.data or [],
        "people_affected": form.people_affected.data, "immediate_measures": form.immediate_measures.data.strip(),
        "safety_accident": bool(form.safety_accident.data),
        "emergency_reported_at": _utc(form.emergency_reported_at.data),
        "authority_reported_at": _utc(form.authority_reported_at.data),
        "people_notified_at": _utc(form.people_notified_at.data),
        "sandbox_case_id": (form.sandbox_case_id.data or None) if "sandbox_case_id" in form else None,
    }


def _upload(form: ReportForm) -> Upload | None:
    upload = form.attachment.data
    if upload and getattr(upload, "filename", ""):
        return Upload(upload.read(), upload.filename, "confidential")
    return None


@bp.route("/incidents/<int:case_id>/linked", methods=["POST"])
@policies.policy(policies.OFFICERS)
def act_on_linked(case_id: int):
    """Pause, start the suspension of, or lift a linked sandbox test or registration."""
    case = load_case(case_id)
    policies.authorize(may_act_on_linked(current_user, case), case)
    incident = services.incident_of(case)
    if incident is None:
        abort(404)
    form = LinkedActionForm()
    if not form.validate_on_submit():
        flash(_("Give the reasons for this action."), "error")
        return redirect(url_for("cases.show", case_id=case_id), 303)
    target_id, _sep, action = form.target.data.partition(":")
    target = db.session.get(Case, int(target_id)) if target_id.isdigit() else None
    if target is None or not policies.can_view_case(current_user, target):
        abort(404)
    try:
        services.act_on_linked(incident, target, action, actor=current_user, reason=form.reason.data)
    except services.Refused as err:
        flash(label(err.msgid, **err.params), "error")
    except TransitionRefused as err:
        for reason in err.reasons:
            flash(label(reason, **err.params), "error")
    else:
        flash(_("Done: %(case)s now shows the incident as its reason.", case=target.number), "info")
    return redirect(url_for("cases.show", case_id=case_id), 303)
