"""Two-factor sign-in: enrolment by QR and code, codes used once, recovery codes, enforcement by
role where required, re-authentication before sensitive changes."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask import current_app

from supervision.accounts import twofactor
from supervision.extensions import db
from tests.conftest import Browser
from tests.factories import PASSWORD


@pytest.fixture
def en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enrol(web: Browser) -> tuple[str, list[str]]:
    """Enrol the signed-in user from their account page; returns the secret and recovery codes."""
    page = web.get("/account/two-factor/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code
    secret = re.search(r'<code class="mono">([A-Z2-7]+)</code>', page).group(1)
    # The secret waits in the session cookie, which is signed but readable: it waits sealed.
    cookie = web.client.get_cookie("session").value
    held = current_app.session_interface.get_signing_serializer(current_app).loads(cookie)
    assert held["totp_secret"] and secret not in repr(held)
    resp = web.post("/account/two-factor/enrol", {"code": "000000" if code_at(secret) != "000000" else "111111"},
                    token_from="/account/two-factor/enrol")
    assert resp.status_code == 422 and "The code is wrong" in resp.get_data(as_text=True)
    resp = web.post("/account/two-factor/enrol", {"code": code_at(secret)}, token_from="/account/two-factor/enrol")
    assert resp.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", resp.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def sign_in_with_code(app, email: str, code: str) -> tuple[Browser, int]:
    other = Browser(app.test_client())
    other.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = other.login(email)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/login/code")
    assert other.get("/cases").status_code == 302  # not signed in before the code
    resp = other.post("/login/code", {"code": code}, token_from="/login/code")
    return other, resp.status_code


def test_an_enrolled_user_needs_a_fresh_code_each_time(app, world, web, en):
    web.login("officer@t.test")
    secret, _codes = enrol(web)
    db.session.refresh(world.officer)
    # Stored sealed: neither the row nor the session cookie holds the secret in clear.
    assert secret not in world.officer.totp_secret
    assert twofactor.open_secret(world.officer.totp_secret) == secret
    first, status = sign_in_with_code(app, "officer@t.test", code_at(secret, 1))
    assert status == 303 and first.get("/cases").status_code == 200
    # The same code again (a replay) is refused, even within its 30 seconds.
    _again, status = sign_in_with_code(app, "officer@t.test", code_at(secret, 1))
    assert status == 422


def test_a_recovery_code_works_once(app, world, web, en):
    web.login("officer@t.test")
    _secret, codes = enrol(web)
    browser, status = sign_in_with_code(app, "officer@t.test", codes[0])
    assert status == 303 and browser.get("/cases").status_code == 200
    _again, status = sign_in_with_code(app, "officer@t.test", codes[0])
    assert status == 422
    assert "9 recovery codes left" in browser.get("/account/two-factor").get_data(as_text=True)


def test_five_wrong_codes_start_the_sign_in_over(app, world, web, en):
    web.login("officer@t.test")
    enrol(web)
    other = Browser(app.test_client())
    other.login("officer@t.test")
    for _ in range(4):
        assert other.post("/login/code", {"code": "123456"}, token_from="/login/code").status_code == 422
    resp = other.post("/login/code", {"code": "123456"}, token_from="/login/code")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/login")
    assert other.get("/login/code").headers["Location"].endswith("/login")


def test_where_required_a_regulator_enrols_before_entering(app, world, web, en, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED", True)
    resp = web.login("approver@t.test")
    assert resp.headers["Location"].endswith("/login/enrol")
    assert web.get("/cases").status_code == 302
    page = web.get("/login/enrol").get_data(as_text=True)
    assert "Your role requires a second factor" in page
    secret = re.search(r'<code class="mono">([A-Z2-7]+)</code>', page).group(1)
    resp = web.post("/login/enrol", {"code": code_at(secret)}, token_from="/login/enrol")
    assert resp.status_code == 200 and "Recovery codes" in resp.get_data(as_text=True)
    assert web.get("/cases").status_code == 200
    # Required: it cannot be switched off.
    web.post("/account/two-factor/disable", {}, token_from="/account/two-factor")
    db.session.refresh(world.approver)
    assert twofactor.open_secret(world.approver.totp_secret) == secret
    # Firms are not in the required roles: the applicant signs in with the password alone.
    firm = Browser(app.test_client())
    assert firm.login("a@firm-a.test").status_code == 302


@pytest.mark.parametrize("email", ["officer@t.test", "approver@t.test", "expert@t.test", "auditor@t.test",
                                   "admin@t.test", "certifier@cb.test"])
def test_where_required_every_regulators_role_is_sent_to_enrol(app, world, en, monkeypatch, email):
    from tests.factories import certifier

    certifier(email="certifier@cb.test")
    db.session.commit()
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED", True)
    browser = Browser(app.test_client())
    resp = browser.login(email)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/login/enrol")
    assert browser.get("/home").status_code == 302  # not signed in yet


def test_a_two_factor_change_needs_a_recent_confirmation(app, world, web, en):
    web.login("a@firm-a.test")
    secret, _codes = enrol(web)
    with web.client.session_transaction() as sess:
        sess["_reauth_at"] = time.time() - 11 * 60
    resp = web.post("/account/two-factor/disable", {}, token_from="/account/two-factor",
                    headers={"Referer": "http://localhost/account/two-factor"})
    assert resp.status_code == 303 and "/account/confirm" in resp.headers["Location"]
    db.session.refresh(world.applicant_a)
    assert twofactor.open_secret(world.applicant_a.totp_secret) == secret  # still on
    ok = web.post("/account/confirm?next=/account/two-factor",
                  {"password": PASSWORD, "code": code_at(secret, 1)}, token_from="/account/confirm")
    assert ok.status_code == 303
    web.post("/account/two-factor/disable", {}, token_from="/account/two-factor")
    db.session.refresh(world.applicant_a)
    assert not world.applicant_a.totp_secret


def test_development_signs_in_with_the_password_alone(world, web, en):
    assert web.login("admin@t.test").status_code == 302
    assert web.get("/admin/").status_code == 200


def test_a_role_change_needs_a_recent_confirmation(app, world, web, en, monkeypatch):
    web.login("admin@t.test")
    with web.client.session_transaction() as sess:
        sess["_reauth_at"] = time.time() - 11 * 60
    resp = web.post(f"/admin/users/{world.officer.id}/roles", {"roles": ["officer", "approver"]},
                    token_from="/admin/", headers={"Referer": "http://localhost/admin/"})
    assert resp.status_code == 303 and "/account/confirm" in resp.headers["Location"]
    db.session.refresh(world.officer)
    assert world.officer.roles == {"officer"}  # not applied
    wrong = web.post("/account/confirm?next=/admin/", {"password": "wrong-password-1"},
                     token_from="/account/confirm")
    assert wrong.status_code == 422
    ok = web.post("/account/confirm?next=/admin/", {"password": PASSWORD}, token_from="/account/confirm")
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/admin/")
    web.post(f"/admin/users/{world.officer.id}/roles", {"roles": ["officer", "approver"]}, token_from="/admin/")
    db.session.refresh(world.officer)
    assert world.officer.roles == {"officer", "approver"}
