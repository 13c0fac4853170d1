"""A whole signed-in page kept under the user, the address, the language and the data version
(``core.fragments.page``; the queue at ``/cases`` uses it): the next request is served from it
with fresh form tokens, a change of data renders it anew, a flashed message is shown and never
kept, and one user's page is never served to another."""
from __future__ import annotations

import re

import pytest

from supervision.extensions import db
from tests.conftest import Browser


@pytest.fixture
def renders(monkeypatch):
    from supervision.workbench import views

    seen: list[str] = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template", lambda name, **kw: seen.append(name) or real(name, **kw))
    return seen


def once_tokens(html: str) -> list[str]:
    return re.findall(r'name="form_once" value="([^"]+)"', html)


def test_the_queue_page_is_kept_and_its_forms_get_fresh_tokens(world, web, renders):
    web.login("officer@t.test")
    world.submitted_case()
    db.session.commit()
    first = web.get("/cases").get_data(as_text=True)
    assert "workbench/queue.html" in renders
    renders.clear()
    second = web.get("/cases").get_data(as_text=True)
    assert renders == []  # served from the kept page
    assert once_tokens(second) and not set(once_tokens(second)) & set(once_tokens(first))
    assert re.sub(r'value="[^"]+"', "", second) == re.sub(r'value="[^"]+"', "", first)


def test_a_change_of_data_renders_the_page_anew(world, web, renders):
    web.login("officer@t.test")
    web.get("/cases")
    case = world.submitted_case()
    db.session.commit()
    renders.clear()
    page = web.get("/cases").get_data(as_text=True)
    assert "workbench/queue.html" in renders and case.number in page


def test_a_flashed_message_is_shown_once_and_never_kept(world, web, renders):
    web.login("officer@t.test")
    web.get("/cases")
    flashed = web.get("/cases?tier=nine").get_data(as_text=True)
    assert "Some filters could not be read" in flashed or "部分筛选条件" in flashed
    renders.clear()
    again = web.get("/cases?tier=nine").get_data(as_text=True)  # flashes again: rendered again
    assert "workbench/queue.html" in renders
    assert again.count('class="flash') == 1
    plain = web.get("/cases").get_data(as_text=True)
    assert 'class="flash' not in plain


def test_another_users_page_is_their_own(app, world, web):
    web.login("officer@t.test")
    mine = web.get("/cases").get_data(as_text=True)
    other = Browser(app.test_client())
    other.login("approver@t.test")
    theirs = other.get("/cases").get_data(as_text=True)
    assert 'title="officer@t.test"' in mine and 'title="officer@t.test"' not in theirs
    assert 'title="approver@t.test"' in theirs
