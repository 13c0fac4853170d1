"""The hash format of DOMAIN §7: SHA-256 (lowercase hex) over RFC 8785 canonical JSON with the
sequence number, both previous hashes, the workflow and the time; the hashed bytes stored."""
from __future__ import annotations

import hashlib
import json
import re

import rfc8785

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.extensions import db
from tests.audit.helpers import events, make_events


def test_hash_is_sha256_of_the_stored_canonical_bytes(app):
    make_events(3)
    for ev in events():
        assert re.fullmatch(r"[0-9a-f]{64}", ev.hash)
        assert hashlib.sha256(ev.canonical.encode("utf-8")).hexdigest() == ev.hash
        # The stored text is already in RFC 8785 form: canonicalising it again changes nothing.
        assert rfc8785.dumps(json.loads(ev.canonical)) == ev.canonical.encode("utf-8")


def test_global_chain_starts_at_genesis_and_links_each_event(app):
    make_events(3)
    first, second, third = events()
    assert '"prev_hash":"' + "0" * 64 + '"' in first.canonical
    assert f'"prev_hash":"{first.hash}"' in second.canonical
    assert f'"prev_hash":"{second.hash}"' in third.canonical
    assert '"seq":1,' in first.canonical and '"seq":3,' in third.canonical
    # An event outside any case has no case chain.
    assert '"prev_case_hash":null' in first.canonical


def test_canonical_text_holds_sequence_previous_hashes_workflow_and_time(world):
    case = world.case()
    cases.fire(case, "withdraw", actor=world.applicant_a, reason="changed our mind")
    created, withdrawn = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)).scalars()
    previous = db.session.get(AuditEvent, withdrawn.seq - 1)
    text = withdrawn.canonical
    assert f'"seq":{withdrawn.seq},' in text
    assert f'"prev_hash":"{previous.hash}"' in text
    assert f'"prev_case_hash":"{created.hash}"' in text
    assert '"workflow":"registration","workflow_version":1}' in text
    assert '"from_state":"draft"' in text and '"to_state":"withdrawn"' in text
    assert '"reason":"changed our mind"' in text
    assert '"trigger":"withdraw"' in text
    stamp = withdrawn.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stamp)
    assert f'"time":"{stamp}"' in text
    # The first event of a case starts its case chain at the genesis hash.
    assert '"prev_case_hash":"' + "0" * 64 + '"' in created.canonical


def test_hash_matches_a_recomputation_from_the_fields(world):
    """An independent recomputation (plain dict + rfc8785 + hashlib) gives the stored hash."""
    case = world.case()
    ev = db.session.execute(db.select(AuditEvent).where(AuditEvent.case_id == case.id)).scalar_one()
    doc = {
        "seq": ev.seq, "time": ev.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": "case.create", "actor_id": world.applicant_a.id, "actor_email": "a@firm-a.test",
        "actor_roles": "applicant", "organisation_id": world.firm_a.id, "object_type": "case",
        "object_id": str(case.id), "case_id": case.id, "workflow": "registration",
        "workflow_version": 1, "trigger": None, "from_state": None, "to_state": "draft",
        "reason": None, "details": None, "request_id": None, "client_address": None,
        "prev_hash": db.session.get(AuditEvent, ev.seq - 1).hash, "prev_case_hash": "0" * 64,
    }
    data = rfc8785.dumps(doc)
    assert data.decode("utf-8") == ev.canonical
    assert hashlib.sha256(data).hexdigest() == ev.hash


def test_text_that_postgresql_cannot_store_is_still_recorded(world):
    """A NUL character in a reason (PostgreSQL text cannot hold it) does not stop the action."""
    case = world.case()
    cases.fire(case, "withdraw", actor=world.applicant_a, reason="bad\x00byte")
    ev = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert ev.reason == "bad\ufffdbyte"
    assert hashlib.sha256(ev.canonical.encode()).hexdigest() == ev.hash
