"""Security events: their own logger (``supervision.security``), apart from the audit chain.

One line per event: a fixed English phrase, then the facts as one JSON object, so a value a
user sent (a trigger, an address) can never start a new line or forge a field.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from supervision.core.requestctx import client_address, current_request_id

log = logging.getLogger("supervision.security")

BYPASS_ATTEMPT = "business-logic bypass attempt"


def security_event(event: str, **facts: Any) -> None:
    """Log ``event`` with who sent the request, from where, and ``facts`` (what)."""
    fields: dict[str, Any] = {}
    if has_request_context():
        user = current_user if current_user.is_authenticated else None
        fields.update(user_id=user.id if user else None, user=user.email if user else None,
                      client_address=client_address(), request_id=current_request_id(),
                      method=request.method, route=request.endpoint, path=request.path)
    fields.update(facts)
    log.warning("%s %s", event, json.dumps(fields, ensure_ascii=True, sort_keys=True, default=str))


def bypass_attempt(**facts: Any) -> None:
    """A request that tried what the workflow does not offer (an unknown or illegal trigger)."""
    security_event(BYPASS_ATTEMPT, **facts)
