"""Case list, case page, actions, claim and assign (thin: load, authorise, one service call)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import User
from supervision.cases import clocks, presenters, queries, services, types
from supervision.cases.loaders import load_case
from supervision.cases.forms import DOCUMENT_CLASSIFICATIONS, ActionForm, AssignForm, FilterForm, VersionForm
from supervision.cases.models import Case
from supervision.core.errors import Conflict, render_error
from supervision.core import security_log
from supervision.core.forms import opts
from supervision.core.i18n import label
from supervision.core.timeutil import local_today
from supervision.core.navigation import case_panels
from supervision.documents.services import UploadRejected
from supervision.documents.uploads import Upload
from supervision.extensions import db
from supervision.workdays.services import current_calendar

bp = Blueprint("cases", __name__)


@bp.app_template_global()
def role_label(role: str) -> str:
    """The N_-marked name of a role someone holds on a case."""
    return presenters.ROLE_LABELS.get(role, role)


@bp.app_template_global()
def document_classifications():
    return DOCUMENT_CLASSIFICATIONS



@bp.route("/home")
@policies.policy(policies.SIGNED_IN)
def home():
    if current_user.has_role("admin") and not current_user.has_role("officer", "approver", "auditor"):
        return redirect(url_for("admin.index"))
    if current_user.has_role("expert") and not current_user.has_role("officer", "approver", "auditor", "applicant"):
        return redirect(url_for("experts.assignments"))
    return redirect(url_for("cases.index"))


@bp.route("/cases")
@policies.policy(policies.CASE_WORKERS)
def index():
    form = FilterForm(request.args)
    installed = types.installed().values()
    form.case_type.choices = opts([("", _("All types"))] + [(ct.name, label(ct.label)) for ct in installed])
    states: dict[str, str] = {}
    for ct in installed:
        for st in ct.workflow.states.values():
            states.setdefault(st.name, label(st.label))
    form.state.choices = opts([("", _("All states"))] + list(states.items()))
    if not form.validate():
        flash(_("Unknown filter; showing all cases."), "error")
        form.case_type.data = form.state.data = ""
        form.scope.data = "all"
    page = request.args.get("page", 1, type=int)
    listing = queries.case_list(current_user, case_type=form.case_type.data or None,
                                state=form.state.data or None, scope=form.scope.data or "all",
                                page=page)
    cal = current_calendar()
    return render_template("cases/index.html", listing=listing, rows=listing.rows, form=form,
                           days_left=lambda c: presenters.days_left_text(c, cal),
                           may_claim=lambda c: services.may_claim(current_user, c),
                           wf=types.workflow, today=local_today(),
                           pager_args={k: v for k, v in request.args.items() if k != "page"})


@bp.route("/cases/<int:case_id>")
@policies.policy(policies.CASE_WORKERS)
def show(case_id: int):
    case = load_case(case_id)
    wf = services.workflow_of(case)
    cal = current_calendar()
    officers = _officers_of(case) if policies.can_assign_case(current_user, case) else []
    assign_form = AssignForm()
    assign_form.assignee_id.choices = opts((u.id, u.name) for u in officers)
    return render_template(
        "cases/show.html", case=case, wf=wf, state=wf.states[case.state],
        actions=presenters.actions(case, current_user) if policies.can_act_on_case(current_user, case) else [],
        timeline=presenters.timeline(case, include_reads=current_user.is_regulator or current_user.has_role("auditor"),
                                     before=_timeline_before()),
        days_left=presenters.days_left_text(case, cal), action_form=ActionForm(),
        version_form=VersionForm(), assign_form=assign_form,
        can_claim=services.may_claim(current_user, case),
        can_assign=bool(officers), extra=case_panels(services.case_type_of(case)),
        links=services.links_of(case), people=_people_shown(case), deadlines=clocks.describe(case, cal))


def _timeline_before() -> int | None:
    """``?before=<seq>`` pages the timeline back; anything else shows the latest events."""
    value = request.args.get("before", type=int)
    return value if value is not None and 0 < value < 2**53 else None


def _people_shown(case: Case) -> list:
    """The people on the case; a firm is not told which experts were drawn (Art. 8)."""
    people = services.roles_on(case)
    if policies.is_firm_user(current_user):
        people = [p for p in people if p.role != "expert"]
    return people


@bp.route("/cases/<int:case_id>/act", methods=["POST"])
@policies.policy(policies.CASE_WORKERS)
def act(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_act_on_case(current_user, case), case)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_error(400, _("The action could not be read. Reload the page and try again."))
    if form.version.data != case.version:
        return render_error(409)
    wf = services.workflow_of(case)
    rows = wf.rows(case.state, form.trigger.data)
    if not rows:
        security_log.bypass_attempt(case_id=case.id, state=case.state, trigger=form.trigger.data)
        return render_error(400, _("This action is not possible in the case's current state."))
    action_label = label(rows[0].label)
    try:
        services.fire(case, form.trigger.data, actor=current_user, expected_version=form.version.data,
                      **_inputs(rows[0]))
    except UploadRejected as err:
        flash(_(err.message, mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), "error")
    except services.TransitionRefused as refused:
        if refused.forbidden:
            policies.deny(case, status=403)
        for reason in refused.reasons:
            flash(label(reason, **refused.params), "error")
    except Conflict:
        return render_error(409)
    else:
        flash(_("Done: %(action)s.", action=action_label), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


def _inputs(row) -> dict:
    """The inputs the transition declares, read from the form (a file as an unstored Upload)."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    out: dict = {}
    for f in row.fields:
        if f.type == "document":
            upload = request.files.get(f.name)
            if upload is not None and upload.filename:
                classification = request.form.get(f"{f.name}_classification") or "internal"
                out[f.name] = Upload(upload.read(limit + 1), upload.filename, classification)
        else:
            value = (request.form.get(f.name) or "").strip()
            out[f.name] = value or None
    return out


