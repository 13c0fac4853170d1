"""Each kind of event records who (actor, roles, organisation), when (UTC), what (action, object,
states, workflow), why (reason) and where from (request id, client address)."""
from __future__ import annotations

import datetime as dt
import json

from supervision.audit.models import AuditEvent
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.conftest import sealed_url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def last_event(action: str) -> AuditEvent:
    return db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()


def assert_recent_utc(ev: AuditEvent) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert now - dt.timedelta(minutes=1) < ev.created_at <= now


def assert_request(ev: AuditEvent, resp) -> None:
    request_id = resp.headers["X-Request-Id"]
    assert len(request_id) >= 16
    assert ev.request_id == request_id
    assert ev.client_address == "127.0.0.1"
    assert f'"request_id":"{request_id}"' in ev.canonical
    assert '"client_address":"127.0.0.1"' in ev.canonical


def test_sign_in(world, web):
    resp = web.login("officer@t.test")
    assert resp.status_code == 302
    ev = last_event("auth.sign_in")
    assert (ev.actor_id, ev.actor_email, ev.actor_roles) == (world.officer.id, "officer@t.test", "officer")
    assert ev.organisation_id == world.department.id
    assert (ev.object_type, ev.object_id) == ("user", str(world.officer.id))
    assert_recent_utc(ev)
    assert_request(ev, resp)


def test_failed_sign_in_unknown_user(world, web):
    resp = web.login("nobody@t.test", "whatever-password")
    assert resp.status_code == 401
    ev = last_event("auth.sign_in_failed")
    assert (ev.actor_id, ev.actor_email, ev.actor_roles, ev.organisation_id) == (None, "nobody@t.test", None, None)
    assert ev.object_id is None
    assert json.loads(ev.details) == {"failures": 1}
    assert_recent_utc(ev)
    assert_request(ev, resp)


def test_failed_sign_in_wrong_password(world, web):
    resp = web.login("officer@t.test", "wrong-password-123")
    assert resp.status_code == 401
    ev = last_event("auth.sign_in_failed")
    assert (ev.actor_id, ev.actor_email) == (None, "officer@t.test")
    assert (ev.object_type, ev.object_id) == ("user", str(world.officer.id))
    assert_recent_utc(ev)
    assert_request(ev, resp)
    assert not db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "auth.sign_in")).first()


def test_denied_access(world, web):
    web.login("officer@t.test")
    resp = web.get("/audit/")
    assert resp.status_code == 403
    ev = last_event("access.denied")
    assert (ev.actor_id, ev.actor_email, ev.actor_roles) == (world.officer.id, "officer@t.test", "officer")
    assert ev.organisation_id == world.department.id
    assert (ev.object_type, ev.object_id) == ("route", "audit.index")
    assert json.loads(ev.details) == {"method": "GET", "path": "/audit/", "status": 403}
    assert_recent_utc(ev)
    assert_request(ev, resp)


def test_document_download(world, web):
    case = world.case()
    doc = add_document(data=PNG, filename="photo.png", classification="internal",
                       actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    web.login("a@firm-a.test")
    resp = web.get(sealed_url("document", doc.id))
    assert resp.status_code == 200
    assert resp.data == PNG
    resp.close()
    ev = last_event("document.download")
    assert (ev.actor_id, ev.actor_roles, ev.organisation_id) == (world.applicant_a.id, "applicant", world.firm_a.id)
    assert (ev.object_type, ev.object_id, ev.case_id) == ("document", str(doc.id), case.id)
    assert (ev.workflow, ev.workflow_version) == ("registration", 1)
    assert_recent_utc(ev)
    assert_request(ev, resp)


def test_case_transition(world, web):
    case = world.case()
    web.login("a@firm-a.test")
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "withdraw", "version": case.version,
                                               "reason": "We stop selling this model.",
                                               "classification": "internal"},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 303
    ev = last_event("case.transition")
    assert (ev.actor_id, ev.actor_email, ev.actor_roles) == (world.applicant_a.id, "a@firm-a.test", "applicant")
    assert ev.organisation_id == world.firm_a.id
    assert (ev.object_type, ev.object_id, ev.case_id) == ("case", str(case.id), case.id)
    assert (ev.workflow, ev.workflow_version, ev.trigger) == ("registration", 1, "withdraw")
    assert (ev.from_state, ev.to_state) == ("draft", "withdrawn")
    assert ev.reason == "We stop selling this model."
    assert_recent_utc(ev)
    assert_request(ev, resp)
