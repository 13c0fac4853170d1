"""Public pages for visitors who are not signed in: no cookie (the language is a link), an ETag
from the data version, 304 on a repeated request, a new tag after a write."""
from __future__ import annotations

import re

import pytest

from supervision.audit.services import record
from supervision.extensions import db

PAGES = ["/", "/register", "/register.json", "/register/feed.atom", "/units", "/units/HZR-NOPE-0000-X",
         "/verify", "/verify?number=X1", "/verify/unknown-token"]


def html_lang(resp) -> str:
    return re.search(r'<html lang="([^"]+)">', resp.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_out_visitor_gets_no_cookie(client, world, path):
    resp = client.get(path, headers={"Accept-Language": "en"})
    assert resp.status_code in (200, 400, 404), path
    assert "Set-Cookie" not in resp.headers, path
    assert client.get_cookie("session") is None


def test_register_sections_and_exports_set_no_cookie_and_carry_a_tag(app, client, world):

    index = client.get("/").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/register/[a-z_-]+(?:\.csv)?)"', index)))
    assert links, "the home page links the register sections"
    for link in links:
        resp = client.get(link)
        assert resp.status_code == 200 and "Set-Cookie" not in resp.headers and resp.headers.get("ETag"), link


def test_the_language_is_a_link_kept_by_the_links_of_the_page(client, world):
    page = client.get("/register", headers={"Accept-Language": "zh-CN"})
    assert html_lang(page) == "zh-CN"
    switch = re.search(r'id="switch-language" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert switch == "/register?lang=en"
    english = client.get(switch, headers={"Accept-Language": "zh-CN"})
    assert html_lang(english) == "en" and "Set-Cookie" not in english.headers
    text = english.get_data(as_text=True)
    assert 'href="/units?lang=en"' in text or 'href="/?lang=en"' in text  # its links keep the choice
    assert "/static/app.css?lang" not in text
    assert 'id="switch-language" href="/register?lang=zh"' in text


def _change_shown_data(world) -> None:
    """A committed change of business data (a firm's English name, which the register shows)."""
    world.firm_a.name_en += " Ltd."
    db.session.commit()


def test_a_repeated_request_is_answered_304_and_a_write_changes_the_tag(client, world):
    first = client.get("/register", headers={"Accept-Language": "en"})
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, no-cache"
    assert "Accept-Language" in first.headers["Vary"]
    again = client.get("/register", headers={"Accept-Language": "en", "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag
    # Another language or another query: another tag.
    assert client.get("/register", headers={"Accept-Language": "zh-CN"}).headers["ETag"] != tag
    assert client.get("/register?q=robot", headers={"Accept-Language": "en"}).headers["ETag"] != tag
    # Signing in, reading and being refused change no data: the tag stays.
    record("auth.sign_in", details={"n": 1})
    record("document.download", details={"n": 1})
    db.session.commit()
    assert client.get("/register", headers={"Accept-Language": "en", "If-None-Match": tag}).status_code == 304
    _change_shown_data(world)
    after = client.get("/register", headers={"Accept-Language": "en", "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag


def test_signed_in_users_get_their_page_untagged(world, web):
    web.login("officer@t.test")
    resp = web.get("/register")
    assert resp.status_code == 200 and "ETag" not in resp.headers
    assert 'action="/language"' in resp.get_data(as_text=True)  # their choice is stored on them


def test_a_language_chosen_by_link_is_kept_after_signing_in(world, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    token = web.csrf("/login?lang=en")
    resp = web.client.post("/login?lang=en", data={"email": "officer@t.test", "password": "correct-horse-battery",
                                                   "csrf_token": token})
    assert resp.status_code == 302
    assert html_lang(web.get("/cases")) == "en"


def test_a_search_from_a_page_in_the_chosen_language_stays_in_it(client, world):
    text = client.get("/register?lang=en", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    form = text[text.index('id="register-search"'):]
    assert '<input type="hidden" name="lang" value="en">' in form[:form.index("</form>")]
    assert html_lang(client.get("/register?q=robot&lang=en", headers={"Accept-Language": "zh-CN"})) == "en"


def test_a_page_rendered_once_is_served_to_the_next_visitor_until_data_changes(app, client, world, page_cache,
                                                                                 monkeypatch):
    from supervision.registry import public_views

    first = client.get("/register", headers={"Accept-Language": "en"})
    renders = []
    real = public_views.render_template
    monkeypatch.setattr(public_views, "render_template", lambda *a, **kw: renders.append(1) or real(*a, **kw))
    second = app.test_client().get("/register", headers={"Accept-Language": "en"})
    assert second.status_code == 200 and renders == [] and second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"] and "Set-Cookie" not in second.headers
    _change_shown_data(world)
    third = app.test_client().get("/register", headers={"Accept-Language": "en"})
    assert third.status_code == 200 and renders == [1] and third.headers["ETag"] != first.headers["ETag"]
