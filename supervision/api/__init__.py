"""The firms' JSON API under ``/api/v1/``: tokens, strict JSON, idempotency, OpenAPI.

What it owns: firms' tokens (``tokens``, pages at ``/account/api-tokens``), the request
machinery every endpoint shares (``framework``), the strict JSON reader (``strictjson``),
``Idempotency-Key`` (``idempotency``) and the OpenAPI 3.1 document assembled from what the
endpoints register (``/api/v1/openapi.json``, and ``/api-docs`` for people).

Writing an endpoint (in your own package; the sandbox's positions and geofence checks do this)::

    from supervision.api.framework import ApiError, blueprint, current_firm, endpoint
    from workflows.base import N_

    bp = blueprint("sandbox_api", __name__)    # under /api/v1, CSRF-exempt, JSON errors

    @endpoint(bp, "/sandbox/positions", method="POST", scope="positions:write",
              summary=N_("Report positions of units in a test"),
              body=POSITIONS_SCHEMA,              # JSON Schema of the body, for the document
              max_body=16 * 1024 * 1024,          # 413 above this, decided before parsing
              idempotent=True,                    # honours Idempotency-Key (needs a scope)
              responses={200: (N_("What was accepted and the breaches."), RESULT_SCHEMA),
                         422: (N_("..."), None)}, tag="sandbox")
    def post_positions(payload):                  # payload: the body, parsed as strict JSON
        firm = current_firm()                     # the token's firm; read and act only on its own
        if ...:
            raise ApiError(422, _("..."), errors=[{"index": 3, "field": "lat", "message": "..."}])
        return {"accepted": n, ...}, 200          # (body, status); a dict alone answers 200

Then register ``bp`` before the unit of work is installed: add it to your ``CaseType.blueprints``
(or ``app.register_blueprint(bp)`` in your package's ``init_app``).  The operation appears in
the OpenAPI document as soon as the blueprint is installed.

In order, for each request ``endpoint`` does: the token from ``Authorization: Bearer`` (401
with ``WWW-Authenticate: Bearer`` when missing, unknown or revoked; 403 without ``scope``;
no ``scope`` means a public endpoint) before the body is touched; ``Content-Length`` against
``max_body`` (413, body drained, unparsed); strict JSON (400: NaN, Infinity, 1e400, duplicate
keys, not UTF-8); ``Idempotency-Key`` (a retry answers the first 2xx answer, marked
``Idempotent-Replayed: true``; another body with the same key answers 422).  GET endpoints
receive no ``payload``; path parameters arrive as keyword arguments (``parameters={"code":
N_("description")}`` documents them; ``query={"state": (N_("description"), {"type": "string"})}``
documents query parameters, which the view reads from ``request.args``).  ``current_firm()`` and
``current_token()`` name who is calling.  Views raise ``ApiError(status, message, **extra)`` for
any refusal; every error is ``{"error", "status", ...}`` in the language of ``Accept-Language``
(404/405/500 under ``/api/`` too, from ``core.errors``).  ``strictjson.loads`` is the reader to
use for JSON from anywhere else (uploaded GeoJSON).  The view runs inside the request's unit of
work: an answer below 400 commits, anything else rolls back, so a refused request records nothing.

Tests: ``tests/api/conftest.py`` has ``api_tokens`` (firm A with every scope, firm A read-only,
firm B, a revoked one) and ``bearer(secret, **headers)``.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.api import endpoints, units, views  # noqa: F401  (units: its endpoints on endpoints.bp)
    from supervision.api.cli import api_cli
    from supervision.core.navigation import NavItem, add_nav
    from workflows.base import N_

    for bp in (endpoints.bp, views.bp, views.docs_bp):
        app.register_blueprint(bp)
    add_nav(app, NavItem("api_tokens.token_list", N_("API tokens"), frozenset({"applicant"})))
    app.extensions.setdefault("action_labels", {}).update({
        "api_token.create": N_("API token created"),
        "api_token.revoke": N_("API token revoked"),
    })
    app.cli.add_command(api_cli)
