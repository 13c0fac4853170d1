"""The audit log as auditors and administrators read it, and its verification in the browser.

Both pages only read: verification re-checks the stored log and changes nothing.
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _

from supervision import policies
from supervision.audit import queries
from supervision.audit.labels import describe, object_label
from supervision.audit.verify import verify_database
from supervision.cases import types
from supervision.core.i18n import label

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = queries.PAGE


@bp.route("/")
@policies.policy(policies.AUDIT_READERS)
def index():
    filters = queries.filters_from(request.args)
    if "date" in filters.problems:
        flash(_("A date could not be read (use YYYY-MM-DD): it was left out."), "error")
    if "action" in filters.problems:
        flash(_("Unknown action: all actions are shown."), "error")
    found = queries.page(filters)
    rows = [(e, describe(e), found.orgs.get(e.organisation_id), found.users.get(e.actor_id),
             found.cases.get(e.case_id)) for e in found.events]
    return render_template("audit/index.html", rows=rows, older=found.older, page=PAGE, filters=filters,
                           paged=filters.before is not None, actions=queries.action_choices(),
                           users=found.users, object_label=object_label,
                           workflow_labels={name: label(ct.label) for name, ct in types.installed().items()})


@bp.route("/verify")
@policies.policy(policies.AUDIT_READERS)
def verify():
    result = verify_database()
    return render_template("audit/verify.html", result=result)
