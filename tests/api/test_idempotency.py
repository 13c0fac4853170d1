"""Idempotency-Key: a retry answers the first result and records nothing twice."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from flask.testing import FlaskClient

from tests.api.conftest import bearer, count_notes
from tests.conftest import is_postgres_run


def _post(notes, token, key, text="hello"):
    return notes.post("/api/v1/test-notes", json={"text": text},
                      headers=bearer(token, **{"Idempotency-Key": key, "Accept-Language": "en"}))


def test_a_retry_answers_the_first_result_and_records_once(notes, api_tokens):
    first = _post(notes, api_tokens.a, "k-1")
    again = _post(notes, api_tokens.a, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count_notes() == 1


def test_the_same_key_with_another_body_answers_422(notes, api_tokens):
    assert _post(notes, api_tokens.a, "k-2").status_code == 201
    r = _post(notes, api_tokens.a, "k-2", text="something else")
    assert r.status_code == 422
    assert "Idempotency-Key" in r.json["error"]
    assert count_notes() == 1


def test_keys_belong_to_one_token(notes, api_tokens):
    assert _post(notes, api_tokens.a, "shared").status_code == 201
    assert _post(notes, api_tokens.b, "shared").headers.get("Idempotent-Replayed") is None
    assert count_notes() == 2


def test_a_refused_request_is_judged_again_on_retry(notes, api_tokens):
    bad = notes.post("/api/v1/test-notes", json={"text": 1},
                     headers=bearer(api_tokens.a, **{"Idempotency-Key": "k-3"}))
    assert bad.status_code == 422 and count_notes() == 0
    assert _post(notes, api_tokens.a, "k-3").status_code == 201  # nothing was kept for the key


def test_a_key_is_kept_24_hours(notes, api_tokens):
    assert _post(notes, api_tokens.a, "k-4").status_code == 201
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=23), tick=False):
        assert _post(notes, api_tokens.a, "k-4").headers.get("Idempotent-Replayed") == "true"
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=25), tick=False):
        r = _post(notes, api_tokens.a, "k-4", text="a new request after a day")
        assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") is None
    assert count_notes() == 2


def test_a_malformed_key_is_refused(notes, api_tokens):
    r = _post(notes, api_tokens.a, "x" * 256)
    assert r.status_code == 400 and r.json["field"] == "Idempotency-Key"
    assert count_notes() == 0


def _at_once(notes_app, token, n=2):
    answers, barrier = [], threading.Barrier(n)

    def send():
        client = FlaskClient(notes_app)  # plain: each thread is its own server request
        barrier.wait()
        answers.append(client.post("/api/v1/test-notes", json={"text": "same"},
                                   headers=bearer(token, **{"Idempotency-Key": "race"})))

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_identical_requests_at_once_record_once(notes_app, api_tokens):
    answers = _at_once(notes_app, api_tokens.a, n=4)
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.get_data() for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert count_notes() == 1


@pytest.mark.postgres
def test_identical_requests_at_once_record_once_on_postgresql(notes_app, api_tokens):
    assert is_postgres_run()
    answers = _at_once(notes_app, api_tokens.a, n=6)
    assert [a.status_code for a in answers] == [201] * 6
    assert count_notes() == 1
