"""The audit log as auditors and administrators read it."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from supervision import policies
from supervision.audit.models import AuditEvent
from supervision.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


@bp.route("/")
@policies.policy(policies.AUDIT_READERS)
def index():
    before = request.args.get("before", type=int)
    q = db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE)
    if before is not None and 0 < before < 2**62:
        q = q.where(AuditEvent.seq < before)
    events = db.session.execute(q).scalars().all()
    return render_template("audit/index.html", events=events, page=PAGE)