@bp.route("/cases/<int:case_id>/claim", methods=["POST"])
@policies.policy(policies.OFFICERS)
def claim(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_view_case(current_user, case), case)
    form = VersionForm()
    if not form.validate_on_submit():
        return render_error(400, _("The action could not be read. Reload the page and try again."))
    try:
        services.claim(case, actor=current_user, expected_version=form.version.data)
    except Conflict:
        return render_error(409)
    except services.TransitionRefused as refused:
        if refused.forbidden:
            return render_error(403, label(refused.reasons[0]))
        flash(label(refused.reasons[0]), "error")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    flash(_("You now handle this case."), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


@bp.route("/cases/<int:case_id>/assign", methods=["POST"])
@policies.policy(policies.REGULATORS)
def assign(case_id: int):
    case = load_case(case_id)
    policies.authorize(policies.can_assign_case(current_user, case), case)
    form = AssignForm()
    form.assignee_id.choices = opts((u.id, u.name) for u in _officers_of(case))
    if not form.validate_on_submit():
        if form.version.errors:
            return render_error(400, _("The action could not be read. Reload the page and try again."))
        flash(_("Choose an officer of the case's department."), "error")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    try:
        services.assign(case, actor=current_user, assignee=db.session.get(User, form.assignee_id.data),
                        expected_version=form.version.data)
    except Conflict:
        return render_error(409)
    except services.TransitionRefused as refused:
        flash(label(refused.reasons[0]), "error")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    flash(_("The case was assigned."), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


def _officers_of(case: Case) -> list[User]:
    """Active officers of the case's department: whom the case may be assigned to."""
    users = db.session.execute(
        db.select(User).where(User.organisation_id == case.department_id, User.active.is_(True))
        .order_by(User.name)).scalars().all()
    return [u for u in users if "officer" in u.roles]


@bp.route("/help/workflows/<name>")
@policies.policy(policies.SIGNED_IN)
def workflow_help(name: str):
    ct = types.installed().get(name)
    if ct is None:
        abort(404)
    wf = ct.workflow
    from supervision.cases.diagram import svg

    return render_template("cases/workflow_help.html", wf=wf, diagram=svg(wf),
                           role_labels=presenters.ROLE_LABELS)
