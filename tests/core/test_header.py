"""The signed-in header (links, inbox badge, the user's name, sign-out and language forms) is kept
under the user, the language and the data version: each user sees their own, a change shows on
the next page, and its forms carry fresh tokens on every page."""
from __future__ import annotations

import re

from supervision.extensions import db
from tests.conftest import Browser
from tests.factories import UserFactory


def header(resp) -> str:
    text = resp.get_data(as_text=True)
    return text[text.index("<header"):text.index("</header>")]


def tokens(html: str) -> list[str]:
    return re.findall(r'name="form_once" value="([^"]+)"', html)


def test_each_user_sees_their_own_header(app, world, web):
    web.login("officer@t.test")
    officer = header(web.get("/cases"))
    other = Browser(app.test_client())
    other.login("a@firm-a.test")
    applicant = header(other.get("/cases"))
    assert world.officer.name in officer and world.officer.name not in applicant
    assert world.applicant_a.name in applicant
    assert 'href="/dashboard"' in officer and 'href="/dashboard"' not in applicant


def test_a_kept_header_changes_with_the_data_and_its_forms_get_fresh_tokens(app, world, web, monkeypatch):
    from supervision.core import navigation

    web.login("officer@t.test")
    first = header(web.get("/cases"))
    renders = []
    real = navigation.render_template
    monkeypatch.setattr(navigation, "render_template", lambda *a, **kw: renders.append(a[0]) or real(*a, **kw))
    second = header(web.get("/cases"))
    assert renders == []  # kept
    assert len(tokens(second)) == 2 and not set(tokens(second)) & set(tokens(first))
    world.officer.name = "Renamed Officer"
    db.session.commit()
    third = header(web.get("/cases"))
    assert renders == ["_nav.html"] and "Renamed Officer" in third


def test_the_language_form_returns_to_the_page_without_its_lang(world, web):
    web.login("officer@t.test")
    html = header(web.get("/cases?lang=en&scope=mine"))
    assert '<input type="hidden" name="next" value="/cases?scope=mine">' in html
    assert '<input type="hidden" name="next" value="/inbox">' in header(web.get("/inbox"))


def test_the_links_follow_the_users_roles(world, web):
    admin = UserFactory(email="admin2@t.test", organisation=world.department, roles=["auditor"])
    db.session.commit()
    web.login(admin.email)
    assert 'href="/audit' in header(web.get("/inbox"))
    assert 'href="/admin' not in header(web.get("/inbox"))
