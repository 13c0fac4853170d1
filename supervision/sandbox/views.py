"""The sandbox's pages: the firm's tests and its application (draft, areas on the map, what is
missing), the firm's sandbox page, the fence map's data, the regulators' prohibited zones, and
the actions that open linked cases (registration after graduation, a draft from a referral)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.public.caching import cacheable
from supervision.api import strictjson
from supervision.cases.loaders import load_case
from supervision.cases.models import Case
from supervision.core.i18n import label
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.geo import services as zones
from supervision.geo.models import ProhibitedZone
from supervision.geo.validate import GeometryInvalid
from supervision.sandbox import access, presenters, services
from supervision.sandbox.forms import ApplicationForm, AreaForm, ZoneForm
from supervision.sandbox.models import SandboxArea, SandboxTest
from workflows.base import N_

bp = Blueprint("sandbox", __name__)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _test_or_404(case: Case) -> SandboxTest:
    test = services.test_of(case)
    if test is None:
        abort(404)
    return test


def _flash_refusal(err: services.Refused) -> None:
    flash(label(err.msgid, **err.params), "error")


def _flash_geometry(err: GeometryInvalid) -> None:
    for p in err.problems:
        flash(f"{p.path}: {p.text(label)}", "error")


# -- the firm's tests and its application --------------------------------------------------


@bp.route("/sandbox")
@policies.policy(policies.CASE_WORKERS)
def index():
    rows = db.session.execute(db.select(SandboxTest, Case).join(Case, Case.id == SandboxTest.case_id)
                              .where(policies.visible_condition(current_user))
                              .order_by(Case.id.desc()).limit(200)).all()
    return render_template("sandbox/index.html", rows=rows, may_apply=access.may_apply(current_user))


@bp.route("/sandbox/new", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def new():
    from supervision.registry.services import lead_department

    policies.authorize(access.may_apply(current_user))
    test = services.open_application(firm_id=current_user.organisation_id, actor=current_user,
                                     department_id=lead_department().id, title=_("Sandbox test application"))
    return redirect(url_for("sandbox.application", case_id=test.case_id), 303)


@bp.route("/sandbox/from-referral/<int:case_id>", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def from_referral(case_id: int):
    """A tier-4 model referred to the sandbox: a draft pre-filled from the model, linked both ways."""
    reg_case = load_case(case_id)
    policies.authorize(access.may_edit(current_user, reg_case))
    try:
        test = services.application_from_referral(reg_case, actor=current_user)
    except services.Refused as err:
        _flash_refusal(err)
        return redirect(url_for("cases.show", case_id=case_id), 303)
    return redirect(url_for("sandbox.application", case_id=test.case_id), 303)


@bp.route("/sandbox/<int:case_id>/application", methods=["GET", "POST"])
@policies.policy(policies.CASE_WORKERS)
def application(case_id: int):
    case = load_case(case_id)
    test = _test_or_404(case)
    editable = access.may_edit(current_user, case) and services.is_editable(test)
    form = ApplicationForm(obj=presenters.form_values(test))
    if request.method == "POST":
        policies.authorize(editable, case)
        if form.validate_on_submit():
            try:
                values = presenters.values_from(form, test, actor=current_user)
                missing = services.save_application(test, actor=current_user, values=values)
            except services.Refused as err:
                _flash_refusal(err)
            else:
                flash(_("Draft saved.") if missing else _("Saved: the application is complete and may be submitted."),
                      "info")
                return redirect(url_for("sandbox.application", case_id=case_id), 303)
    return render_template("sandbox/application.html", case=case, test=test, form=form, area_form=AreaForm(),
                           editable=editable, missing=services.missing_fields(test),
                           map=presenters.map_config(case, draw=editable))


@bp.route("/sandbox/<int:case_id>/areas", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def add_area(case_id: int):
    case = load_case(case_id)
    test = _test_or_404(case)
    policies.authorize(access.may_edit(current_user, case), case)
    form = AreaForm()
    if form.validate_on_submit():
        upload = form.upload.data
        text = upload.read(current_app.config["SANDBOX_AREA_MAX_BYTES"] + 1) if upload else (form.geojson.data or "")
        try:
            if len(text) > current_app.config["SANDBOX_AREA_MAX_BYTES"]:
                raise services.Refused(N_("The area is larger than 2 MiB."))
            services.add_area(test, strictjson.loads(text), actor=current_user, label=form.label.data or "")
        except strictjson.NotStrictJson as err:
            flash(_("The area is not valid JSON: %(why)s", why=err.message), "error")
        except GeometryInvalid as err:
            _flash_geometry(err)
        except services.Refused as err:
            _flash_refusal(err)
        else:
            flash(_("Area added."), "info")
    return redirect(url_for("sandbox.application", case_id=case_id) + "#areas", 303)


@bp.route("/sandbox/<int:case_id>/areas/<int:area_id>/remove", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def remove_area(case_id: int, area_id: int):
    case = load_case(case_id)
    test = _test_or_404(case)
    policies.authorize(access.may_edit(current_user, case), case)
    area = db.session.get(SandboxArea, area_id)
    if area is None or area.test_id != test.id:
        abort(404)
    try:
        services.remove_area(test, area, actor=current_user)
    except services.Refused as err:
        _flash_refusal(err)
    return redirect(url_for("sandbox.application", case_id=case_id) + "#areas", 303)


# -- the test at a glance ------------------------------------------------------------------


@bp.route("/sandbox/<int:case_id>")
@policies.policy(policies.CASE_WORKERS)
def show(case_id: int):
    case = load_case(case_id)
    test = _test_or_404(case)
    return render_template("sandbox/show.html", case=case, test=test, view=presenters.at_a_glance(case, test),
                           map=presenters.map_config(case))


@bp.route("/sandbox/<int:case_id>/map.json")
@policies.policy(policies.CASE_WORKERS)
def map_data(case_id: int):
    """Areas, zones, overlaps, recent positions and breaches (positions: personal tracking
    information — every regulator's view is logged)."""
    case = load_case(case_id)
    test = _test_or_404(case)
    return jsonify(presenters.map_data(case, test, viewer=current_user))


@bp.route("/sandbox/<int:case_id>/fences.json")
@policies.policy(policies.CASE_WORKERS)
def fences_data(case_id: int):
    """The allowed areas, the prohibited zones and their overlaps, without positions (the case
    page's map tab: opening it is not a view of tracking data, so nothing is logged)."""
    case = load_case(case_id)
    return jsonify(presenters.fences_data(_test_or_404(case)))


@bp.route("/sandbox/<int:case_id>/registration", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def open_registration(case_id: int):
    case = load_case(case_id)
    policies.authorize(access.may_edit(current_user, case), case)
    try:
        reg_case = services.open_registration(case, actor=current_user)
    except services.Refused as err:
        _flash_refusal(err)
        return redirect(url_for("sandbox.show", case_id=case_id), 303)
    return redirect(url_for("cases.show", case_id=reg_case.id), 303)


# -- prohibited zones ----------------------------------------------------------------------


def _utc(local: dt.datetime | None) -> dt.datetime | None:
    if local is None:
        return None
    return local.replace(tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


@bp.route("/sandbox/zones", methods=["GET", "POST"])
@policies.policy(policies.REGULATORS)
def zone_list():
    form = ZoneForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            zones.create_zone(name=form.name.data or _("Prohibited zone"),
                              geojson=strictjson.loads(form.geojson.data or ""),
                              valid_from=_utc(form.valid_from.data) or utcnow(),
                              valid_to=_utc(form.valid_to.data), actor=current_user)
        except strictjson.NotStrictJson as err:
            flash(_("The area is not valid JSON: %(why)s", why=err.message), "error")
        except GeometryInvalid as err:
            _flash_geometry(err)
        else:
            flash(_("Zone added."), "info")
            return redirect(url_for("sandbox.zone_list"), 303)
    rows = db.session.execute(db.select(ProhibitedZone).order_by(ProhibitedZone.id.desc())).scalars().all()
    return render_template("sandbox/zones.html", zones=rows, form=form, now=utcnow(),
                           map=presenters.map_config(None, draw=True))


@bp.route("/sandbox/zones/<int:zone_id>/end", methods=["POST"])
@policies.policy(policies.REGULATORS)
def zone_end(zone_id: int):
    zone = db.session.get(ProhibitedZone, zone_id) or abort(404)
    zones.end_zone(zone, actor=current_user)
    flash(_("Zone ended."), "info")
    return redirect(url_for("sandbox.zone_list"), 303)


@bp.route("/sandbox/zones.json")
@policies.policy(policies.CASE_WORKERS)
def zones_json():
    now = utcnow()
    rows = zones.zones_between(now, now + dt.timedelta(days=366))
    return jsonify({"zones": [presenters.zone_json(z) for z in rows], "today": local_today().isoformat()})


@bp.route("/register/sandbox.csv")
@policies.policy(policies.PUBLIC)
@cacheable
def register_csv():
    from supervision.sandbox.public import as_csv

    return as_csv(request.args)
