"""Loading a case for a view: 404 when it does not exist, 403/404 when the user may not see it.

Kept out of ``cases.views`` so other domains' views (documents, registry) load cases without
importing the case pages.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from supervision import policies
from supervision.cases.models import Case
from supervision.core.urls import MAX_ID  # ids are 32-bit integers; anything larger names no case
from supervision.extensions import db


def load_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    if case is None:
        abort(404)
    policies.authorize(policies.can_view_case(current_user, case), case)  # a firm's draft: 404
    return case
