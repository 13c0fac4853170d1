"""Sign in and out, the one answer for every refusal, throttling, safe redirects, passwords."""
from __future__ import annotations

import re

import pytest

from supervision.accounts.models import LoginThrottle, User
from supervision.extensions import db
from tests.conftest import Browser
from tests.factories import PASSWORD


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def second_browser(app) -> Browser:
    c = app.test_client()
    c.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return Browser(c)


def normalised(html: str) -> str:
    """The page with what legitimately differs between two requests (token, typed email) blanked."""
    html = re.sub(r'name="(csrf_token|form_once)" (type="hidden" )?value="[^"]+"', r'name="\1"', html)
    return re.sub(r'(id="email"[^>]*value=")[^"]*"', r'\1"', html)


def test_sign_in_lands_on_home_and_is_audited(world, web, en):
    resp = web.login("officer@t.test")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/home"
    assert web.get("/cases").status_code == 200


def test_email_is_case_insensitive(world, web, en):
    assert web.login("  Officer@T.test ").status_code == 302


def test_unknown_user_wrong_password_and_disabled_account_get_the_same_answer(world, web, en):
    from supervision.accounts import services

    services.set_active(world.approver, False, actor=world.admin)
    unknown = web.login("nobody@t.test", "correct-horse-battery")
    wrong = web.login("officer@t.test", "wrong-password-123")
    disabled = web.login("approver@t.test")
    assert unknown.status_code == wrong.status_code == disabled.status_code == 401
    body = normalised(unknown.get_data(as_text=True))
    assert "Wrong email or password." in body
    assert normalised(wrong.get_data(as_text=True)) == body
    assert normalised(disabled.get_data(as_text=True)) == body


@pytest.mark.parametrize("email", ["officer@t.test", "nobody@t.test"])
def test_throttled_after_five_failures_known_or_unknown(world, web, en, email):
    for attempt in range(5):
        assert web.login(email, "wrong-password-123").status_code == 401
    resp = web.login(email, "wrong-password-123")
    assert resp.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in resp.get_data(as_text=True)
    # Even the right password waits now.
    assert web.login(email, PASSWORD).status_code == 429
    assert web.get("/cases").status_code == 302


def test_throttling_one_email_leaves_others_alone(world, web, en):
    for _ in range(5):
        web.login("officer@t.test", "wrong-password-123")
    assert web.login("approver@t.test").status_code == 302


def test_lock_ends_after_its_time(world, web, en):
    import datetime as dt

    for _ in range(5):
        web.login("officer@t.test", "wrong-password-123")
    row = db.session.get(LoginThrottle, "officer@t.test")
    row.locked_until = row.window_start = row.locked_until - dt.timedelta(minutes=16)
    db.session.commit()
    assert web.login("officer@t.test").status_code == 302
    assert db.session.get(LoginThrottle, "officer@t.test") is None


def test_empty_and_oversized_fields_get_messages(world, web, en):
    resp = web.client.post("/login", data={"email": "", "password": "", "csrf_token": web.csrf()})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Enter your email address." in text and "Enter your password." in text
    resp = web.client.post("/login", data={"email": "x" * 5000 + "@t.test", "password": "p" * 100000,
                                           "csrf_token": web.csrf()})
    assert resp.status_code == 422
    assert "This field is too long (at most 254 characters)." in resp.get_data(as_text=True)
    assert db.session.execute(db.select(LoginThrottle)).first() is None


@pytest.mark.parametrize("target", [
    "//evil.com", "https://evil.com", "http://evil.com/x", "/\\evil.com", "\\\\evil.com",
    "javascript:alert(1)", "/\t/evil.com", "/%0a/evil.com\n", "evil.com", "///evil.com",
])
def test_next_never_leaves_the_site(world, web, en, target):
    resp = web.client.post("/login", query_string={"next": target},
                           data={"email": "officer@t.test", "password": PASSWORD, "csrf_token": web.csrf()})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/home"


