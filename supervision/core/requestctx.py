"""Per-request context: a request id for the audit trail, the client address, headers."""
from __future__ import annotations

import uuid

from flask import Response, g, has_request_context, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest


def assign_request_id() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex


class NulInForm(BadRequest):
    """A submitted field held a NUL character: no text a person types has one, and PostgreSQL
    cannot store it.  Refused as a whole with a message, before any view sees the form."""

    @property
    def user_message(self) -> str:
        return _("The form contained a character that is not allowed (NUL). Remove it and send the form again.")


def refuse_nul_in_form() -> None:
    if request.method in ("POST", "PUT", "PATCH") and any(
            "\x00" in value for values in request.form.listvalues() for value in values):
        raise NulInForm()


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
