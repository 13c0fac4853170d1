"""Every route declares its policy; the auditor only reads; CSRF guards every POST; GETs change nothing."""
from __future__ import annotations

import pytest

from supervision import policies
from supervision.extensions import db
from tests.access.urlmap import example_url, routes
from tests.cases.conftest import put_in_state
from tests.core.dbstate import audit_actions_except_denials, snapshot

# DOMAIN §2: an auditor's only POSTs are sign in/out, own password and language, starting an
# export, saving a queue view (and deleting their own), marking their own notifications read.
# Signing in includes its second factor, and "own password" the account's own two-factor settings
# and the confirmation before changing them.
AUDITOR_POSTS = {"accounts.login", "accounts.logout", "accounts.change_password", "accounts.set_language",
                 "notifications.mark_read", "notifications.mark_all_read",
                 "accounts.second_factor", "accounts.enrol_at_sign_in", "accounts.confirm",
                 "accounts.enrol", "accounts.two_factor_change",
                 "workbench.save_view", "workbench.delete_view"}


def test_every_route_declares_a_policy(app):
    missing = [rule.rule for endpoint, rule in routes(app, "GET") if
               not hasattr(app.view_functions[endpoint], "route_policy")]
    missing += [rule.rule for endpoint, rule in routes(app, "POST") if
                not hasattr(app.view_functions[endpoint], "route_policy")]
    assert missing == []


def test_a_view_without_policy_is_refused(app, client, monkeypatch):
    def undeclared():
        return "secret page"

    monkeypatch.setitem(app.view_functions, "public.index", undeclared)
    resp = client.get("/")
    assert resp.status_code == 403
    assert "secret page" not in resp.get_data(as_text=True)


def test_auditor_may_post_only_to_its_own_few_routes(app):
    """Routes that admit an auditor's POST: the four self-service ones, and exports."""
    open_to_auditor = {endpoint for endpoint, _rule in routes(app, "POST")
                       if app.view_functions[endpoint].route_policy.auditor_may_post}
    extra = {e for e in open_to_auditor - AUDITOR_POSTS
             if app.view_functions[e].route_policy is not policies.EXPORTERS}
    assert extra == set()
    assert AUDITOR_POSTS <= open_to_auditor


def test_auditor_posting_anywhere_else_gets_403_and_changes_nothing(app, world, ids, case_a, web):
    put_in_state(case_a, "submitted")  # a firm's draft would answer 404 (it does not exist for them)
    db.session.commit()
    web.login("auditor@t.test")
    token = web.csrf("/cases")
    before = snapshot(with_audit=False)
    audit_before = audit_actions_except_denials()
    tried = []
    for endpoint, rule in routes(app, "POST"):
        p = app.view_functions[endpoint].route_policy
        if endpoint in AUDITOR_POSTS or p is policies.EXPORTERS:
            continue
        url = example_url(rule, ids)
        resp = web.client.post(url, data={"csrf_token": token, "trigger": "submit", "version": "1",
                                          "roles": "officer", "active": "", "name_zh": "x", "name_en": "x",
                                          "kind": "department", "email": "new@t.test", "name": "N",
                                          "organisation_id": str(world.department.id),
                                          "password": "long-enough-password", "year": "2030"})
        resp.close()
        tried.append(url)
        assert resp.status_code == 403, (url, resp.status_code)
    assert "/admin/users/%d/roles" % world.applicant_b.id in tried
    assert "/cases/%d/act" % ids["case_id"] in tried
    assert snapshot(with_audit=False) == before
    assert audit_actions_except_denials() == audit_before


def test_auditor_may_sign_out_and_set_language(world, web):
    web.login("auditor@t.test")
    assert web.post("/language", {"lang": "en"}, token_from="/cases").status_code == 302
    db.session.refresh(world.auditor)
    assert world.auditor.locale == "en"
    assert web.post("/logout", token_from="/cases").status_code == 302
    assert web.get("/cases").status_code == 302


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(app, world, ids, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    web.login("admin@t.test")
    before = snapshot()
    for endpoint, rule in routes(app, "POST"):
        url = example_url(rule, ids)
        resp = web.client.post(url, data={"trigger": "submit", "version": "1", "roles": "officer",
                                          "lang": "en", "name_zh": "x", "name_en": "x", "kind": "department",
                                          "current": "correct-horse-battery", "new": "another-password-1",
                                          "confirm": "another-password-1"})
        if rule.rule.startswith("/api/"):  # no form CSRF there: a bearer token, never the cookie, signs in
            assert resp.status_code == 401, (url, resp.status_code)
            continue
        if endpoint == "decisions.verify_upload":  # checks a PDF, changes nothing: no CSRF token
            assert resp.status_code == 422, (url, resp.status_code)
            continue
        assert resp.status_code == 400, (url, resp.status_code)
        assert "The form expired or was not sent from this site" in resp.get_data(as_text=True)
    assert snapshot() == before
    assert web.get("/admin/").status_code == 200  # still signed in: the sign-out was refused too


def test_sign_in_without_csrf_token_is_refused(world, client):
    resp = client.post("/login", data={"email": "officer@t.test", "password": "correct-horse-battery"})
    assert resp.status_code == 400
    assert client.get("/cases").status_code == 302  # not signed in


USERS = ["admin@t.test", "officer@t.test", "approver@t.test", "auditor@t.test", "expert@t.test",
         "a@firm-a.test", "b@firm-b.test", None]


@pytest.mark.parametrize("email", USERS)
def test_no_get_changes_business_data_or_fails(app, world, ids, web, email):
    if email:
        assert web.login(email).status_code == 302
    before = snapshot(with_audit=False)
    for endpoint, rule in routes(app, "GET"):
        if endpoint == "accounts.login":
            continue  # signed in: it only redirects
        url = example_url(rule, ids)
        resp = web.get(url)
        resp.close()
        assert resp.status_code < 500, (url, resp.status_code)
    assert snapshot(with_audit=False) == before
