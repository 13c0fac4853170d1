"""The machinery every API endpoint uses: ``blueprint`` and ``endpoint`` (see the package
docstring for how to write one).

``endpoint`` wraps a view so that, in this order: the token is checked from the headers (401 /
403, body unread); a body's ``Content-Length`` is checked against the endpoint's limit (413,
body drained, unparsed); the body is read as strict JSON (400); an ``Idempotency-Key`` replays
the first answer; the view's ``(body, status)`` becomes a JSON response.  It also records the
operation for the OpenAPI document.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import gettext as _

from supervision import policies
from supervision.api import idempotency, strictjson
from supervision.api.errors import ApiError, answer
from supervision.api.models import SCOPES, ApiToken
from supervision.api.tokens import authenticate
from supervision.extensions import csrf

PREFIX = "/api/v1"
DEFAULT_MAX_BODY = 1024 * 1024
_DRAIN_LIMIT = 64 * 1024 * 1024  # beyond this a refused body is left for the server to discard
_BODY_METHODS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class Operation:
    """One endpoint as the OpenAPI document describes it."""

    blueprint: str
    rule: str                    # Flask rule below PREFIX, e.g. "/units/<code>"
    method: str
    operation_id: str
    summary: str                 # N_-marked English
    description: str = ""
    scope: str | None = None     # None: public, no token
    body: dict | None = None     # JSON Schema of the request body
    max_body: int | None = None
    idempotent: bool = False
    responses: dict[int, tuple[str, dict | None]] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)  # path parameter -> description
    query: dict[str, tuple[str, dict]] = field(default_factory=dict)  # name -> (description, schema)
    tag: str = "units"


OPERATIONS: list[Operation] = []


def blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under ``/api/v1`` that answers errors as JSON and needs no form CSRF token."""
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    csrf.exempt(bp)
    bp.register_error_handler(ApiError, answer)
    return bp


def current_token() -> ApiToken:
    """The token the request was authenticated with (views of endpoints with a scope)."""
    return g.api_token


def current_firm():
    """The firm that holds the request's token: everything the view reads or records is its own."""
    return g.api_token.firm


def _drain() -> None:
    """Read and discard a refused body, so the connection stays usable for the next request."""
    stream = request.input_stream
    remaining = min(request.content_length or 0, _DRAIN_LIMIT)
    while stream is not None and remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, _("The request body is too large: at most %(n)s bytes.", n=f"{limit:,}"),
                    limit=limit)


def read_body(limit: int) -> bytes:
    """The raw body, refused with 413 before reading when it is declared (or turns out) longer
    than ``limit``."""
    length = request.content_length
    if length is not None and length > limit:
        _drain()
        raise _too_large(limit)
    data = request.input_stream.read(length) if length is not None else request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def parse(data: bytes) -> Any:
    try:
        return strictjson.loads(data)
    except strictjson.NotStrictJson as err:
        raise ApiError(400, err.message) from None


def _respond(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    body, status = result if isinstance(result, tuple) else (result, 200)
    response = jsonify(body)
    response.status_code = status
    return response


def endpoint(bp: Blueprint, rule: str, *, method: str = "GET", summary: str, description: str = "",
             scope: str | None = None, body: dict | None = None, max_body: int = DEFAULT_MAX_BODY,
             idempotent: bool = False, responses: dict[int, tuple[str, dict | None]] | None = None,
             parameters: dict[str, str] | None = None, query: dict[str, tuple[str, dict]] | None = None,
             tag: str = "units") -> Callable:
    """Register ``view`` at ``rule`` on an API blueprint (see the package docstring)."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if idempotent and scope is None:
        raise ValueError("idempotency keys are kept per token: an idempotent endpoint needs a scope")
    takes_body = method in _BODY_METHODS

    def deco(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(**kwargs: Any) -> Response:
            if scope is not None:
                g.api_token = authenticate(scope)
            if not takes_body:
                return _respond(view(**kwargs))
            raw = read_body(max_body)
            key = idempotency.read_key() if idempotent else None
            payload = parse(raw)

            def call() -> Response:
                try:
                    return _respond(view(payload, **kwargs))
                except ApiError as err:
                    return answer(err)
            if key is None:
                return call()
            return idempotency.once(g.api_token, key, raw, call)

        run.route_policy = policies.PUBLIC  # type: ignore[attr-defined]  (the token is the credential)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=run, methods=[method])
        OPERATIONS.append(Operation(
            blueprint=bp.name, rule=rule, method=method, operation_id=view.__name__, summary=summary,
            description=description or (view.__doc__ or "").strip(), scope=scope, body=body,
            max_body=max_body if takes_body else None, idempotent=idempotent,
            responses=dict(responses or {}), parameters=dict(parameters or {}), query=dict(query or {}),
            tag=tag))
        return run

    return deco
