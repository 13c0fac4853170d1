"""The OpenAPI 3.1 document, assembled from the operations the installed API blueprints
registered (``framework.OPERATIONS``), served as JSON and as a page for people."""
from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, render_template

from supervision.api.errors import ERROR_SCHEMA
from supervision.api.framework import OPERATIONS, PREFIX, Operation
from supervision.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from supervision.api.models import SCOPES
from supervision.core.i18n import label
from workflows.base import N_

_RULE_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")
_ERROR = {"$ref": "#/components/schemas/Error"}


def openapi_path(rule: str) -> str:
    return _RULE_PARAM.sub(r"{\1}", rule)


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _responses(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, (description, schema) in sorted(op.responses.items()):
        content = {"application/json": {"schema": schema}} if schema is not None else None
        out[str(status)] = {"description": label(description), **({"content": content} if content else {})}
    implied = {}
    if op.body is not None:
        implied[400] = label(N_("The body is not strict JSON (NaN, Infinity, 1e400 and duplicate keys are refused)."))
        implied[413] = label(N_("The body is larger than the endpoint's limit."))
    if op.scope is not None:
        implied[401] = label(N_("No token, or an unknown or revoked token."))
        implied[403] = label(N_("The token does not hold the scope this endpoint needs."))
    if op.idempotent:
        implied.setdefault(422, label(N_("The Idempotency-Key was already used for a different request.")))
    implied[500] = label(N_("Something went wrong on our side. Nothing was changed."))
    for status, description in sorted(implied.items()):
        out.setdefault(str(status), _error(description))
    return dict(sorted(out.items()))


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.operation_id, "summary": label(op.summary), "tags": [op.tag]}
    if op.description:
        doc["description"] = op.description
    params = [{"name": name, "in": "path", "required": True, "description": label(text),
               "schema": {"type": "string"}} for name, text in op.parameters.items()]
    params += [{"name": name, "in": "query", "required": False, "description": label(text), "schema": schema}
               for name, (text, schema) in op.query.items()]
    if op.idempotent:
        params.append({"name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
                       "description": label(N_("Any string of 1 to 255 characters; a retry with the same key "
                                            "and body answers the first result (kept 24 hours, per token).")),
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
    if params:
        doc["parameters"] = params
    doc["security"] = [{"bearer": [op.scope]}] if op.scope else []
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}},
                              "description": label(N_("At most %(n)s bytes."), n=f"{op.max_body:,}")}
    doc["responses"] = _responses(op)
    return doc


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API endpoints installed in this app."""
    installed = [op for op in OPERATIONS if op.blueprint in current_app.blueprints]
    paths: dict[str, dict] = {}
    for op in sorted(installed, key=lambda o: (o.rule, o.method)):
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    scopes = ", ".join(f"{name} ({label(text)})" for name, text in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": label(N_("Robot supervision platform: API for firms")),
            "version": "1",
            "description": label(N_("Firms' systems call this API with a token their applicants create in "
                                 "the firm's account (API tokens). Scopes: %(scopes)s. Every error is "
                                 "JSON {\"error\", \"status\"} in the language of Accept-Language."),
                                 scopes=scopes),
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    }


def page() -> str:
    doc = document()
    operations = [(path, method.upper(), op) for path, item in doc["paths"].items() for method, op in item.items()]
    return render_template("api/docs.html", doc=doc, operations=operations, prefix=PREFIX,
                           pretty=lambda value: json.dumps(value, indent=2, ensure_ascii=False))
