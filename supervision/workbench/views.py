"""The queue's pages (thin: read the URL, authorise, one service call, redirect).

``/cases`` itself stays the ``cases.index`` endpoint (every page links there); it calls
``queue`` below.  A firm's user gets the same page without tabs, assignment, exports or saved
views: their own cases, never a regulator's queue."""
from __future__ import annotations

import functools
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from supervision import policies
from supervision.accounts.models import User
from supervision.cases import services as cases
from supervision.cases import types
from supervision.core import fragments
from supervision.core.i18n import asked_language, label
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.workbench import export, presenters, services
from supervision.workbench.models import SavedView
from supervision.workbench.queue import SORTS, TIERS, Query, parse, tabs_for

bp = Blueprint("workbench", __name__)
DUE_CHOICES = ("overdue", "3", "7", "14", "30")


def _filters():
    """The URL's filters (a flash for those that could not be read) and the user's tabs."""
    tabs = tabs_for(current_user)
    filters, bad = parse(request.args, scopes=tabs or ("all",))
    if bad:
        flash(_("Some filters could not be read and were left out."), "error")
    return filters, tabs


def _query() -> tuple[Query, tuple[str, ...]]:
    filters, tabs = _filters()
    return Query.of(current_user, filters), tabs


def queue():
    """``GET /cases``: the tabs, the filters and one page of the queue.  The body is rendered
    from the database once per user, query, language, day and data version, and kept
    (``core.fragments``), and so is the page around it: the next request after any change
    renders it anew."""
    filters, tabs = _filters()
    after = request.args.get("after")
    parts = (current_user.id, str(get_locale()), asked_language(), sorted(filters.args().items()), after,
             local_today())

    def whole(**marks) -> str:
        body = fragments.render("queue", parts, functools.partial(_body, filters, tabs, after))
        return render_template("workbench/queue.html", body=body, **marks)

    return fragments.page("queue-page", (local_today(),), whole)


def _body(filters, tabs: tuple[str, ...], after: str | None, **context) -> str:
    query = Query.of(current_user, filters)
    rows, next_after = query.page(after)
    total, counts = query.counts(tabs)
    regulator = bool(tabs) and current_user.is_regulator
    installed = types.installed().values()
    type_choices, state_choices = _choices(str(get_locale()), query.filters.case_type, tuple(types.installed()))
    department = current_user.organisation_id
    officers = fragments.cached_value("workload", (department,), lambda: services.officers_with_load(department)) \
        if regulator else []
    return render_template(
        "workbench/_queue_body.html", rows=rows, query=query, f=query.filters, args=query.filters.args(),
        tabs=tabs, counts=counts, total=total, next_after=next_after, after=after,
        shown=presenters.Shown(), bounded=presenters.bounded, scope_labels=presenters.SCOPE_LABELS,
        sort_labels=presenters.SORT_LABELS, sorts=SORTS, tiers=TIERS, due_choices=DUE_CHOICES,
        type_choices=type_choices, state_choices=state_choices,
        queue_columns=[(ct.name, col) for ct in installed for col in ct.queue_columns],
        may_claim=lambda row: cases.may_claim(current_user, row),
        show_url=url_parts("cases.show"), claim_url=url_parts("cases.claim"),
        officers=officers, saved=services.views_of(current_user) if tabs else [], today=local_today(),
        regulator=regulator, reader=bool(tabs), **context)


@functools.lru_cache(maxsize=64)
def _choices(locale: str, case_type: str | None, _installed: tuple[str, ...]) -> tuple[tuple, tuple]:
    """The type and state menus' (value, label) pairs, translated once per language, type asked
    for and set of installed types in a worker's life, not on every page: about a hundred labels."""
    installed = types.installed().values()
    states: dict[str, str] = {}
    for ct in installed:
        if case_type in (None, ct.name):
            for st in ct.workflow.states.values():
                states.setdefault(st.name, label(st.label))
    return tuple((ct.name, label(ct.label)) for ct in installed), tuple(states.items())


def url_parts(endpoint: str) -> tuple[str, str]:
    """A case's URL of ``endpoint`` as the text before and after its id: built once a page,
    joined around each row's id (not one ``url_for`` a row)."""
    sample = url_for(endpoint, case_id=_SAMPLE_ID)
    before, _sep, rest = sample.partition(str(_SAMPLE_ID))
    return before, rest


_SAMPLE_ID = 918273645


def _back(query_string: str = "") -> str:
    return url_for("cases.index") + ("?" + query_string if query_string else "")


def _kept_args() -> str:
    """The queue's filters as sent back with a form (``back``), re-read so only known keys stay."""
    filters, _bad = parse(dict(_pairs(request.form.get("back", ""))), scopes=tabs_for(current_user) or ("all",))
    return urlencode(filters.args())


def _pairs(query_string: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query_string[:1000], keep_blank_values=False)


@bp.route("/cases/assign", methods=["POST"])
@policies.policy(policies.REGULATORS)
def assign():
    """Claim or assign the ticked cases (one at a time through the engine: each audited)."""
    back = _kept_args()
    picked = []
    for value in request.form.getlist("case"):
        case_id, _sep, version = value.partition(":")
        if case_id.isdigit() and version.isdigit():
            picked.append((int(case_id), int(version)))
    officer_id = request.form.get("assignee_id", "")
    officer = db.session.get(User, int(officer_id)) if officer_id.isdigit() else None
    if not picked or officer is None or officer.organisation_id != current_user.organisation_id:
        flash(_("Tick the cases and choose an officer of your department."), "error")
        return redirect(_back(back)), 303
    result = services.assign_many(picked, actor=current_user, assignee=officer)
    if result.done:
        flash(_("%(n)s cases now handled by %(name)s.", n=len(result.done), name=officer.name), "success")
    for skip in result.skipped:
        number = skip.case.number if skip.case is not None else f"#{skip.case_id}"
        flash(f"{number}: {label(skip.reason, **skip.params)}", "error")
    return redirect(_back(back)), 303


@bp.route("/cases/export.csv")
@policies.policy(policies.QUEUE_READERS)
def export_csv():
    """The current view, every row of it, as CSV."""
    query, _tabs = _query()
    return send_file(export.csv_file(query), as_attachment=True, mimetype="text/csv",
                     download_name=f"cases-{local_today().isoformat()}.csv")


@bp.route("/cases/export.xlsx")
@policies.policy(policies.QUEUE_READERS)
def export_xlsx():
    """The current view, every row of it, as an XLSX workbook."""
    query, _tabs = _query()
    return send_file(export.xlsx_file(query), as_attachment=True,
                     download_name=f"cases-{local_today().isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/cases/views", methods=["POST"])
@policies.policy(policies.QUEUE_READERS)
def save_view():
    back = _kept_args()
    try:
        services.save_view(actor=current_user, name=request.form.get("name", ""), query=back)
    except services.ViewRefused as refused:
        flash(label(str(refused)), "error")
        return redirect(_back(back)), 303
    flash(_("The view was saved."), "success")
    return redirect(_back(back)), 303


@bp.route("/cases/views/<int:view_id>/delete", methods=["POST"])
@policies.policy(policies.QUEUE_READERS)
def delete_view(view_id: int):
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != current_user.id:
        abort(404)
    services.delete_view(view, actor=current_user)
    flash(_("The view was deleted."), "success")
    return redirect(url_for("cases.index")), 303
