"""Tokens on requests: who gets in, who is refused and how, in the client's language."""
from __future__ import annotations

from tests.api.conftest import bearer
from tests.cases.conftest import use_catalog


def test_a_token_reads_as_its_own_firm(client, api_tokens, world):
    r = client.get("/api/v1/whoami", headers=bearer(api_tokens.a))
    assert r.status_code == 200
    assert r.json["firm"]["id"] == world.firm_a.id
    assert r.json["token"]["name"] == "ERP"
    assert set(r.json["token"]["scopes"]) == {"units:read", "events:write", "positions:write", "geofences:validate"}
    r = client.get("/api/v1/whoami", headers=bearer(api_tokens.b))
    assert r.json["firm"]["id"] == world.firm_b.id


def test_missing_unknown_and_revoked_tokens_get_401_with_a_bearer_challenge(client, api_tokens):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer"},
                    bearer("sup_not-a-real-token"), bearer(api_tokens.revoked)):
        r = client.get("/api/v1/whoami", headers={**headers, "Accept-Language": "en"})
        assert r.status_code == 401, headers
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.json["status"] == 401
        assert "token" in r.json["error"]
        assert r.headers["Content-Type"] == "application/json"


def test_a_token_without_the_scope_gets_403(client, api_tokens, notes):
    r = notes.post("/api/v1/test-notes", json={"text": "x"}, headers=bearer(api_tokens.a_read, **{"Accept-Language": "en"}))
    assert r.status_code == 403
    assert "events:write" in r.json["error"]
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]


def test_no_token_is_refused_before_the_body_is_read(notes, api_tokens):
    """An oversized, malformed body without a token is answered 401, not 413 or 400."""
    r = notes.post("/api/v1/test-notes", data=b"{" * 50_000, content_type="application/json")
    assert r.status_code == 401


def test_the_api_never_redirects_to_the_sign_in_page(client):
    for path in ("/api/v1/whoami", "/api/v1/nothing-here"):
        r = client.get(path)
        assert r.status_code in (401, 404)
        assert "Location" not in r.headers
        assert r.is_json


def test_errors_answer_in_the_language_of_accept_language(client, api_tokens, monkeypatch):
    use_catalog(monkeypatch, {"The API token is unknown or has been revoked.": "API 令牌不存在或已被撤销。"})
    zh = client.get("/api/v1/whoami", headers=bearer(api_tokens.revoked, **{"Accept-Language": "zh-CN,zh;q=0.9"}))
    en = client.get("/api/v1/whoami", headers=bearer(api_tokens.revoked, **{"Accept-Language": "en-GB,en;q=0.8"}))
    assert zh.json["error"] == "API 令牌不存在或已被撤销。"
    assert en.json["error"] == "The API token is unknown or has been revoked."


def test_routing_errors_answer_in_the_language_of_accept_language(client):
    assert client.get("/api/v1/none", headers={"Accept-Language": "zh"}).json["error"] == "未找到该页面或对象。"


def test_404_405_are_json_in_the_api(client):
    r = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and r.json == {**r.json, "status": 404}
    assert "not found" in r.json["error"]
    r = client.delete("/api/v1/whoami", headers={"Accept-Language": "en"})
    assert r.status_code == 405 and r.json["status"] == 405
