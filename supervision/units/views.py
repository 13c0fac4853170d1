"""Pages of robot units for anyone (the QR target ``/units/<code>``, "check a robot") and for
firms: their codes and batches, label sheets, the event form, the CSV upload, transfers to
answer, recalls and the recalled to-do.  Thin: load → authorise → validate → one service call."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from supervision import policies
from supervision.public.caching import cacheable
from supervision.core.forms import opts
from supervision.core.i18n import label, pick
from supervision.core.timeutil import SHANGHAI
from supervision.extensions import db
from supervision.jobs import services as jobs
from supervision.jobs.models import STATUS_LABELS, Job
from supervision.registry.models import RobotModel
from supervision.units import csv_upload, csvjobs, events, labeljobs, public, recalls, services
from supervision.units.forms import BatchForm, DeclareForm, EventForm, RecallForm, UploadForm
from supervision.units.models import Unit, UnitBatch
from workflows.base import N_
from workflows.unit_lifecycle import CBV, UNIT_LIFECYCLE

bp = Blueprint("units", __name__, template_folder=None)
PAGE = 50


def _firm():
    org = current_user.organisation
    if not org.is_firm:
        abort(403)
    return org


# -- public ----------------------------------------------------------------------------------

@bp.route("/units")
@policies.policy(policies.PUBLIC)
@cacheable
def check():
    """"Check a robot": a form that leads to the unit's page."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("units.unit_page", code=code)), 303
    return render_template("units/check.html")


@bp.route("/units/<code>")
@policies.policy(policies.PUBLIC)
@cacheable
def unit_page(code: str):
    try:
        answer = public.describe(code)
    except public.NotIssued as err:
        return render_template("units/public_error.html", message=_(err.msgid), code=err.text), 404
    except public.codes.CodeError as err:
        return render_template("units/public_error.html", message=_(err.msgid), code=code[:64]), 400
    return render_template("units/public.html", u=answer)


# -- firms -----------------------------------------------------------------------------------

def _own_models(firm) -> list[RobotModel]:
    return list(db.session.execute(db.select(RobotModel).filter_by(firm_id=firm.id).order_by(RobotModel.id)).scalars())


