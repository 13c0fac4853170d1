"""``Idempotency-Key``: a retried request answers the first result and records nothing twice.

Per token, a key names one request (method, path and body, hashed) for ``API_IDEMPOTENCY_HOURS``
(24 by default).  Requests with the same token and key are serialised (a transaction-scoped lock
on PostgreSQL, the write lock on SQLite), so two identical requests sent at once record once:
the second waits for the first to commit, then finds its answer.  Only successful answers are
kept, in the transaction of what they recorded; a refused request recorded nothing and is simply
judged again.  The same key with another request answers 422.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from flask import Response, current_app, request
from flask_babel import gettext as _

from supervision.api.errors import ApiError
from supervision.api.models import ApiToken, IdempotentAnswer
from supervision.core.database import lock_for_writing
from supervision.core.timeutil import utcnow
from supervision.extensions import db

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def _fingerprint(body: bytes) -> str:
    h = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    h.update(body)
    return h.hexdigest()


def _lock_key(token_id: int, key: str) -> int:
    """A signed 64-bit advisory-lock number for (token, key)."""
    raw = hashlib.sha256(f"idempotency:{token_id}:{key}".encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


def _oldest_kept() -> dt.datetime:
    return utcnow() - dt.timedelta(hours=float(current_app.config["API_IDEMPOTENCY_HOURS"]))


def read_key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ApiError(400, _("The Idempotency-Key header must be 1 to 255 printable characters."),
                       field=HEADER)
    return key


def once(token: ApiToken, key: str, body: bytes, run: Callable[[], Response]) -> Response:
    """``run()``'s answer, or the answer remembered for ``key`` (422 if it was another request)."""
    fingerprint = _fingerprint(body)
    lock_for_writing(_lock_key(token.id, key))
    stored = db.session.execute(db.select(IdempotentAnswer).where(
        IdempotentAnswer.token_id == token.id, IdempotentAnswer.key == key)).scalar()
    if stored is not None and stored.created_at < _oldest_kept():
        db.session.delete(stored)
        db.session.flush()
        stored = None
    if stored is not None:
        if stored.request_hash != fingerprint:
            raise ApiError(422, _("This Idempotency-Key was already used for a different request."),
                           field=HEADER)
        replay = Response(stored.body, status=stored.status, mimetype="application/json")
        replay.headers[REPLAYED] = "true"
        return replay
    response = run()
    if 200 <= response.status_code < 300:
        db.session.add(IdempotentAnswer(token_id=token.id, key=key, request_hash=fingerprint,
                                        status=response.status_code, body=response.get_data(),
                                        created_at=utcnow()))
        db.session.execute(db.delete(IdempotentAnswer).where(
            IdempotentAnswer.token_id == token.id, IdempotentAnswer.created_at < _oldest_kept()))
    return response
