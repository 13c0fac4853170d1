"""Structured logs (OWASP ASVS 7.1): one JSON object per line, on standard error.

Every record carries its time, level, logger and message, and inside a request the request id,
the user, the route and the client address; ``access`` lines add the status and the duration.
Security events keep their own logger (``supervision.security``).  Because each line is one
JSON document, a value a user typed (a newline, a quote, ``"level": "INFO"``) is escaped inside
its string and can never start a new record or forge a field.  ``LOG_FORMAT = "text"`` keeps
plain lines for a developer's terminal."""
from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

ACCESS = logging.getLogger("supervision.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["route"] = request.endpoint
            entry["client_address"] = request.remote_addr
            entry["user_id"] = _signed_in_user_id()
        for key in ("status", "duration_ms", "method", "path"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=True, default=str)


JsonFormatter.converter = time.gmtime


def _signed_in_user_id() -> int | None:
    """The id of the user this request was served to, as Flask-Login loaded them (``None`` for a
    visitor, or when no part of the request asked who is signed in).  Read from the loaded row's
    identity, never from its attributes: the access line is written after the unit of work
    committed, when reading an attribute would load the whole row again."""
    user = g.get("_login_user")
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def _started() -> None:
    g.started_at = time.perf_counter()


def _access(response: Response) -> Response:
    started = getattr(g, "started_at", None)
    if started is not None:
        ACCESS.info("request", extra={
            "status": response.status_code, "method": request.method, "path": request.path,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
    return response


def install(app: Flask) -> None:
    """Send the app's log records to standard error as JSON lines (or text) and log each request
    (``ACCESS_LOG``)."""
    handler = logging.StreamHandler()
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("supervision")
    if not any(getattr(h, "_supervision", False) for h in root.handlers):
        handler._supervision = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    app.logger.handlers[:] = [h for h in root.handlers]
    if app.config.get("ACCESS_LOG", True):
        app.before_request(_started)
        app.after_request(_access)