@bp.route("/units/mine")
@policies.policy(policies.APPLICANTS)
def mine():
    firm = _firm()
    form = BatchForm()
    models = _own_models(firm)
    refusals = {m.id: services.batch_refusal(m, firm) for m in models}
    form.model_id.choices = opts([(m.id, m.name) for m in models if refusals[m.id] is None])
    state = request.args.get("state") or None
    page = max(request.args.get("page", 1, type=int), 1)
    query = db.select(Unit).where(Unit.holder_id == firm.id)
    if state in UNIT_LIFECYCLE.states:
        query = query.where(Unit.state == state)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar()
    units = db.session.execute(query.order_by(Unit.id).limit(PAGE).offset((page - 1) * PAGE)).scalars().all()
    incoming = db.session.execute(db.select(Unit).where(Unit.transfer_to_id == firm.id).order_by(Unit.code)).scalars().all()
    batches = db.session.execute(db.select(UnitBatch).filter_by(firm_id=firm.id).order_by(UnitBatch.id.desc())).scalars().all()
    return render_template(
        "units/mine.html", form=form, models=models, units=units, total=total, page=page,
        pages=max((total + PAGE - 1) // PAGE, 1), state=state, incoming=incoming, batches=batches,
        todo=recalls.todo(firm), prefix=services.prefix_of(firm),
        model_codes={m.id: services.model_code_of(m) for m in models},
        refusals=refusals,
        states=[(s, label(st.label)) for s, st in UNIT_LIFECYCLE.states.items()])


@bp.route("/units/batches", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def request_batch():
    firm = _firm()
    form = BatchForm()
    form.model_id.choices = opts([(m.id, m.name) for m in _own_models(firm)])
    if not form.validate_on_submit():
        flash(_("Choose a model and a number of units from 1 to 10,000."), "error")
        return redirect(url_for("units.mine")), 303
    model = db.session.get(RobotModel, form.model_id.data)
    try:
        batch = services.request_batch(model, firm=firm, actor=current_user, size=form.size.data)
    except services.CodingRefused as err:
        flash(err.message, "error")
        return redirect(url_for("units.mine")), 303
    labeljobs.start_if_large(batch, actor=current_user)
    flash(_("%(n)s codes were issued.", n=f"{batch.size:,}"), "success")
    return redirect(url_for("units.batch", batch_id=batch.id)), 303


def _own_batch(batch_id: int) -> UnitBatch:
    batch = db.session.get(UnitBatch, batch_id)
    if batch is None:
        abort(404)
    policies.authorize(batch.firm_id == current_user.organisation_id, batch)
    return batch


@bp.route("/units/batches/<int:batch_id>")
@policies.policy(policies.APPLICANTS)
def batch(batch_id: int):
    b = _own_batch(batch_id)
    first = services.batch_units(b)[:20] if b.size <= 20 else db.session.execute(
        db.select(Unit).filter_by(batch_id=b.id).order_by(Unit.serial).limit(20)).scalars().all()
    return render_template("units/batch.html", batch=b, first=first, job=b.labels_job,
                           sheet_ready=labeljobs.ready(b))


@bp.route("/units/batches/<int:batch_id>/labels.pdf")
@policies.policy(policies.APPLICANTS)
def labels_pdf(batch_id: int):
    b = _own_batch(batch_id)
    sent = labeljobs.response(b)
    if sent is None:
        flash(_("The label sheet is still being drawn; this page shows its progress."), "error")
        return redirect(url_for("units.batch", batch_id=b.id)), 303
    return sent


@bp.route("/units/batches/<int:batch_id>/codes.csv")
@policies.policy(policies.APPLICANTS)
def codes_csv(batch_id: int):
    b = _own_batch(batch_id)
    return Response(labeljobs.codes_csv(b), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=batch-{b.id}-codes.csv"})


def _step_choices():
    return opts([(f"{step}/{disp}", label(UNIT_LIFECYCLE.row_of(trig).label))
                 for trig, (step, disp, _a) in CBV.items()])


def _form_event(form: EventForm) -> dict:
    step, disposition = (form.step.data or "/").split("/", 1)
    local = form.event_time.data.replace(second=0, microsecond=0)
    event = {"epcList": [c for c in (form.codes.data or "").replace(",", " ").split() if c],
             "eventTime": local.isoformat() + form.offset.data, "bizStep": step, "disposition": disposition}
    if form.address.data:
        where = form.address.data.strip()
        event["readPoint" if where.lower().startswith("geo:") else "bizLocation"] = (
            {"id": where} if where.lower().startswith("geo:") else {"address": where})
    if form.destination.data:
        event["destinationList"] = [{"type": "owning_party", "destination": form.destination.data.strip().upper()}]
    if form.note.data:
        event["details"] = {"note": form.note.data}
    return event


M_UNITS_CHANGED = N_("This unit was changed by someone else meanwhile: nothing was recorded. "
                      "Check its state below and send again.")
M_RECALL_CHANGED = N_("Units of this model were changed by someone else meanwhile: nothing was recorded. "
                       "Send the recall again.")
CHANGED_SHOWN = 50  # units listed on the form after a concurrent change


def _units_now(typed: list[str], firm) -> list[Unit]:
    """The typed units this firm may see, read again (after a concurrent change)."""
    found: dict[int, Unit] = {}
    for text in typed[:CHANGED_SHOWN]:
        try:
            unit = public.find(text)
        except public.codes.CodeError:
            continue
        if firm.id in (unit.holder_id, unit.manufacturer_id, unit.transfer_to_id):
            found[unit.id] = unit
    return list(found.values())


@bp.route("/units/events/new", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def new_event():
    firm = _firm()
    form = EventForm()
    form.step.choices = _step_choices()
    if request.method == "GET":
        form.codes.data = "\n".join(request.args.getlist("code"))
        form.event_time.data = dt.datetime.now(SHANGHAI).replace(second=0, microsecond=0, tzinfo=None)
    errors, status, changed = [], 200, None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            event = _form_event(form)
            try:
                ids = events.record(firm=firm, actor=current_user, events=[event], channel="form")
            except events.EventsRejected as err:
                errors = err.errors
            except events.UnitsChanged:  # nothing was written; the form is shown again as typed
                changed, status = _units_now(event["epcList"], firm), 409
            else:
                flash(_("The event was recorded."), "success")
                return redirect(url_for("units.mine", recorded=ids[0])), 303
    return render_template("units/event_form.html", form=form, errors=errors, changed=changed,
                           changed_message=_(M_UNITS_CHANGED)), status


@bp.route("/units/events/upload", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def upload():
    firm = _firm()
    form = UploadForm()
    errors, problem, status, unlisted = [], None, 200, 0
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            stream = form.file.data.stream
            try:
                if csvjobs.large(stream):
                    job = csvjobs.start(stream, firm=firm, actor=current_user, filename=form.file.data.filename)
                    return redirect(url_for("units.upload_job", job_id=job.id)), 303
                done = events.record_stream(firm=firm, actor=current_user, channel="csv",
                                            events=csv_upload.rows(stream),
                                            limit=csv_upload.MAX_ROWS, keep_ids=False,
                                            report_limit=csv_upload.REPORT_LIMIT)
            except csv_upload.BadFile as err:
                problem = err.message
            except events.UnitsChanged:
                problem, status = _(csvjobs.M_CHANGED), 409
            except events.EventsRejected as err:
                errors = [{**e, "row": csv_upload.row_of(e["index"]) if e["index"] is not None else None}
                          for e in err.errors]
                unlisted = err.errors.total - len(err.errors)
            else:
                flash(_("%(n)s events were recorded.", n=f"{done.count:,}"), "success")
                return redirect(url_for("units.mine")), 303
    return render_template("units/upload.html", form=form, errors=errors, problem=problem, unlisted=unlisted,
                           columns=csv_upload.COLUMNS, jobs=csvjobs.recent(firm), status_labels=STATUS_LABELS,
                           inline_rows=csvjobs.inline_rows()), status


def _own_upload(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != csvjobs.KIND:
        abort(404)
    policies.authorize(csvjobs.firm_id(job) == current_user.organisation_id, job)
    return job


@bp.route("/units/events/upload/<sealed(kind='unit_upload'):job_id>")
@policies.policy(policies.APPLICANTS)
def upload_job(job_id: int):
    """A long file's job: its progress, then what it recorded or the same report as inline."""
    job = _own_upload(job_id)
    found = csvjobs.outcome(job) or {}
    return render_template("units/upload_job.html", job=job, status_label=_(STATUS_LABELS[job.status]),
                           message=_(job.message) if job.message else None, counts=csvjobs.progress(job),
                           outcome=found, errors=found.get("errors", []), unlisted=found.get("unlisted", 0),
                           problem=found.get("problem"), retryable=job.status == "failed" or jobs.stalled(job),
                           retry_form=FlaskForm())


@bp.route("/units/events/upload/<sealed(kind='unit_upload'):job_id>/retry", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def retry_upload(job_id: int):
    """Check and record a file again whose job failed (its file was kept)."""
    job = _own_upload(job_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        jobs.retry(job, actor=current_user)
    except jobs.JobFailed as err:
        flash(_(str(err)), "error")
    else:
        flash(_("The file is being checked again."), "success")
    return redirect(url_for("units.upload_job", job_id=job.id)), 303


@bp.route("/units/u/<code>/declare", methods=["POST"])
@policies.policy(policies.APPLICANTS)
def declare(code: str):
    firm = _firm()
    form = DeclareForm()
    if not form.validate_on_submit():
        abort(400)
    event = {"eventTime": dt.datetime.now(dt.timezone.utc).isoformat(),
             "errorDeclaration": {"eventID": form.event_id.data, "reason": form.reason.data,
                                  **({"explanation": form.explanation.data} if form.explanation.data else {})}}
    try:
        events.record(firm=firm, actor=current_user, events=[event], channel="form")
    except events.EventsRejected as err:
        for e in err.errors:
            flash(e["message"], "error")
    except events.UnitsChanged:
        flash(_(M_UNITS_CHANGED), "error")
    else:
        flash(_("The event was declared erroneous; the unit is back where it was before it."), "success")
    return redirect(url_for("units.firm_unit", code=code)), 303


@bp.route("/units/u/<code>")
@policies.policy(policies.APPLICANTS)
def firm_unit(code: str):
    """A firm's view of a unit it holds, made or was offered: the history, no locations."""
    firm = _firm()
    try:
        unit = public.find(code)
    except public.codes.CodeError:
        abort(404)
    policies.authorize(firm.id in (unit.holder_id, unit.manufacturer_id, unit.transfer_to_id), unit)
    own_latest = _declarable(unit, firm)
    return render_template("units/firm_unit.html", unit=unit, history=public.history(unit, reporters=True), firm=firm,
                           declarable=own_latest, declare_form=DeclareForm(), label=label, pick=pick)


def _declarable(unit: Unit, firm) -> str | None:
    """The eventID of the unit's latest change, when this firm reported it (it may declare it)."""
    rows = [h for h in public.history(unit) if h["fromState"] != h["toState"]]
    if not rows:
        return None
    latest = rows[-1]
    if latest["step"] == "error_declaration" or latest["declaredErroneous"]:
        return None
    from supervision.units.models import UnitEvent
    event = db.session.execute(db.select(UnitEvent).filter_by(event_id=latest["eventID"])).scalar()
    return latest["eventID"] if event is not None and event.reporter_id == firm.id else None


@bp.route("/units/recalls/new", methods=["GET", "POST"])
@policies.policy(policies.APPLICANTS)
def new_recall():
    firm = _firm()
    form = RecallForm()
    form.model_id.choices = opts([(m.id, m.name) for m in _own_models(firm) if services.model_code_of(m)])
    form.batch_id.choices = opts([(0, _("All units of the model"))] + [
        (b.id, f"#{b.id} ({b.model.name}, {b.first_serial}–{b.last_serial})")
        for b in db.session.execute(db.select(UnitBatch).filter_by(firm_id=firm.id)).scalars()])
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            model = db.session.get(RobotModel, form.model_id.data)
            batch = db.session.get(UnitBatch, form.batch_id.data) if form.batch_id.data else None
            try:
                recall = recalls.report_recall(model, firm=firm, actor=current_user, reason=form.reason.data,
                                               measures=form.measures.data, batch=batch)
            except services.CodingRefused as err:
                flash(err.message, "error")
            except events.UnitsChanged:  # nothing was recorded; the form is shown again as typed
                flash(_(M_RECALL_CHANGED), "error")
                status = 409
            else:
                flash(_("The recall was recorded: %(n)s units are recalled and their holders told.",
                        n=recall.units_recalled), "success")
                return redirect(url_for("units.mine")), 303
    return render_template("units/recall_form.html", form=form), status
