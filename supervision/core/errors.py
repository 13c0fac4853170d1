"""Error pages: every failure answers in the user's language, never a traceback or SQL."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class Conflict(Exception):
    """The object changed since the form was rendered (optimistic locking).  A subclass about
    another kind of object says so in ``user_message`` (the default speaks of a case)."""

    user_message: str | None = None


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("The page or object was not found."),
        405: _("This method is not allowed here."),
        409: _("This case was changed by someone else. Reload the page and try again."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on our side. Nothing was changed."),
        503: _("The service is temporarily unavailable."),
    }


def render_error(code: int, message: str | None = None):
    """The error page (or JSON for API clients) with a message in the user's language."""
    message = message or _messages().get(code, _messages()[500])
    request_id = getattr(g, "request_id", None)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message, status=code, request_id=request_id), code
    try:
        return render_template("error.html", code=code, message=message, request_id=request_id), code
    except Exception:  # the layout itself failed (e.g. database gone): a bare page, still no traceback
        log.exception("could not render the error page")
        return (f"<!doctype html><title>{code}</title><h1>{code}</h1><p>{escape(message)}</p>",
                code, {"Content-Type": "text/html; charset=utf-8"})


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err):
        return render_error(400, _("The form expired or was not sent from this site. Reload the page and try again."))

    @app.errorhandler(413)
    def _too_large(err):
        mb = app.config.get("MAX_UPLOAD_BYTES", 0) // (1024 * 1024)
        return render_error(413, _("The upload is too large: at most %(mb)s MB.", mb=mb))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = err.code or 500
        desc = getattr(err, "user_message", None)
        return render_error(code, desc)

    @app.errorhandler(Conflict)
    def _conflict(err):
        return render_error(409, err.user_message)

    @app.errorhandler(Exception)
    def _unexpected(err):
        from supervision.core import uow

        log.exception("unhandled error")
        try:
            uow.rollback()  # also drops what waited for a commit (a failed commit's callbacks)
        except Exception:  # pragma: no cover - the session is already unusable  # noqa: S110  # nosec B110
            pass
        return render_error(500)
