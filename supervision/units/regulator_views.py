"""Regulators' pages of robot units: search by code, model, firm, state and area; a unit's whole
history; its locations (personal tracking information once sold: every view is an audit event,
and only what the retention period keeps is there).  Administrators' page of manufacturer
prefixes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.audit.services import record as audit
from supervision.core.forms import opts
from supervision.core.i18n import label
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units import codes, public, services
from supervision.units.forms import PrefixForm, SearchForm
from supervision.units.models import ManufacturerPrefix, Unit, UnitEvent, UnitEventLocation, UnitEventUnit
from supervision.units.views import bp
from workflows.unit_lifecycle import UNIT_LIFECYCLE

UNIT_READERS = policies.RoutePolicy("unit_readers", frozenset({"officer", "approver", "auditor"}))
PAGE = 50


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@bp.route("/regulator/units")
@policies.policy(UNIT_READERS)
def search():
    form = SearchForm(request.args)
    form.state.choices = opts([("", _("All states"))] + [(s, label(st.label)) for s, st in UNIT_LIFECYCLE.states.items()])
    query = db.select(Unit).join(RobotModel, RobotModel.id == Unit.model_id).join(
        Organisation, Organisation.id == Unit.manufacturer_id)
    searched = False
    if form.validate():
        if form.code.data:
            query = query.where(Unit.code.like(_like(codes.normalise(form.code.data)), escape="\\"))
        if form.model.data:
            query = query.where(RobotModel.name.ilike(_like(form.model.data.strip()), escape="\\"))
        if form.firm.data:
            q = _like(form.firm.data.strip())
            query = query.where(or_(Organisation.name_zh.ilike(q, escape="\\"), Organisation.name_en.ilike(q, escape="\\"),
                                    Organisation.credit_code.ilike(q, escape="\\")))
        if form.state.data:
            query = query.where(Unit.state == form.state.data)
        if form.area.data:
            area = _like(form.area.data.strip())
            located = db.select(UnitEventUnit.unit_id).join(
                UnitEventLocation, UnitEventLocation.event_id == UnitEventUnit.event_id).where(
                UnitEventLocation.document.ilike(area, escape="\\"))
            query = query.where(Unit.id.in_(located))
            audit("units.locations_searched", actor=current_user, object_type="unit_location",
                  details={"area": form.area.data.strip()})
        searched = any([form.code.data, form.model.data, form.firm.data, form.state.data, form.area.data])
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.order_by(Unit.id).limit(PAGE).offset((page - 1) * PAGE)).scalars().all()
    return render_template("units/search.html", form=form, rows=rows, total=total, page=page, searched=searched,
                           pages=max((total + PAGE - 1) // PAGE, 1), state_label=lambda s: label(UNIT_LIFECYCLE.state_label(s)),
                           pager_args={k: v for k, v in request.args.items() if k != "page"})


def _unit(code: str) -> Unit:
    try:
        return public.find(code)
    except codes.CodeError:
        abort(404)


@bp.route("/regulator/units/<code>")
@policies.policy(UNIT_READERS)
def history(code: str):
    unit = _unit(code)
    return render_template("units/regulator_unit.html", unit=unit, history=public.history(unit, reporters=True),
                           state_label=lambda s: label(UNIT_LIFECYCLE.state_label(s)))


@bp.route("/regulator/units/<code>/locations")
@policies.policy(UNIT_READERS)
def locations(code: str):
    """Where the unit's events happened; looking is an audit event (PIPL Art. 28)."""
    unit = _unit(code)
    rows = db.session.execute(
        db.select(UnitEvent, UnitEventLocation).join(UnitEventUnit, UnitEventUnit.event_id == UnitEvent.id)
        .join(UnitEventLocation, UnitEventLocation.event_id == UnitEvent.id)
        .where(UnitEventUnit.unit_id == unit.id).order_by(UnitEvent.id)).all()
    audit("units.location_viewed", actor=current_user, object_type="unit", object_id=unit.id,
          details={"code": unit.code, "locations": len(rows)})
    return render_template("units/locations.html", unit=unit, rows=rows,
                           step_label=lambda e: label(UNIT_LIFECYCLE.row_of(e.trigger).label) if e.trigger else _("Error declaration"))


@bp.route("/admin/unit-prefixes", methods=["GET", "POST"])
@policies.policy(policies.ADMINS)
def prefixes():
    have = dict(db.session.execute(db.select(ManufacturerPrefix.firm_id, ManufacturerPrefix.prefix)).all())
    firms = db.session.execute(db.select(Organisation).filter_by(kind="firm").order_by(Organisation.id)).scalars().all()
    form = PrefixForm()
    form.firm_id.choices = opts([(f.id, f"{f.name_zh} ({f.credit_code})") for f in firms if f.id not in have])
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.assign_prefix(db.session.get(Organisation, form.firm_id.data), actor=current_user,
                                       prefix=form.prefix.data)
            except services.CodingRefused as err:
                flash(err.message, "error")
            else:
                flash(_("The manufacturer prefix was assigned."), "success")
                return redirect(url_for("units.prefixes")), 303
    return render_template("units/prefixes.html", form=form, firms=firms, have=have), status
