"""Recording events through the one service: all or none, holders only, transfers, error
declarations, recalls and the ledger's hashes in the audit log."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from supervision.audit.models import AuditEvent
from supervision.core.database import is_postgres
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.units import events, public, recalls
from supervision.units.ledger import verify_ledger
from supervision.units.models import Unit, UnitEvent, UnitSubmission
from tests.units.conftest import (ACCEPT, FOUND, INSTALL, LOSE, MAINTAIN, MANUFACTURE, REPAIRED, SCRAP, SELL,
                                  TRANSFER, VOID, record, state_of, step)


def rejected(world, evs, **kw):
    with pytest.raises(events.EventsRejected) as err:
        record(world, evs, **kw)
    db.session.rollback()
    return err.value.errors


def ledger_size() -> int:
    return db.session.execute(db.select(db.func.count(UnitEvent.id))).scalar()


def test_a_submission_is_one_audit_event_with_the_hash_of_its_events(coded):
    ids = record(coded.world, [step(MANUFACTURE, *coded.codes), step(SELL, coded.codes[0])])
    assert len(ids) == 2
    audit = db.session.execute(db.select(AuditEvent).filter_by(action=events.AUDIT_ACTION)).scalars().all()
    assert len(audit) == 1
    details = json.loads(audit[0].details)
    texts = [db.session.get(UnitEvent, i).canonical for i in ids]
    assert details["sha256"] == events.submission_digest(texts) and details["count"] == 2
    assert verify_ledger().ok


def test_the_ledger_check_finds_an_altered_event(coded, runner):
    record(coded.world, [step(MANUFACTURE, *coded.codes)])
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    event = db.session.execute(db.select(UnitEvent)).scalar()
    doc = json.loads(event.canonical)
    doc["eventTime"] = "2020-01-01T00:00:00+08:00"
    tamper = db.update(UnitEvent).where(UnitEvent.id == event.id).values(canonical=json.dumps(doc))
    if is_postgres():  # the append-only trigger refuses; a superuser could switch it off
        with pytest.raises(ProgrammingError, match="append-only"):
            db.session.execute(tamper)
        db.session.rollback()
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(tamper)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "do not hash to the audited SHA-256" in result.output


def test_a_wrong_last_event_records_nothing_and_names_index_and_field(coded):
    good = [step(MANUFACTURE, code) for code in coded.codes]
    errors = rejected(coded.world, good + [step(SELL, coded.codes[0], when="yesterday")])
    assert errors == [{"index": 5, "field": "eventTime",
                       "message": "Must be a date and time with its time-zone offset, e.g. 2026-12-01T09:30:00+08:00."}]
    assert ledger_size() == 0 and state_of(coded.codes[0]) == "code_assigned"


def test_malformed_events_name_their_fields(coded):
    errors = rejected(coded.world, [
        {"epcList": ["HZR-A1B2C3-0001-00000001-K"], "eventTime": "2026-12-01T09:30:00+08:00",
         "bizStep": "commissioning", "disposition": "active"},
        {"epcList": [coded.codes[0]], "eventTime": "2026-12-01T09:30:00", "bizStep": "dancing",
         "disposition": "active", "colour": "red"},
        "not an event",
        {"epcList": ["HZR-A1B2C3-0001-99999999-" + "0"], "eventTime": "2026-12-01T09:30:00+08:00",
         "bizStep": "commissioning", "disposition": "active"},
    ])
    by_index = {(e["index"], e["field"]) for e in errors}
    assert (0, "epcList[0]") in by_index   # mistyped
    assert {(1, "colour"), (1, "eventTime"), (1, "bizStep")} <= by_index
    assert (2, "") in by_index
    assert ledger_size() == 0


def test_impossible_events_are_refused_with_the_reason(coded):
    errors = rejected(coded.world, [step(SELL, coded.codes[0])])
    assert errors[0]["message"] == "A unit that is Code assigned cannot be reported Sold."


def test_a_firm_records_only_for_units_it_holds(coded):
    world = coded.world
    errors = rejected(world, [step(MANUFACTURE, coded.codes[0])], firm=world.firm_b, actor=world.applicant_b)
    assert errors[0]["message"] == "Your firm does not hold this unit."


def test_events_in_one_submission_apply_in_order(coded):
    c = coded.codes[1]
    record(coded.world, [step(MANUFACTURE, c), step(SELL, c), step(INSTALL, c), step(MAINTAIN, c)])
    assert state_of(c) == "under_maintenance"


def test_a_transfer_is_pending_until_the_receiver_accepts(coded):
    world, c = coded.world, coded.codes[0]
    record(world, [step(MANUFACTURE, c), step(SELL, c),
                   step(TRANSFER, c, destinationList=[{"type": "owning_party", "destination": world.firm_b.credit_code}])])
    answer = public.describe(c)
    assert answer["transferPending"] is True and answer["state"] == "sold"
    # the sender records nothing else meanwhile; the receiver cannot act as holder yet
    assert "pending" in rejected(world, [step(INSTALL, c)])[0]["message"]
    assert rejected(world, [step(INSTALL, c)], firm=world.firm_b, actor=world.applicant_b)
    record(world, [step(ACCEPT, c)], firm=world.firm_b, actor=world.applicant_b)
    unit = db.session.execute(db.select(Unit).filter_by(code=c)).scalar_one()
    assert unit.holder_id == world.firm_b.id and not unit.transfer_pending
    record(world, [step(INSTALL, c)], firm=world.firm_b, actor=world.applicant_b)
    assert state_of(c) == "in_service"
    assert rejected(world, [step(MAINTAIN, c)])[0]["message"] == "Your firm does not hold this unit."


def test_a_transfer_can_be_declined(coded):
    world, c = coded.world, coded.codes[0]
    record(world, [step(MANUFACTURE, c),
                   step(TRANSFER, c, destinationList=[{"type": "owning_party", "destination": world.firm_b.credit_code}])])
    record(world, [step(VOID, c)], firm=world.firm_b, actor=world.applicant_b)
    assert public.describe(c)["transferPending"] is False


def test_an_error_declaration_puts_the_unit_back_and_both_events_stay(coded):
    world, c = coded.world, coded.codes[2]
    ids = record(world, [step(MANUFACTURE, c), step(SCRAP, c)])
    wrong = db.session.get(UnitEvent, ids[1]).event_id
    # only the latest change can be declared
    first = db.session.get(UnitEvent, ids[0]).event_id
    decl = lambda eid: {"eventTime": "2026-12-01T10:00:00+08:00",  # noqa: E731
                        "errorDeclaration": {"eventID": eid, "reason": "incorrect_data"}}
    assert "latest change" in rejected(world, [decl(first)])[0]["message"]
    record(world, [decl(wrong)])
    assert state_of(c) == "manufactured"
    history = public.describe(c)["history"]
    assert [h["step"] for h in history] == ["manufacture", "scrap", "error_declaration"]
    assert history[1]["declaredErroneous"] and history[2]["declaresErrorOf"] == wrong
    assert "already declared" in rejected(world, [decl(wrong)])[0]["message"]
    # another firm cannot declare it
    assert rejected(world, [decl(first)], firm=world.firm_b, actor=world.applicant_b)


def test_lost_and_found(coded):
    c = coded.codes[3]
    record(coded.world, [step(MANUFACTURE, c), step(SELL, c), step(INSTALL, c), step(LOSE, c), step(FOUND, c)])
    assert state_of(c) == "in_service"


def test_a_recall_notifies_holders_and_stays_on_their_to_do_until_repaired(coded):
    world = coded.world
    a, b, never_made = coded.codes[0], coded.codes[1], coded.codes[4]
    record(world, [step(MANUFACTURE, a, b), step(SELL, a, b), step(INSTALL, a),
                   step(TRANSFER, b, destinationList=[{"type": "owning_party", "destination": world.firm_b.credit_code}])])
    record(world, [step(ACCEPT, b)], firm=world.firm_b, actor=world.applicant_b)
    recall = recalls.report_recall(coded.model, firm=world.firm_a, actor=world.applicant_a,
                                   reason="Battery may overheat.", measures="Free battery replacement.")
    db.session.commit()
    assert recall.units_recalled == 2
    assert state_of(a) == state_of(b) == "recalled" and state_of(never_made) == "code_assigned"
    told = {i.user_id for i in db.session.execute(db.select(InboxItem).filter_by(event="units.recall")).scalars()}
    assert told == {world.applicant_a.id, world.applicant_b.id}
    assert [u.code for u in recalls.todo(world.firm_b)] == [b]
    assert public.describe(b)["recall"]["reason"] == "Battery may overheat."
    record(world, [step(REPAIRED, b)], firm=world.firm_b, actor=world.applicant_b)
    assert recalls.todo(world.firm_b) == []
    assert public.describe(b)["recall"]["open"] is False


def test_at_most_ten_thousand_events(coded):
    errors = rejected(coded.world, [step(MANUFACTURE, coded.codes[0])] * 10_001)
    assert errors[0]["field"] == "events"


def test_submissions_name_their_channel(coded):
    record(coded.world, [step(MANUFACTURE, coded.codes[0])], channel="api")
    assert db.session.execute(db.select(UnitSubmission.channel)).scalar() == "api"