def test_next_within_the_site_is_followed(world, web, en):
    resp = web.client.post("/login", query_string={"next": "/cases?scope=mine"},
                           data={"email": "officer@t.test", "password": PASSWORD, "csrf_token": web.csrf()})
    assert resp.headers["Location"] == "/cases?scope=mine"


def test_protected_page_sends_to_sign_in_and_back(world, web, en):
    resp = web.get("/cases?scope=mine")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")
    resp = web.client.post(resp.headers["Location"],
                           data={"email": "officer@t.test", "password": PASSWORD, "csrf_token": web.csrf()})
    assert resp.headers["Location"] == "/cases?scope=mine"


def test_sign_out_ends_the_session(world, web, en):
    web.login("officer@t.test")
    assert web.post("/logout", token_from="/cases").status_code == 302
    assert web.get("/cases").status_code == 302


def test_sign_out_is_post_only(world, web, en):
    web.login("officer@t.test")
    assert web.get("/logout").status_code == 405
    assert web.get("/cases").status_code == 200


def test_change_password_ends_the_other_sessions(app, world, web, en):
    other = second_browser(app)
    assert web.login("officer@t.test").status_code == 302
    assert other.login("officer@t.test").status_code == 302
    resp = web.post("/account/password", {"current": PASSWORD, "new": "a-brand-new-secret",
                                          "confirm": "a-brand-new-secret"}, token_from="/account/password")
    assert resp.status_code == 302
    assert web.get("/cases").status_code == 200          # this session goes on
    assert other.get("/cases").status_code == 302        # the other one ended
    assert other.login("officer@t.test", PASSWORD).status_code == 401
    assert other.login("officer@t.test", "a-brand-new-secret").status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"current": "wrong-password-1", "new": "a-brand-new-secret", "confirm": "a-brand-new-secret"},
     "The current password is wrong."),
    ({"current": PASSWORD, "new": "short", "confirm": "short"},
     "The password must have 12 to 512 characters."),
    ({"current": PASSWORD, "new": "a-brand-new-secret", "confirm": "a-different-secret"},
     "The two new passwords differ."),
    ({"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD},
     "The new password must differ from the current one."),
    ({"current": PASSWORD, "new": "x" * 600, "confirm": "x" * 600},
     "The password must have 12 to 512 characters."),
    # OWASP ASVS 2.1.7: a password from a list of common ones is refused, however long.
    ({"current": PASSWORD, "new": "qwerty123456", "confirm": "qwerty123456"},
     "This password is on a list of commonly used passwords: choose another."),
    ({"current": PASSWORD, "new": "1q2w3e4r5t6y!", "confirm": "1q2w3e4r5t6y!"},
     "This password is on a list of commonly used passwords: choose another."),
    ({"current": PASSWORD, "new": "my-officer-secret", "confirm": "my-officer-secret"},
     "The password must not contain your email name."),
    ({"current": PASSWORD, "new": "abababababababab", "confirm": "abababababababab"},
     "The password repeats too few different characters: choose another."),
])
def test_change_password_refusals_change_nothing(world, web, en, data, message):
    web.login("officer@t.test")
    before = world.officer.password_hash
    resp = web.post("/account/password", data, token_from="/account/password")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    db.session.refresh(world.officer)
    assert world.officer.password_hash == before
    assert web.get("/cases").status_code == 200


def test_disabled_user_is_stopped_at_next_request(app, world, web, en):
    """The officer is signed in on one client; the admin disables them from another."""
    assert web.login("officer@t.test").status_code == 302
    assert web.get("/cases").status_code == 200
    admin = second_browser(app)
    admin.login("admin@t.test")
    resp = admin.post(f"/admin/users/{world.officer.id}/active", {}, token_from="/admin/")
    assert resp.status_code == 303
    assert db.session.get(User, world.officer.id).active is False
    resp = web.get("/cases")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert web.login("officer@t.test").status_code == 401
    # Enabled again, the officer signs in anew.
    admin.post(f"/admin/users/{world.officer.id}/active", {"active": "y"}, token_from="/admin/")
    assert web.login("officer@t.test").status_code == 302


