"""Case list, case page, actions, claim and assign (thin: load, authorise, one service call)."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import User, UserRole
from supervision.cases import clocks, presenters, services, types
from supervision.cases.loaders import load_case
from supervision.cases.forms import DOCUMENT_CLASSIFICATIONS, ActionForm, AssignForm, VersionForm
from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.core import fragments
from supervision.core.errors import Conflict, render_error
from supervision.core import security_log
from supervision.core.forms import opts
from supervision.core.i18n import asked_language, label
from supervision.core import uow
from supervision.core.once import FIELD
from supervision.core.timeutil import local_today
from supervision.core.navigation import case_tabs
from supervision.decisions import drafts as decision_drafts
from supervision.documents.services import UploadRejected
from supervision.documents.uploads import Upload
from supervision.extensions import db
from supervision.workdays.services import current_calendar
from workflows.base import APPROVAL

bp = Blueprint("cases", __name__)


@bp.app_template_global()
def role_label(role: str) -> str:
    """The N_-marked name of a role someone holds on a case."""
    return presenters.ROLE_LABELS.get(role, role)


@bp.app_template_global()
def case_type_of(name: str) -> types.CaseType:
    """The installed case type ``name`` (e.g. whether its cases belong to a firm)."""
    return types.get(name)


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
    if current_user.has_role("certifier") and not current_user.has_role("officer", "approver", "auditor", "applicant"):
        return redirect(url_for("certificates.index"))
    if policies.is_firm_user(current_user) and not current_user.has_role("officer", "approver", "auditor"):
        return redirect(url_for("portal.index"))  # the firm's home page: what it owes, its tabs
    return redirect(url_for("cases.index"))


@bp.route("/cases")
@policies.policy(policies.CASE_WORKERS)
def index():
    """The regulators' queue, or a firm's own cases (``supervision.workbench``)."""
    from supervision.workbench.views import queue

    return queue()


@bp.route("/cases/<int:case_id>")
@policies.policy(policies.CASE_WORKERS)
def show(case_id: int):
    return _case_page(load_case(case_id))


def _case_page(case: Case, *, status: int = 200, typed=None, trigger: str | None = None):
    """The case page; after a refusal or a stale form (``status`` 409) it shows the case as it
    is now with what the user typed for ``trigger`` put back in its form (``typed``).

    The body is rendered from the database once per user, case, language, day, timeline page
    and data version, and kept (``core.fragments``): the next request after any change renders
    it anew.  A 409 page (what the user typed) is never kept."""
    before = _timeline_before()
    if typed is not None or status != 200:
        context = _context(case, before=before, typed=typed, trigger=trigger, conflict=status == 409)
        return render_template("cases/show.html", body=None, **context), status
    shown_by = _shown_by(case, before)
    render_body = functools.partial(_kept, functools.partial(_body, case, before=before))

    def whole(**marks) -> str:
        body = fragments.render("case", shown_by, render_body)
        return render_template("cases/show.html", case=case, body=body, **marks)

    # The page around the body (header, title) is kept too, when the request has nothing of
    # its own to show (a flashed message): core.fragments.page.
    return fragments.page("case-page", shown_by, whole), status


def _shown_by(case: Case, before: int | None) -> tuple:
    """Everything the body shows besides the rows behind the data version: who asks (their
    roles on the case decide the actions and the panels), the case, the language (and the
    ``?lang=`` its links carry), the day
    ("N days left"), the timeline page, what its hour clocks show now, and for those who see
    readings in the timeline the case's newest event (a download writes only an audit event,
    which leaves the data version alone)."""
    reads = _latest_event(case) if _sees_reads() else None
    return (current_user.id, case.id, str(get_locale()), asked_language(), local_today(), before,
            clocks.hour_marks(case), reads)


def _sees_reads() -> bool:
    return current_user.is_regulator or current_user.has_role("auditor")


def _latest_event(case: Case) -> int | None:
    return db.session.execute(db.select(db.func.max(AuditEvent.seq)).where(AuditEvent.case_id == case.id)).scalar()


def _kept(render_body, **context) -> str:
    """The body as it is kept for the next requests: a form token rendered into it (a panel
    calling ``once_token()`` or a form's ``hidden_tag()`` instead of ``form_tokens()``) would
    be served to every later request, so it is refused here, where any test of the page sees it."""
    html = render_body(**context)
    if f'name="{FIELD}"' in html or 'name="csrf_token"' in html:
        raise RuntimeError("a case-page panel rendered a form token: use form_tokens()")
    return html


def _body(case: Case, *, before: int | None, **context) -> str:
    return render_template("cases/_show_body.html", **_context(case, before=before, typed=None, trigger=None,
                                                                conflict=False), **context)


def _context(case: Case, *, before: int | None, typed, trigger: str | None, conflict: bool) -> dict:
    """What the body shows, read from the database for this user."""
    wf = services.workflow_of(case)
    cal = current_calendar()
    officers = _officers_of(case) if services.may_assign(current_user, case) else []
    assign_form = AssignForm()
    assign_form.assignee_id.choices = opts((u.id, u.name) for u in officers)
    actions = presenters.actions(case, current_user) if policies.can_act_on_case(current_user, case) else []
    drafts = decision_drafts.drafts(case, current_user, actions) \
        if policies.can_preview_draft(current_user, case) else {}
    ct = services.case_type_of(case)
    return dict(
        case=case, wf=wf, state=wf.states[case.state], actions=actions,
        timeline=presenters.timeline(case, include_reads=_sees_reads(), before=before,
                                     hide_experts=_hides_experts(case)),
        timeline_before=before,
        days_left=presenters.days_left_text(case, cal), assign_form=assign_form,
        can_claim=services.may_claim(current_user, case),
        can_assign=bool(officers), panels=case_tabs(ct), drafts=drafts,
        proposal=decision_drafts.proposal_of(case) if drafts else None,
        todo=presenters.firm_todo(case, actions) if policies.is_firm_user(current_user) else None,
        typed=typed, typed_trigger=trigger, conflict=conflict,
        links=services.links_of(case), people=_people_shown(case), deadlines=clocks.describe(case, cal))


def _timeline_before() -> int | None:
    """``?before=<seq>`` pages the timeline back; anything else shows the latest events."""
    value = request.args.get("before", type=int)
    return value if value is not None and 0 < value < 2**53 else None


def _hides_experts(case: Case) -> bool:
    """A firm is not told which experts were drawn (Art. 8), unless its case type says so."""
    ct = services.case_type_of(case)
    return policies.is_firm_user(current_user) and not getattr(ct.expert_review, "firm_sees_names", False)


def _people_shown(case: Case) -> list:
    """The people on the case, without the drawn experts where the firm may not know them."""
    people = services.roles_on(case)
    if _hides_experts(case):
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
        return _changed(case, form.trigger.data)
    wf = services.workflow_of(case)
    rows = wf.rows(case.state, form.trigger.data)
    if not rows:
        security_log.bypass_attempt(case_id=case.id, state=case.state, trigger=form.trigger.data)
        return render_error(400, _("This action is not possible in the case's current state."))
    action_label = label(rows[0].label)
    previewed = _previewed(case, rows[0])
    try:
        services.fire(case, form.trigger.data, actor=current_user, expected_version=form.version.data,
                      previewed_facts=previewed, **_inputs(rows[0]))
    except UploadRejected as err:
        flash(_(err.message, mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), "error")
    except services.TransitionRefused as refused:
        if refused.forbidden:
            policies.deny(case, status=403)
        if services.FACTS_CHANGED in refused.reasons:  # the draft is out of date: read it again
            flash(label(services.FACTS_CHANGED), "error")
            return _case_page(case, status=409, typed=request.form, trigger=form.trigger.data)
        for reason in refused.reasons:
            flash(label(reason, **refused.params), "error")
    except Conflict:
        return _changed(case, form.trigger.data)
    else:
        flash(_("Done: %(action)s.", action=action_label), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


def _previewed(case: Case, row) -> str | None:
    """The facts hash the approve form carried from the draft decision the approver was shown
    ("" when the form had none: nothing was previewed, which never matches the facts)."""
    if row.kind != APPROVAL or not decision_drafts.drafts(case, current_user, [(row, [])]):
        return None
    return request.form.get("previewed_facts", "")


def _changed(case: Case, trigger: str | None = None):
    """Someone else changed the case since the page was shown: the page as it is now (409),
    the user's text kept in its form and nothing done."""
    # The race was lost mid-write (or a flush failed and left the transaction inactive, as
    # PostgreSQL's row-count check does): drop it before reading again.
    if uow.pending_changes() or not db.session.is_active:
        uow.rollback()
    db.session.refresh(case)
    flash(_("This case was changed by someone else. Reload the page and try again."), "error")
    return _case_page(case, status=409, typed=request.form if trigger else None, trigger=trigger)


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
        elif f.type == "list":
            items = tuple(v.strip() for v in request.form.getlist(f.name) if v.strip())
            out[f.name] = items or None
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
        return _changed(case)
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
        return _changed(case)
    except services.TransitionRefused as refused:
        flash(label(refused.reasons[0]), "error")
        return redirect(url_for("cases.show", case_id=case.id)), 303
    flash(_("The case was assigned."), "success")
    return redirect(url_for("cases.show", case_id=case.id)), 303


def _officers_of(case: Case) -> list:
    """Active officers of the case's department (``id``, ``name``): whom the case may be assigned to."""
    return db.session.execute(
        db.select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == case.department_id, User.active.is_(True), UserRole.role == "officer")
        .order_by(User.name, User.id)).all()


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
