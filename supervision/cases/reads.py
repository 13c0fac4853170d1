"""Facts a page reads several times while it is drawn (a case's registration, its model's
certificates), read once per GET request and kept in ``g`` for the rest of it.

Only GETs: they change nothing the reads depend on, so the first answer holds to the end of
the request.  A POST may create or change these rows half-way (a registration, a certificate)
and reads them afresh each time; so does code running outside a request (jobs, CLI)."""
from __future__ import annotations

from typing import Any, Callable, Hashable

from flask import g, has_request_context, request


def once(kind: str, key: Hashable, load: Callable[[], Any]) -> Any:
    """``load()``, called once per GET request for ``(kind, key)``."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return load()
    memo = g.setdefault("_read_once", {})
    if (kind, key) not in memo:
        memo[(kind, key)] = load()
    return memo[(kind, key)]
