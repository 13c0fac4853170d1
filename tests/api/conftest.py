"""API fixtures: tokens for the usual two firms, and an app carrying a small test endpoint that
records something, to drive the framework (body limits, strict JSON, idempotency) end to end."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_babel import gettext as _

from supervision import create_app
from supervision.api import tokens
from supervision.api.framework import ApiError, blueprint, current_firm, endpoint
from supervision.api.models import SCOPES
from supervision.audit.services import record
from supervision.core import uow
from supervision.extensions import db
from tests.conftest import IsolatedClient

NOTE_LIMIT = 2000
test_bp = blueprint("api_test_notes", __name__)


@endpoint(test_bp, "/test-notes", method="POST", scope="events:write", idempotent=True, max_body=NOTE_LIMIT,
          summary="Record a note (tests only)",
          body={"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
          responses={201: ("Recorded.", {"type": "object"})})
def post_note(payload):
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        raise ApiError(422, _("The request could not be understood."),
                       errors=[{"index": None, "field": "text", "message": "a string is required"}])
    event = record("test.note", object_type="organisation", object_id=current_firm().id,
                   details={"text": payload["text"]})
    db.session.flush()
    return {"recorded": event.seq}, 201


@dataclass
class Tokens:
    a: str          # firm A, every scope
    a_read: str     # firm A, units:read only
    b: str          # firm B, every scope
    revoked: str    # firm A, revoked


@pytest.fixture
def api_tokens(world) -> Tokens:
    def make(firm, scopes, name):
        return tokens.create_token(firm, actor=world.applicant_a if firm is world.firm_a else world.applicant_b,
                                   name=name, scopes=scopes)

    _t, a = make(world.firm_a, list(SCOPES), "ERP")
    _t, a_read = make(world.firm_a, ["units:read"], "Reader")
    _t, b = make(world.firm_b, list(SCOPES), "B's ERP")
    gone, revoked = make(world.firm_a, list(SCOPES), "Old")
    tokens.revoke_token(gone, actor=world.applicant_a)
    db.session.commit()
    return Tokens(a=a, a_read=a_read, b=b, revoked=revoked)


def bearer(secret: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture(scope="session")
def notes_app(app):
    """The app as configured for the tests, plus the test endpoint (same database)."""
    other = create_app("testing", **{k: app.config[k] for k in (
        "SQLALCHEMY_DATABASE_URI", "DOCUMENT_STORE", "MAIL_DIR", "DECISION_KEY_DIR",
        "CHECKPOINT_KEY_PATH", "EXPORT_DIR")}, SERVER_NAME=None)
    other.register_blueprint(test_bp)
    uow.install(other)
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def notes(notes_app):
    return notes_app.test_client()


def count_notes() -> int:
    from supervision.audit.models import AuditEvent

    return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "test.note")).scalar()

