"""How the API refuses: ``ApiError`` answers ``{"error": "...", "status": n}`` (plus any named
extra members, e.g. ``errors``) with its headers, in the language of ``Accept-Language``."""
from __future__ import annotations

from typing import Any

from flask import g, jsonify


class ApiError(Exception):
    """Raise from an API view (or the framework) to answer with a JSON error."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 **extra: Any):
        super().__init__(message)
        self.status, self.message = status, message
        self.headers = headers or {}
        self.extra = extra


def answer(err: ApiError):
    body = {"error": err.message, "status": err.status, **err.extra}
    request_id = getattr(g, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = err.status
    response.headers.update(err.headers)
    return response


# The OpenAPI description of every error answer.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, in the language of Accept-Language."},
        "status": {"type": "integer"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "Per-item problems, where the endpoint reports them."},
    },
}
