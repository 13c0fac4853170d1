"""Password reset by e-mail (single use, 60 minutes, one answer for every address) and the
administrator's forced reset."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from supervision.accounts.models import PasswordReset
from supervision.extensions import db
from supervision.notifications.models import OutboxMessage
from tests.conftest import Browser
from tests.factories import PASSWORD

NEW = "a-brand-new-secret-2026"


@pytest.fixture
def en(client, world):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    world.officer.locale = "en"  # e-mails go out in the recipient's language
    db.session.commit()
    return client


def mails_to(address: str) -> list[OutboxMessage]:
    return db.session.execute(db.select(OutboxMessage).filter_by(to_address=address)
                              .order_by(OutboxMessage.id)).scalars().all()


def link_in(message: OutboxMessage) -> str:
    match = re.search(r"https?://\S+(/password/reset/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def ask(web: Browser, email: str):
    return web.post("/password/forgot", {"email": email}, token_from="/password/forgot")


def test_a_user_resets_a_forgotten_password_once(world, web, en):
    resp = ask(web, "officer@t.test")
    assert resp.status_code == 303
    assert "a link to set a new password is on its way" in web.get("/login").get_data(as_text=True)
    [mail] = mails_to("officer@t.test")
    assert "within 60 minutes" in mail.body
    path = link_in(mail)
    assert db.session.execute(db.select(PasswordReset.token_hash)).scalar_one() not in mail.body
    resp = web.post(path, {"new": NEW, "confirm": NEW}, token_from=path)
    assert resp.status_code == 303
    assert web.login("officer@t.test", PASSWORD).status_code == 401
    assert web.login("officer@t.test", NEW).status_code == 302
    web.post("/logout", token_from="/account/password")
    assert web.get(path).status_code == 410  # used up
    assert web.post(path, {"new": "another-secret-2027", "confirm": "another-secret-2027"},
                    token_from="/login").status_code == 410


def test_unknown_and_known_addresses_get_the_same_answer(world, web, en):
    known, unknown = ask(web, "officer@t.test"), ask(web, "nobody@t.test")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert mails_to("nobody@t.test") == []


def test_an_expired_link_and_an_older_link_do_not_work(world, web, en):
    ask(web, "officer@t.test")
    first = link_in(mails_to("officer@t.test")[0])
    row = db.session.execute(db.select(PasswordReset)).scalar_one()
    row.created_at -= dt.timedelta(minutes=2)
    db.session.commit()
    ask(web, "officer@t.test")
    second = link_in(mails_to("officer@t.test")[1])
    assert web.get(first).status_code == 410   # a newer request voids the older link
    assert web.get(second).status_code == 200
    db.session.execute(db.update(PasswordReset).values(expires_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    assert web.get(second).status_code == 410
    assert "has expired" in web.get(second).get_data(as_text=True)


def test_requests_are_limited_to_one_link_a_minute(world, web, en):
    for _ in range(5):
        ask(web, "officer@t.test")
    assert len(mails_to("officer@t.test")) == 1


def test_a_weak_new_password_is_refused_and_the_link_stays_usable(world, web, en):
    ask(web, "officer@t.test")
    path = link_in(mails_to("officer@t.test")[0])
    resp = web.post(path, {"new": "qwerty123456", "confirm": "qwerty123456"}, token_from=path)
    assert resp.status_code == 422
    assert "commonly used passwords" in resp.get_data(as_text=True)
    assert web.login("officer@t.test", PASSWORD).status_code == 302


def test_an_administrator_forces_a_reset(app, world, web, en):
    victim = Browser(app.test_client())
    assert victim.login("officer@t.test").status_code == 302
    web.login("admin@t.test")
    resp = web.post(f"/admin/users/{world.officer.id}/force-reset", {}, token_from="/admin/")
    assert resp.status_code == 303
    assert victim.get("/cases").status_code == 302          # their session ended
    assert victim.login("officer@t.test").status_code == 401  # the old password no longer works
    path = link_in(mails_to("officer@t.test")[0])
    assert "An administrator asked you" in mails_to("officer@t.test")[0].body
    assert victim.post(path, {"new": NEW, "confirm": NEW}, token_from=path).status_code == 303
    assert victim.login("officer@t.test", NEW).status_code == 302
