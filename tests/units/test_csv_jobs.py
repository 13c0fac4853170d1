"""A CSV file longer than ``UNIT_CSV_INLINE_ROWS`` is recorded by a background job: the upload
answers at once with the job's page, which ends with the events recorded or the same per-row
report as a short file, all or none; only the uploading firm sees it."""
from __future__ import annotations

import io
import json

import pytest

from supervision.audit.models import AuditEvent
from supervision.extensions import db
from supervision.jobs import runners
from supervision.units import events
from supervision.units.ledger import verify_ledger
from supervision.units.models import UnitEvent, UnitSubmission
from tests.units.conftest import state_of

HEADER = "code,eventTime,bizStep,disposition,address,note"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def long_files(app, tmp_path, monkeypatch):
    """Files of more than 3 rows go to the job; the job runs on this process's threads."""
    monkeypatch.setitem(app.config, "UNIT_CSV_INLINE_ROWS", 3)
    monkeypatch.setitem(app.config, "UNIT_UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    monkeypatch.setattr(events, "CHUNK", 2)  # several chunks, as a file of 100,000 rows has
    return tmp_path


def _csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _row(code: str, step: str = "commissioning", disposition: str = "active") -> str:
    return f"{code},2026-12-01T09:30:00+08:00,{step},{disposition},Plant 1,"


def _upload(web, body: bytes):
    return web.post("/units/events/upload", {"file": (io.BytesIO(body), "events.csv")},
                    token_from="/units/events/upload", content_type="multipart/form-data")


def _counts() -> list[int]:
    return [db.session.execute(db.select(db.func.count()).select_from(t)).scalar() for t in (UnitEvent, UnitSubmission)]


def test_a_long_file_is_recorded_by_a_job_as_one_audited_submission(coded, web, app, long_files):
    web.login("a@firm-a.test")
    c = coded.codes
    r = _upload(web, _csv([_row(code) for code in c] + [_row(c[0], "retail_selling", "retail_sold")]))
    assert r.status_code == 303 and "/units/events/upload/" in r.headers["Location"]
    job_page = r.headers["Location"]
    waiting = web.get(job_page).get_data(as_text=True)
    assert "Rows in the file" in waiting and "<dd>6</dd>" in waiting
    assert runners.drain(app, 120)
    page = web.get(job_page).get_data(as_text=True)
    assert "6 events were recorded." in page and 'http-equiv="refresh"' not in page
    db.session.expire_all()
    assert state_of(c[0]) == "sold" and state_of(c[4]) == "manufactured"
    submission = db.session.execute(db.select(UnitSubmission)).scalar_one()
    audited = db.session.execute(db.select(AuditEvent).filter_by(action=events.AUDIT_ACTION)).scalar_one()
    details = json.loads(audited.details)
    assert (submission.channel, submission.count, details["channel"], details["count"]) == ("csv", 6, "csv", 6)
    assert details["sha256"] == submission.sha256 and audited.actor_email == "a@firm-a.test"
    assert verify_ledger().ok
    # the stored upload is gone once its events are recorded; only the job's outcome stays
    assert [p.name.endswith(".outcome.json") for p in long_files.iterdir()] == [True]


def test_a_long_file_wrong_on_its_last_row_records_nothing_and_reports_the_row(coded, web, app, long_files):
    web.login("a@firm-a.test")
    c = coded.codes
    r = _upload(web, _csv([_row(code) for code in c] + [_row(c[0], "retail_selling", "retail_sold_typo")]))
    assert r.status_code == 303
    assert runners.drain(app, 120)
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert "Nothing was recorded" in page and "<td>7</td>" in page and "disposition" in page
    assert "events were recorded" not in page
    db.session.expire_all()
    assert _counts() == [0, 0] and {state_of(code) for code in c} == {"code_assigned"}
    assert db.session.execute(db.select(AuditEvent).filter_by(action=events.AUDIT_ACTION)).first() is None


def test_a_short_file_is_still_recorded_in_the_request(coded, web, long_files):
    web.login("a@firm-a.test")
    r = _upload(web, _csv([_row(code) for code in coded.codes[:3]]))
    assert r.status_code == 303 and r.headers["Location"].endswith("/units/mine")
    assert state_of(coded.codes[2]) == "manufactured"


def test_a_long_file_with_a_bad_header_is_refused_at_once(coded, web, long_files):
    web.login("a@firm-a.test")
    body = ("code,when\n" + "\n".join(f"{code},2026-12-01" for code in coded.codes) + "\n").encode()
    r = _upload(web, body)
    assert r.status_code == 422 and "missing: eventTime, bizStep, disposition" in r.get_data(as_text=True)
    assert list(long_files.iterdir()) == []


def test_only_the_uploading_firm_sees_the_job(coded, web, client, app, long_files):
    web.login("a@firm-a.test")
    r = _upload(web, _csv([_row(code) for code in coded.codes]))
    job_page = r.headers["Location"]
    assert runners.drain(app, 120)
    client.delete_cookie("session")
    assert web.get(job_page).status_code == 302  # signed out: to the sign-in page
    web.login("b@firm-b.test")
    page = web.get(job_page)
    assert page.status_code in (403, 404) and "events were recorded" not in page.get_data(as_text=True)
    web.client.delete_cookie("session")
    web.login("officer@t.test")
    assert web.get(job_page).status_code in (403, 404)


def test_the_job_reports_in_the_uploaders_language(coded, web, app, client, long_files, monkeypatch):
    from tests.cases.conftest import use_catalog

    pair = "This business step and disposition do not name a lifecycle step."
    choice = "Not one of the allowed values."
    use_catalog(monkeypatch, {pair: "业务步骤与处置状态不对应任何生命周期步骤。", choice: "不是允许的取值。"})
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    web.login("a@firm-a.test")
    c = coded.codes
    r = _upload(web, _csv([_row(code) for code in c] + [_row(c[0], "retail_selling", "retail_sold_typo")]))
    assert runners.drain(app, 120)
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert "业务步骤与处置状态不对应任何生命周期步骤。" in page or "不是允许的取值。" in page
    assert pair not in page and choice not in page


def test_the_service_reports_rows_checked_and_written_as_it_goes(coded, monkeypatch):
    from supervision.units import csv_upload

    monkeypatch.setattr(events, "CHUNK", 2)
    c = coded.codes
    seen = []
    body = _csv([_row(code) for code in c] + [_row(c[0])])  # the last row manufactures c[0] again
    with pytest.raises(events.EventsRejected):
        events.record_stream(firm=coded.world.firm_a, actor=coded.world.applicant_a, channel="csv",
                             events=csv_upload.rows(io.BytesIO(body)), progress=lambda *n: seen.append(n))
    # every row is checked; nothing more is written once a row is wrong
    assert seen == [(2, 2), (4, 4), (6, 4)]


def test_a_failed_job_keeps_its_file_and_can_be_run_again(coded, web, app, long_files, monkeypatch):
    from supervision.units import csvjobs

    record = csvjobs._record

    def broken(*args, **kwargs):
        raise OSError("disk went away")

    monkeypatch.setattr(csvjobs, "_record", broken)
    web.login("a@firm-a.test")
    r = _upload(web, _csv([_row(code) for code in coded.codes]))
    job_page = r.headers["Location"]
    assert runners.drain(app, 120)
    page = web.get(job_page).get_data(as_text=True)
    assert "Failed" in page and "retry-upload" in page and "events were recorded" not in page
    monkeypatch.setattr(csvjobs, "_record", record)
    r = web.post(job_page + "/retry", token_from=job_page)
    assert r.status_code == 303
    assert runners.drain(app, 120)
    page = web.get(job_page).get_data(as_text=True)
    assert "5 events were recorded." in page and "retry-upload" not in page
    assert state_of(coded.codes[4]) == "manufactured"
