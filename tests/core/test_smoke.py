"""The app starts, answers its health check and lets a user sign in and out."""
from sqlalchemy import text

from supervision.audit.models import AuditEvent
from supervision.extensions import db


def test_healthz_reports_database_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(app, monkeypatch):
    def broken(*a, **kw):
        raise ConnectionError("database down")

    with app.test_request_context():
        monkeypatch.setattr(db.session, "execute", broken)
        resp = app.view_functions["public.healthz"]()
    assert resp.status_code == 503
    assert resp.get_json()["status"] == "error"
    assert "unreachable" in resp.get_json()["database"]


def test_sign_in_and_out(world, web):
    resp = web.login("officer@t.test")
    assert resp.status_code == 302
    assert web.get("/cases").status_code == 200
    resp = web.post("/logout", token_from="/cases")
    assert resp.status_code == 302
    assert web.get("/cases").status_code == 302  # back to the sign-in page
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()
    assert "auth.sign_in" in actions and "auth.sign_out" in actions


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1
