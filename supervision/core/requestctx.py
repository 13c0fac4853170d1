"""Per-request context: a request id for the audit trail, the client address, headers."""
from __future__ import annotations

import uuid

from flask import Response, current_app, g, has_request_context, request
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
    if request.path.startswith("/api/"):  # the API reads its own bodies, after checking the token
        return
    if request.method in ("POST", "PUT", "PATCH") and any(
            "\x00" in value for values in request.form.listvalues() for value in values):
        raise NulInForm()


def current_request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


def client_address() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def content_security_policy() -> str:
    """The policy every response carries: scripts, styles and fonts from this site only (no
    inline code anywhere), images also from ``data:`` and the configured ``CSP_IMG_SOURCES``
    (a map's tile server), never framed."""
    images = " ".join(("'self'", "data:", *current_app.config.get("CSP_IMG_SOURCES", ())))
    return ("default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
            f"img-src {images}; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")


PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=()")


def security_headers(response: Response) -> Response:
    """Headers of every response (OWASP ASVS 14.4): a strict CSP, no sniffing, no framing, a
    same-origin referrer, no powerful features; HSTS where the site is served over HTTPS
    (``HSTS_SECONDS``, production).  A view may set a stricter CSP of its own (uploads add
    ``sandbox``)."""
    have = {key.lower() for key in response.headers.keys()}
    for name, value in _fixed_headers(current_app):
        if name.lower() not in have:
            response.headers.add(name, value)
    if has_request_context() and getattr(g, "request_id", None):
        response.headers["X-Request-Id"] = g.request_id
    return response


def _fixed_headers(app) -> tuple[tuple[str, str], ...]:
    """The headers ``security_headers`` adds, built once per value of the settings they read."""
    hsts = app.config.get("HSTS_SECONDS")
    key = (hsts, tuple(app.config.get("CSP_IMG_SOURCES", ())))
    built = app.extensions.setdefault("security_headers", {})
    fixed = built.get(key)
    if fixed is None:
        fixed = (("Content-Security-Policy", content_security_policy()),
                 ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                 ("Referrer-Policy", "same-origin"), ("Permissions-Policy", PERMISSIONS_POLICY),
                 *((("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains"),) if hsts else ()))
        built[key] = fixed
    return fixed
