"""Public pages: home and register, and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from supervision import policies
from supervision.public.caching import cacheable
from supervision.extensions import db

bp = Blueprint("public", __name__)


@bp.route("/")
@policies.policy(policies.PUBLIC)
@cacheable
def index():
    return render_template("public/index.html")


@bp.route("/healthz")
@policies.policy(policies.PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # any driver error means the database is not answering (503: rolled back)
        return jsonify(status="error", database=f"unreachable: {type(err).__name__}"), 503
    return jsonify(status="ok", database="ok")
