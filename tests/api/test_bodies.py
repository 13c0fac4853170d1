"""Bodies: the endpoint's size limit (413 before parsing), strict JSON (400), the view's own
refusals (422 naming the field) — and a refused request records nothing."""
from __future__ import annotations

import pytest

from supervision.api import strictjson
from tests.api.conftest import NOTE_LIMIT, bearer, count_notes

EN = {"Accept-Language": "en"}


def test_a_good_body_is_recorded(notes, api_tokens):
    r = notes.post("/api/v1/test-notes", json={"text": "hello"}, headers=bearer(api_tokens.a))
    assert r.status_code == 201 and r.json["recorded"]
    assert count_notes() == 1


def test_a_body_over_the_limit_is_refused_before_parsing(notes, api_tokens):
    body = b'{"text": "' + b"x" * NOTE_LIMIT + b'"}'
    r = notes.post("/api/v1/test-notes", data=body, content_type="application/json",
                   headers=bearer(api_tokens.a, **EN))
    assert r.status_code == 413
    assert r.json["status"] == 413 and f"{NOTE_LIMIT:,}" in r.json["error"]
    # Declared too large: refused on the header alone, even though the body is not JSON at all.
    r = notes.post("/api/v1/test-notes", data=b"x" * (NOTE_LIMIT + 1), content_type="application/json",
                   headers=bearer(api_tokens.a, **EN))
    assert r.status_code == 413
    assert count_notes() == 0


@pytest.mark.parametrize("body, says", [
    (b'{"text": NaN}', "NaN"),
    (b'{"text": Infinity}', "Infinity"),
    (b'{"text": -Infinity}', "-Infinity"),
    (b'{"text": 1e400}', "1e400"),
    (b'{"text": "a", "text": "b"}', '"text"'),
    (b'{"text": "a",}', "line 1"),
    (b"", "empty"),
    (b'{"text": "\xff"}', "UTF-8"),
    (b"\xef\xbb\xbf{}", "byte-order mark"),
    (b"[" * 100_00 + b"]" * 100_00, "JSON"),
])
def test_a_body_that_is_not_strict_json_gets_400_saying_what(notes, api_tokens, body, says):
    r = notes.post("/api/v1/test-notes", data=body[:NOTE_LIMIT], content_type="application/json",
                   headers=bearer(api_tokens.a, **EN))
    assert r.status_code in (400, 413)
    if len(body) <= NOTE_LIMIT:
        assert r.status_code == 400, r.json
        assert says in r.json["error"]
    assert count_notes() == 0


def test_the_views_own_refusal_names_the_field_and_records_nothing(notes, api_tokens):
    r = notes.post("/api/v1/test-notes", json={"text": 5}, headers=bearer(api_tokens.a))
    assert r.status_code == 422
    assert r.json["errors"][0]["field"] == "text"
    assert count_notes() == 0


def test_the_strict_reader_keeps_what_json_means(app):
    with app.test_request_context("/api/v1/x", headers=EN):
        _strict_reader_keeps_what_json_means()


def _strict_reader_keeps_what_json_means():
    assert strictjson.loads(b'{"a": [1, 2.5, -0, "\\u00e9", true, null], "b": {"a": 1}}') == \
        {"a": [1, 2.5, 0, "é", True, None], "b": {"a": 1}}
    with pytest.raises(strictjson.NotStrictJson):
        strictjson.loads("1" * 200)