def test_password_spraying_from_one_address_is_slowed(app, world, web, en):
    """One guess at each of many accounts from one address: after the per-address limit every
    further attempt from there is refused unanswered, even a right password; the same account
    signs in from another address (no lock-out of the victim), and the counter expires."""
    import datetime as dt

    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        assert web.login(f"nobody{n}@t.test", "wrong-password-123").status_code == 401
    assert web.login("someone-else@t.test", "wrong-password-123").status_code == 429
    assert web.login("officer@t.test").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    from tests.conftest import Browser
    assert Browser(elsewhere).login("officer@t.test").status_code == 302
    row = db.session.get(LoginThrottle, "addr:127.0.0.1")
    assert row.failures == limit
    row.locked_until = row.window_start = row.locked_until - dt.timedelta(minutes=16)
    db.session.commit()
    assert web.login("officer@t.test").status_code == 302


def test_a_csrf_token_older_than_its_lifetime_is_refused(app, world, web, en, monkeypatch):
    import time as time_module

    token = web.csrf("/login")
    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + app.config["WTF_CSRF_TIME_LIMIT"] + 60)
    resp = web.client.post("/login", data={"email": "officer@t.test", "password": PASSWORD,
                                           "csrf_token": token})
    assert resp.status_code in (400, 422)
    monkeypatch.setattr(time_module, "time", real)
    assert web.login("officer@t.test").status_code == 302


def test_passwords_are_never_logged_nor_audited(app, world, web, en, caplog, monkeypatch):
    """Typed passwords (wrong, right, new) appear in no log record, access line or audit event."""
    import logging

    from supervision.audit.models import AuditEvent
    from supervision.core import logs

    monkeypatch.setitem(app.config, "ACCESS_LOG", True)
    caplog.set_level(logging.DEBUG)
    app.before_request_funcs.setdefault(None, []).append(logs._started)
    app.after_request_funcs.setdefault(None, []).append(logs._access)
    wrong, new = "Wrong-Guess-7733-xyz", "Brand-New-Secret-4411"
    try:
        assert web.login("officer@t.test", wrong).status_code == 401
        assert web.login("nobody@t.test", wrong).status_code == 401
        assert web.login("officer@t.test").status_code == 302
        assert web.post("/account/password", {"current": PASSWORD, "new": new, "confirm": new},
                        token_from="/account/password").status_code == 302
        web.post("/account/password", {"current": wrong, "new": new + "2", "confirm": new + "2"},
                 token_from="/account/password")
    finally:
        app.before_request_funcs[None].remove(logs._started)
        app.after_request_funcs[None].remove(logs._access)
    assert any(r.name == "supervision.access" for r in caplog.records)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    audited = "".join(f"{e.details}{e.canonical!r}" for e in db.session.execute(db.select(AuditEvent)).scalars())
    assert "officer@t.test" in audited  # the refusals and the change were recorded
    for password in (wrong, PASSWORD, new):
        assert password not in logged and password not in audited


def test_a_csrf_token_from_another_session_is_refused(app, world, web, en):
    """A token is bound to the session it was issued in: one lifted from another browser fails."""
    other = second_browser(app)
    foreign = other.csrf("/login")
    assert web.csrf("/login") != foreign  # this browser has a session and a token of its own
    resp = web.client.post("/login", data={"email": "officer@t.test", "password": PASSWORD,
                                           "csrf_token": foreign})
    assert resp.status_code in (400, 422)
    assert web.get("/cases").status_code == 302  # not signed in
    assert other.client.post("/login", data={"email": "officer@t.test", "password": PASSWORD,
                                             "csrf_token": foreign}).status_code == 302
