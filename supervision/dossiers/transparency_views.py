"""The public transparency page: signed checkpoints of the audit log, the consistency proof
between each two consecutive ones, and the checkpoint key (no login; HTML, JSON, plain text)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template

from supervision import policies
from supervision.dossiers import checkpoints
from supervision.dossiers.models import Checkpoint
from supervision.extensions import db

bp = Blueprint("transparency", __name__)
LIMIT = 200


def _recent() -> list[Checkpoint]:
    return list(db.session.execute(
        db.select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(LIMIT)).scalars())


@bp.route("/transparency")
@policies.policy(policies.PUBLIC)
def index():
    return render_template("dossiers/transparency.html", checkpoints=_recent(),
                           vkey=checkpoints.verifier_key(), pem=checkpoints.public_key_pem(),
                           origin=checkpoints.origin(), as_json=checkpoints.as_json)


@bp.route("/transparency.json")
@policies.policy(policies.PUBLIC)
def as_json():
    return jsonify(origin=checkpoints.origin(), verifier_key=checkpoints.verifier_key(),
                   public_key_pem=checkpoints.public_key_pem(),
                   checkpoints=[checkpoints.as_json(cp) for cp in _recent()])


@bp.route("/transparency/checkpoint")
@policies.policy(policies.PUBLIC)
def latest_note():
    """The newest signed checkpoint as text: what an auditor keeps as ``--trusted-checkpoint``."""
    cp = checkpoints.latest()
    if cp is None:
        abort(404)
    return Response(cp.note, mimetype="text/plain")


@bp.route("/transparency/checkpoint/<int:tree_size>")
@policies.policy(policies.PUBLIC)
def note(tree_size: int):
    cp = db.session.execute(db.select(Checkpoint).where(Checkpoint.tree_size == tree_size)).scalar()
    if cp is None:
        abort(404)
    return Response(cp.note, mimetype="text/plain")


@bp.route("/transparency/key")
@policies.policy(policies.PUBLIC)
def key():
    """The verifier key (``origin+keyhash+base64``): ``tools/verify_dossier.py --public-key``."""
    return Response(checkpoints.verifier_key() + "\n", mimetype="text/plain")
