"""The firm's API tokens page: create (shown once, only a hash kept), revoke, audited."""
from __future__ import annotations

import re

from supervision.api.models import ApiToken
from supervision.audit.models import AuditEvent
from supervision.extensions import db
from tests.api.conftest import bearer
from tests.cases.conftest import sign_in

PAGE = "/account/api-tokens"


def _create(web, name="Warehouse system", scopes=("units:read", "events:write")):
    return web.post(PAGE, {"name": name, "scopes": list(scopes)}, token_from=PAGE)


def test_an_applicant_creates_a_token_that_is_shown_once_and_works(web, world, client):
    sign_in(web, world.applicant_a.email)
    r = _create(web)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    secret = re.search(r'id="new-token">([^<]+)<', page).group(1)
    assert "shown only this once" in page
    assert r.headers["Cache-Control"] == "no-store"
    assert secret not in web.get(PAGE).get_data(as_text=True)  # never again
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.firm_id == world.firm_a.id and token.scopes == ["units:read", "events:write"]
    assert secret not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "api_token.create")).scalar_one()
    assert event.actor_email == world.applicant_a.email
    assert secret not in str(event.details)
    assert client.get("/api/v1/whoami", headers=bearer(secret)).json["token"]["name"] == "Warehouse system"


def test_a_revoked_token_is_refused_from_then_on(web, world, client):
    sign_in(web, world.applicant_a.email)
    secret = re.search(r'id="new-token">([^<]+)<', _create(web).get_data(as_text=True)).group(1)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    r = web.post(f"{PAGE}/{token.id}/revoke", {}, token_from=PAGE)
    assert r.status_code == 302
    assert "was revoked" in web.get(PAGE).get_data(as_text=True)
    assert client.get("/api/v1/whoami", headers=bearer(secret)).status_code == 401
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke")).scalar_one()


def test_a_token_needs_a_name_and_a_known_scope(web, world):
    sign_in(web, world.applicant_a.email)
    assert _create(web, name="").status_code == 422
    assert _create(web, scopes=("admin:everything",)).status_code == 422
    assert _create(web, scopes=()).status_code == 422
    assert db.session.execute(db.select(db.func.count()).select_from(ApiToken)).scalar() == 0


def test_another_firms_token_cannot_be_seen_or_revoked(web, world, api_tokens):
    b_token = db.session.execute(db.select(ApiToken).where(ApiToken.firm_id == world.firm_b.id)).scalar_one()
    sign_in(web, world.applicant_a.email)
    page = web.get(PAGE).get_data(as_text=True)
    assert "B&#39;s ERP" not in page and "B's ERP" not in page and "ERP" in page
    assert web.post(f"{PAGE}/{b_token.id}/revoke", {}, token_from=PAGE).status_code == 404
    db.session.refresh(b_token)
    assert b_token.active


def test_only_firm_applicants_manage_tokens(web, world):
    sign_in(web, world.officer.email)
    assert web.get(PAGE).status_code == 403


def test_creating_or_revoking_a_token_needs_a_recent_confirmation(web, world, client):
    import time

    from tests.factories import PASSWORD

    sign_in(web, world.applicant_a.email)
    secret = re.search(r'id="new-token">([^<]+)<', _create(web).get_data(as_text=True)).group(1)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    with web.client.session_transaction() as sess:
        sess["_reauth_at"] = time.time() - 11 * 60  # signed in a while ago
    r = _create(web, name="Second system")
    assert r.status_code == 303 and "/account/confirm" in r.headers["Location"]
    r = web.post(f"{PAGE}/{token.id}/revoke", {}, token_from=PAGE)
    assert r.status_code == 303 and "/account/confirm" in r.headers["Location"]
    assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar_one() == 1  # nothing created
    assert client.get("/api/v1/whoami", headers=bearer(secret)).status_code == 200  # nor revoked
    ok = web.post(f"/account/confirm?next={PAGE}", {"password": PASSWORD}, token_from="/account/confirm")
    assert ok.status_code == 303
    assert _create(web, name="Second system").status_code == 200
