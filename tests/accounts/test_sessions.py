"""Sessions end on the server: a cookie kept from before sign-out, a password change, a role
change or a disabled account no longer opens anything; a session ends after 30 minutes without
a request and 12 hours after sign-in, and a form sent after that is not applied."""
from __future__ import annotations

import re

import pytest

from supervision.accounts import loader, services
from supervision.accounts.passwords import verify_password
from supervision.extensions import db
from tests.conftest import Browser
from tests.factories import PASSWORD


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def browser(app) -> Browser:
    c = app.test_client()
    c.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return Browser(c)


def copy_of(app, web: Browser) -> Browser:
    """Another browser holding a copy of ``web``'s session cookie, as a thief would."""
    other = browser(app)
    other.client.set_cookie("session", web.client.get_cookie("session").value)
    return other


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(loader, "_now", lambda: now[0])

    def advance(minutes: float) -> None:
        now[0] += minutes * 60
    return advance


def test_a_cookie_copied_before_sign_out_opens_nothing_afterwards(app, world, web, en):
    assert web.login("officer@t.test").status_code == 302
    stolen = copy_of(app, web)
    assert stolen.get("/account/password").status_code == 200
    assert web.post("/logout", token_from="/cases").status_code == 302
    page = stolen.get("/account/password")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_signing_out_ends_that_session_and_not_the_users_others(app, world, web, en):
    assert web.login("officer@t.test").status_code == 302
    laptop = browser(app)
    assert laptop.login("officer@t.test").status_code == 302
    stolen = copy_of(app, web)
    assert web.post("/logout", token_from="/cases").status_code == 302
    assert stolen.get("/cases").status_code == 302  # the signed-out session is over
    assert laptop.get("/cases").status_code == 200  # the other device stays signed in
    # Signing in again on the first device opens a new session, which works.
    assert web.login("officer@t.test").status_code == 302
    assert web.get("/cases").status_code == 200
    assert stolen.get("/cases").status_code == 302


def test_a_user_who_signs_out_very_often_still_ends_each_session(app, world, web, en):
    stolen = []
    for _ in range(services.ENDED_SESSIONS_KEPT + 2):
        assert web.login("officer@t.test").status_code == 302
        stolen.append(copy_of(app, web))
        assert web.post("/logout", token_from="/cases").status_code == 302
    assert all(copy.get("/cases").status_code == 302 for copy in stolen)


def test_a_role_change_ends_every_session_of_the_user(app, world, web, en):
    assert web.login("officer@t.test").status_code == 302
    services.set_roles(world.officer, ["officer", "approver"], actor=world.admin)
    db.session.commit()
    assert web.get("/cases").status_code == 302


def test_disabling_ends_every_session_of_the_user(app, world, web, en):
    assert web.login("officer@t.test").status_code == 302
    services.set_active(world.officer, False, actor=world.admin)
    db.session.commit()
    assert web.get("/cases").status_code == 302


def _change_password(web: Browser, new: str = "another-long-password-1"):
    return web.post("/account/password", {"current": PASSWORD, "new": new, "confirm": new},
                    token_from="/account/password")


def test_an_idle_session_ends_and_a_form_sent_after_it_is_not_applied(app, world, web, en, clock):
    assert web.login("officer@t.test").status_code == 302
    token = web.csrf("/account/password")
    clock(31)
    resp = web.client.post("/account/password", data={
        "current": PASSWORD, "new": "another-long-password-1", "confirm": "another-long-password-1",
        "csrf_token": token})
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert verify_password(world.officer.password_hash, PASSWORD)  # not applied
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Your session ended after 30 minutes without activity. Please sign in again." in page
    assert web.login("officer@t.test").status_code == 302
    assert web.get("/cases").status_code == 200


def kept_mode(resp) -> str:
    return re.search(r'<body data-kept="([a-z]*)"', resp.get_data(as_text=True)).group(1)


def test_a_form_sent_after_the_timeout_comes_back_on_its_page_after_signing_in(app, world, web, en, clock):
    """The idle user typed into a form and sent it: not applied, they sign in and land on the
    page the form was on, whose script is told to put back what they typed (kept.js keeps it
    in the tab), with a message saying so; the page is told so once."""
    case = world.case(title="Robot")
    db.session.commit()
    page = f"/cases/{case.id}"
    assert web.login("a@firm-a.test").status_code == 302
    token = web.csrf(page)
    assert kept_mode(web.get(page)) == ""
    clock(31)
    resp = web.client.post(f"/cases/{case.id}/act",
                           data={"trigger": "withdraw", "note": "typed for ten minutes", "csrf_token": token},
                           headers={"Referer": f"http://localhost{page}"})
    assert resp.status_code == 303 and resp.headers["Location"] == f"/login?next=/cases/{case.id}"
    sign_in = web.get(resp.headers["Location"])
    assert kept_mode(sign_in) == "hold"
    text = sign_in.get_data(as_text=True)
    assert "What you typed was kept: check it and send the form again." in text
    assert "Your session ended after 30 minutes without activity." in text
    back = web.client.post(resp.headers["Location"], data={
        "email": "a@firm-a.test", "password": PASSWORD, "csrf_token": web.csrf(resp.headers["Location"])})
    assert back.status_code == 302 and back.headers["Location"] == page
    assert kept_mode(web.get(page)) == "restore"
    assert kept_mode(web.get(page)) == ""  # once


def test_a_timed_out_form_with_nothing_typed_just_signs_in(app, world, web, en, clock):
    assert web.login("officer@t.test").status_code == 302
    token = web.csrf("/cases")
    clock(31)
    resp = web.client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert "What you typed was kept" not in web.get(resp.headers["Location"]).get_data(as_text=True)


def test_activity_keeps_a_session_open_until_the_absolute_limit(app, world, web, en, clock):
    assert web.login("officer@t.test").status_code == 302
    for _ in range(35):  # 11 h 40 min of requests 20 minutes apart
        clock(20)
        assert web.get("/cases").status_code == 200
    clock(21)  # 12 h 1 min after signing in
    resp = web.get("/cases")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Your session ended 12 hours after you signed in. Please sign in again." in page


def test_the_limits_come_from_the_configuration(app, world, web, en, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    assert web.login("officer@t.test").status_code == 302
    clock(4)
    assert web.get("/cases").status_code == 200
    clock(6)
    assert web.get("/cases").status_code == 302


def test_an_administrator_changing_their_own_roles_stays_signed_in(app, world, web, en):
    assert web.login("admin@t.test").status_code == 302
    admin_roles = sorted(world.admin.roles)
    web.post(f"/admin/users/{world.admin.id}/roles", {"roles": admin_roles + ["officer"]}, token_from="/admin/")
    db.session.expire_all()
    assert "officer" in world.admin.roles
    assert web.get("/admin/").status_code == 200
