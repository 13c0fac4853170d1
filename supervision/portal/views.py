"""The firm's home page: one tab lists everything the firm owes, in date order with days left;
the other tabs are contributed by the domains (``core.navigation.PortalTab``).  Thin: the firm
is the signed-in user's own organisation (a firm's applicant; anybody else is refused), so
there is nothing to load.

A domain tab's body is rendered from the database once per firm, tab, language, day and data
version, and kept (``core.fragments``); the tab of what the firm owes counts days and hours
left to the present moment, so it is rendered on every request."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from supervision import policies
from supervision.cases.models import DEADLINE_KIND_LABELS
from supervision.core import fragments
from supervision.core.i18n import asked_language
from supervision.core.navigation import PortalTab, portal_tabs
from supervision.core.timeutil import local_today
from supervision.portal import owed

bp = Blueprint("portal", __name__)
OWED = "owed"


@bp.route("/firm")
@policies.policy(policies.APPLICANTS)
def index():
    policies.authorize(policies.is_firm_user(current_user))
    tabs = portal_tabs()
    name = request.args.get("tab", OWED)
    tab = next((t for t in tabs if t.name == name), None)
    if name != OWED and tab is None:
        abort(404)
    firm_id = current_user.organisation_id
    items = owed.owed_by(firm_id)
    body = None
    if tab is not None:
        parts = (firm_id, str(get_locale()), asked_language(), local_today())
        body = fragments.render(f"portal-{tab.name}", parts, functools.partial(_tab_body, tab, firm_id))
    return render_template("portal/index.html", tabs=tabs, current=name, tab=tab, body=body,
                           items=items, kind_labels=DEADLINE_KIND_LABELS,
                           overdue=sum(1 for i in items if i.overdue))


def _tab_body(tab: PortalTab, firm_id: int, **context) -> str:
    return render_template(tab.template, rows=tab.rows(firm_id), **context)
