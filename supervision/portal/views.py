"""The firm's home page: one tab lists everything the firm owes, in date order with days left;
the other tabs are contributed by the domains (``core.navigation.PortalTab``).  Thin: the firm
is the signed-in user's own organisation (a firm's applicant; anybody else is refused), so
there is nothing to load."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from supervision import policies
from supervision.cases.models import DEADLINE_KIND_LABELS
from supervision.core.navigation import portal_tabs
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
    return render_template("portal/index.html", tabs=tabs, current=name, tab=tab,
                           rows=tab.rows(firm_id) if tab else None, items=items, kind_labels=DEADLINE_KIND_LABELS,
                           overdue=sum(1 for i in items if i.overdue))
