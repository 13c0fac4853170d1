"""Every page carries a strict Content-Security-Policy and contains nothing that policy would
block: no inline script, no ``<style>`` element, no ``style=`` attribute (OWASP ASVS 14.4)."""
from __future__ import annotations

import re

import pytest

from supervision.documents.services import add_document
from tests.access.urlmap import example_url, routes
from tests.conftest import sealed_url

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def blocked_inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in (("inline script", INLINE_SCRIPT), ("style element", STYLE_ELEMENT),
                          ("style attribute", STYLE_ATTRIBUTE), ("event handler", EVENT_HANDLER)):
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def test_the_detector_finds_what_the_policy_blocks():
    assert blocked_inline_code('<td style="x">') and blocked_inline_code("<script>alert(1)</script>")
    assert blocked_inline_code('<button onclick="go()">') and blocked_inline_code("<style>p{}</style>")
    assert not blocked_inline_code('<script src="/static/map.js"></script><td class="nowrap">')


@pytest.mark.parametrize("email", ["admin@t.test", "officer@t.test", "a@firm-a.test", None])
def test_every_page_has_a_strict_policy_and_no_inline_code(app, world, ids, web, email):
    if email:
        assert web.login(email).status_code == 302
    offending = {}
    for endpoint, rule in routes(app, "GET"):
        if endpoint == "accounts.login" and email:
            continue
        url = example_url(rule, ids)
        resp = web.get(url)
        csp = resp.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp or "sandbox" in csp, url
        if resp.status_code == 200 and resp.mimetype == "text/html":
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
            found = blocked_inline_code(resp.get_data(as_text=True))
            if found:
                offending[url] = found
        resp.close()
    assert offending == {}


def test_security_headers_on_a_public_page(client):
    resp = client.get("/")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in resp.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in resp.headers  # development and tests: plain HTTP


def test_production_sends_hsts(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 31536000)
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_stored_file_is_served_sandboxed(world, web):
    case = world.case(title="Robot")
    pdf_with_script = b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = add_document(data=pdf_with_script, filename="plan.pdf",
                       classification="internal", actor=world.applicant_a, case=case,
                       firm_id=world.firm_a.id)
    from supervision.extensions import db
    db.session.commit()
    web.login("a@firm-a.test")
    resp = web.get(sealed_url("document", doc.id))
    assert resp.status_code == 200
    assert resp.headers["Content-Security-Policy"].startswith("sandbox")
