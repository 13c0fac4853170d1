"""The audit log as auditors and administrators read it, and its verification in the browser.

Both pages only read: verification re-checks the stored log and changes nothing.
"""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from supervision import policies
from supervision.accounts.models import Organisation
from supervision.audit.labels import describe
from supervision.audit.models import AuditEvent
from supervision.audit.verify import verify_database
from supervision.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100
# Sequence numbers are 64-bit at most; anything else in ``before`` is ignored (newest page).
_SEQ_RE = re.compile(r"[1-9][0-9]{0,17}")


def _before() -> int | None:
    raw = request.args.get("before", "").strip()
    return int(raw) if _SEQ_RE.fullmatch(raw) else None


@bp.route("/")
@policies.policy(policies.AUDIT_READERS)
def index():
    before = _before()
    q = db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE)
    if before is not None:
        q = q.where(AuditEvent.seq < before)
    events = db.session.execute(q).scalars().all()
    org_ids = {e.organisation_id for e in events if e.organisation_id is not None}
    orgs = {o.id: o for o in db.session.execute(
        db.select(Organisation).where(Organisation.id.in_(org_ids))).scalars()} if org_ids else {}
    rows = [(e, describe(e), orgs.get(e.organisation_id)) for e in events]
    older = events[-1].seq if events and events[-1].seq > 1 else None
    return render_template("audit/index.html", rows=rows, older=older, page=PAGE,
                           paged=before is not None)


@bp.route("/verify")
@policies.policy(policies.AUDIT_READERS)
def verify():
    result = verify_database()
    return render_template("audit/verify.html", result=result)
