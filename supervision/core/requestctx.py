"""Per-request context: a request id for the audit trail, the client address, headers."""
from __future__ import annotations

import uuid

from flask import Response, g, has_request_context, request


def assign_request_id() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex


def current_request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


def client_address() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if has_request_context() and getattr(g, "request_id", None):
        response.headers["X-Request-Id"] = g.request_id
    return response
