"""Chinese by default; the user's stored choice, then the visitor's session choice, then Accept-Language."""
from __future__ import annotations

import re

import pytest

from supervision.accounts.models import User
from supervision.extensions import db
from tests.conftest import Browser


def html_lang(resp) -> str:
    return re.search(r'<html lang="([^"]+)">', resp.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("header, expected", [
    (None, "zh-CN"),
    ("fr-FR,de;q=0.8", "zh-CN"),
    ("zh-CN,zh;q=0.9,en;q=0.5", "zh-CN"),
    ("zh-TW", "zh-CN"),
    ("en-US,en;q=0.9", "en"),
    ("en-GB,zh-CN;q=0.5", "en"),
])
def test_accept_language_decides_without_a_choice(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert html_lang(client.get("/", headers=headers)) == expected
    assert html_lang(client.get("/login", headers=headers)) == expected


def test_error_pages_follow_the_language_too(client):
    resp = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert resp.status_code == 404 and html_lang(resp) == "en"
    assert "The page or object was not found." in resp.get_data(as_text=True)


def test_anonymous_choice_is_kept_in_the_session(client):
    """Sent to /language (pages offer visitors a ``?lang=`` link instead: tests/public)."""
    web = Browser(client)
    resp = web.post("/language", {"lang": "en", "next": "/login"}, token_from="/login")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert html_lang(client.get("/", headers={"Accept-Language": "zh-CN"})) == "en"
    web.post("/language", {"lang": "zh"}, token_from="/login")
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "zh-CN"


def test_signed_in_choice_is_stored_on_the_user_and_follows_them(app, world, web):
    web.login("officer@t.test")
    web.post("/language", {"lang": "en", "next": "/cases"}, token_from="/cases")
    assert db.session.get(User, world.officer.id).locale == "en"
    # Another browser, another session, a Chinese Accept-Language: the stored choice wins.
    other = Browser(app.test_client())
    other.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert html_lang(other.get("/login")) == "zh-CN"
    other.login("officer@t.test")
    assert html_lang(other.get("/cases")) == "en"


def test_visitor_choice_survives_sign_in_and_sign_out(world, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    web.post("/language", {"lang": "en"}, token_from="/login")
    web.login("officer@t.test")
    assert html_lang(web.get("/cases")) == "en"
    web.post("/logout", token_from="/cases")
    assert html_lang(web.get("/login")) == "en"


@pytest.mark.parametrize("value", ["fr", "", "e" * 5000])
def test_unknown_language_is_refused_and_nothing_stored(world, web, value):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    web.login("officer@t.test")
    resp = web.post("/language", {"lang": value, "next": "/cases"}, token_from="/cases")
    assert resp.status_code == 302
    assert "Unknown language." in web.get("/cases").get_data(as_text=True)
    assert db.session.get(User, world.officer.id).locale is None


def test_language_switch_never_redirects_off_site(client):
    resp = Browser(client).post("/language", {"lang": "en", "next": "//evil.com"}, token_from="/login")
    assert resp.headers["Location"] == "/"
