"""The OpenAPI 3.1 document: valid, assembled from what the installed endpoints register, and
rendered for people without scripts."""
from __future__ import annotations

import re

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator


def test_the_document_is_valid_openapi_3_1(client):
    doc = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"}).json
    assert doc["openapi"] == "3.1.0"
    validate(doc, cls=OpenAPIV31SpecValidator)
    whoami = doc["paths"]["/whoami"]["get"]
    assert whoami["security"] == [{"bearer": ["units:read"]}]
    assert {"200", "401", "403", "500"} <= set(whoami["responses"])


def test_endpoints_add_themselves_where_their_blueprint_is_installed(client, notes):
    plain = client.get("/api/v1/openapi.json").json
    assert "/test-notes" not in plain["paths"]
    with_notes = notes.get("/api/v1/openapi.json").json
    validate(with_notes, cls=OpenAPIV31SpecValidator)
    op = with_notes["paths"]["/test-notes"]["post"]
    assert op["security"] == [{"bearer": ["events:write"]}]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op["parameters"])
    assert {"400", "401", "403", "413", "422", "201"} <= set(op["responses"])
    assert op["requestBody"]["content"]["application/json"]["schema"]["required"] == ["text"]


def test_the_page_for_people_shows_each_endpoint_without_scripts(client):
    html = client.get("/api-docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "GET /api/v1/whoami" in html and "units:read" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # scripts only from static files
    assert "style=" not in html and "<style" not in html
