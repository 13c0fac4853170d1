"""A CSV file of events recorded chunk by chunk (``events.record_stream``): each chunk is checked
against the states earlier chunks left, written while nothing is wrong, and everything is rolled
back when a later row is wrong; one submission and one audit hash for the whole file.  The chunk
size is made tiny here so that five units span several chunks."""
from __future__ import annotations

import io
import json

import pytest

from supervision.audit.models import AuditEvent
from supervision.extensions import db
from supervision.units import csv_upload, events
from supervision.units.ledger import verify_ledger
from supervision.units.models import UnitEvent, UnitSubmission
from tests.units.conftest import state_of

HEADER = "code,eventTime,bizStep,disposition,address,note"
WHEN = "2026-12-01T09:30:00+08:00"


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(events, "CHUNK", 2)


def row(code: str, step: str = "commissioning", disposition: str = "active", *, when: str = WHEN,
        note: str = "") -> str:
    return f"{code},{when},{step},{disposition},Plant 1,{note}"


def upload(coded, lines: list[str]) -> events.Recorded:
    body = ("\n".join([HEADER, *lines]) + "\n").encode()
    return events.record_stream(firm=coded.world.firm_a, actor=coded.world.applicant_a, channel="csv",
                                events=csv_upload.rows(io.BytesIO(body)), limit=csv_upload.MAX_ROWS,
                                keep_ids=False, report_limit=csv_upload.REPORT_LIMIT)


def rejected(coded, lines: list[str]) -> list[dict]:
    with pytest.raises(events.EventsRejected) as err:
        upload(coded, lines)
    db.session.commit()  # even a caller that commits after a rejection keeps nothing
    return err.value.errors


def nothing_recorded(coded) -> bool:
    counts = [db.session.execute(db.select(db.func.count()).select_from(t)).scalar()
              for t in (UnitEvent, UnitSubmission)]
    audited = db.session.execute(db.select(AuditEvent).filter_by(action=events.AUDIT_ACTION)).first()
    return counts == [0, 0] and audited is None and {state_of(c) for c in coded.codes} == {"code_assigned"}


def test_a_file_of_several_chunks_is_one_submission_hashed_whole(coded, tiny_chunks):
    c = coded.codes
    # the sale in the third chunk needs the manufacture the first chunk wrote
    done = upload(coded, [row(code) for code in c] + [row(c[0], "retail_selling", "retail_sold")])
    db.session.commit()
    assert done.count == 6 and done.ids is None
    assert state_of(c[0]) == "sold" and state_of(c[4]) == "manufactured"
    submission = db.session.execute(db.select(UnitSubmission)).scalar_one()
    texts = db.session.execute(db.select(UnitEvent.canonical).filter_by(submission_id=submission.id)
                               .order_by(UnitEvent.position)).scalars().all()
    audited = json.loads(db.session.execute(db.select(AuditEvent.details)
                                            .filter_by(action=events.AUDIT_ACTION)).scalar_one())
    assert submission.count == 6 == audited["count"]
    assert submission.sha256 == audited["sha256"] == events.submission_digest(texts)
    assert verify_ledger().ok


def test_a_file_wrong_on_its_last_row_records_nothing_though_earlier_chunks_were_written(coded, tiny_chunks):
    c = coded.codes
    errors = rejected(coded, [row(code) for code in c] + [row(c[0])])
    # the last row manufactures again a unit the first chunk already manufactured
    assert [(csv_upload.row_of(e["index"]), e["field"]) for e in errors] == [(7, "epcList[0]")]
    assert "cannot be reported" in errors[0]["message"]
    assert nothing_recorded(coded)
    done = upload(coded, [row(code) for code in c])
    db.session.commit()
    assert done.count == 5 and {state_of(code) for code in c} == {"manufactured"}


def test_after_a_wrong_row_the_rest_is_still_checked_against_the_states_before_it(coded, tiny_chunks):
    c = coded.codes
    lines = [row(c[0]), row(c[1]),                                                 # chunk 1: written
             row(c[2], "retail_selling", "retail_sold_typo"), row(c[3]),           # chunk 2: row 4 wrong
             row(c[3], "retail_selling", "retail_sold"), row(c[4], "retail_selling", "retail_sold")]
    errors = rejected(coded, lines)
    # c[3] manufactured in the unwritten chunk 2 may be sold in chunk 3; c[4] never was
    assert [(csv_upload.row_of(e["index"]), e["field"]) for e in errors] == [(4, "bizStep"), (7, "epcList[0]")]
    assert nothing_recorded(coded)


def test_a_file_unreadable_halfway_records_nothing(coded, monkeypatch):
    monkeypatch.setattr(events, "CHUNK", 1)
    c = coded.codes
    body = ("\n".join([HEADER, *(row(code, note="n" * 3500) for code in c[:4])]) + "\n").encode()
    body += row(c[4]).encode() + b",\xff\xfe\n"  # well past the first blocks the reader decodes
    with pytest.raises(csv_upload.BadFile) as err:
        events.record_stream(firm=coded.world.firm_a, actor=coded.world.applicant_a, channel="csv",
                             events=csv_upload.rows(io.BytesIO(body)), limit=csv_upload.MAX_ROWS)
    db.session.commit()
    assert "UTF-8" in err.value.message
    assert nothing_recorded(coded)


def test_the_page_lists_the_first_problems_and_counts_the_rest(coded, web, monkeypatch, tiny_chunks):
    monkeypatch.setattr(csv_upload, "REPORT_LIMIT", 2)
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    web.login("a@firm-a.test")
    c = coded.codes
    body = ("\n".join([HEADER, row(c[0]), row(c[1]), *(row(code, when="yesterday") for code in c[2:])]) + "\n")
    r = web.post("/units/events/upload", {"file": (io.BytesIO(body.encode()), "events.csv")},
                 token_from="/units/events/upload", content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Nothing was recorded" in html
    assert "<td>4</td>" in html and "<td>5</td>" in html and "<td>6</td>" not in html
    assert "1 more problems are not listed" in html
    assert nothing_recorded(coded)
    fixed = body.replace("yesterday", WHEN).encode()
    r = web.post("/units/events/upload", {"file": (io.BytesIO(fixed), "events.csv")},
                 token_from="/units/events/upload", content_type="multipart/form-data")
    assert r.status_code == 303
    assert {state_of(code) for code in c} == {"manufactured"}
    assert db.session.execute(db.select(UnitSubmission.count)).scalar_one() == 5
