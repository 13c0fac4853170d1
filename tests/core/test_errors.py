"""Bad input and failures: a clear page in the user's language, never a traceback or SQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from supervision import policies
from supervision.extensions import db


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_500_page_hides_the_exception(app, en, monkeypatch):
    @policies.policy(policies.PUBLIC)
    def broken():
        db.session.execute(text("SELECT password_hash FROM no_such_table_xyz"))
        return "unreachable"

    monkeypatch.setitem(app.view_functions, "public.index", broken)
    resp = en.get("/")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Something went wrong on our side. Nothing was changed." in body
    for leak in ("no_such_table_xyz", "SELECT", "Traceback", "OperationalError", "ProgrammingError",
                 "sqlalchemy", "password_hash"):
        assert leak not in body
    assert resp.headers["X-Request-Id"] in body  # a reference the user can quote to support


def test_500_as_json_for_api_clients(app, en, monkeypatch):
    @policies.policy(policies.PUBLIC)
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(app.view_functions, "public.index", broken)
    resp = en.get("/", headers={"Accept": "application/json"})
    assert resp.status_code == 500
    assert resp.get_json()["error"] == "Something went wrong on our side. Nothing was changed."
    assert "secret internals" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/cases/99999999999999999999999", "/cases/2147483648",
                                 "/documents/99999999999999999999999", "/cases/-5", "/cases/1e9",
                                 "/cases/%00", "/no/such/page"])
def test_malformed_or_huge_numbers_in_urls_are_404(world, web, url):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    web.login("officer@t.test")
    resp = web.get(url)
    assert resp.status_code == 404
    assert "The page or object was not found." in resp.get_data(as_text=True)


def test_wrong_method_is_405_with_a_message(en):
    resp = en.put("/login")
    assert resp.status_code == 405
    assert "This method is not allowed here." in resp.get_data(as_text=True)


def test_oversized_request_body_is_413_with_a_message(app, world, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = web.csrf()
    resp = web.client.post("/login", data={"email": "x@t.test", "password": "p" * (app.config["MAX_CONTENT_LENGTH"] + 10),
                                           "csrf_token": token})
    assert resp.status_code == 413
    assert "The upload is too large" in resp.get_data(as_text=True)


def test_security_headers_present(en):
    resp = en.get("/")
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
