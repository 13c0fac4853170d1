"""Slowing down the probing of identifiers (OWASP ASVS 4.1/11.1): a user (or, signed out, a
client address) whose requests were answered 404 or 403 more than ``PROBE_MAX_MISSES`` times
within ``PROBE_WINDOW_MINUTES`` gets 429 on every request that names an object by id until the
window has passed — for objects that exist too, so the answers tell nothing.  Counters live in
the database (every worker sees them), in the sign-in throttle table under ``probe:<who>``.
Only misses write; a request that names an id reads its counter by primary key."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, request
from flask_login import current_user

from supervision.core.timeutil import utcnow


def _who() -> str:
    try:
        if current_user.is_authenticated:
            return f"probe:user:{current_user.id}"
    except Exception:  # no user could be loaded: count by address  # noqa: S110  # nosec B110
        pass
    return f"probe:addr:{request.remote_addr}"


def _names_an_object() -> bool:
    return bool(request.view_args) and any(isinstance(v, int) for v in request.view_args.values())


# Asked for by browsers and crawlers on their own: a miss there is nobody's probing.
_UNCOUNTED_PREFIXES = ("/static/", "/favicon.ico", "/robots.txt", "/.well-known/", "/apple-touch-icon")


def _counted_path() -> bool:
    """A miss on a route (an id that does not exist, or is not the user's) or on an address no route
    takes (a sealed id with a wrong tag, a bare counted id), but not on static files."""
    if request.endpoint is not None:
        return request.endpoint != "static" and not request.endpoint.endswith(".static")
    return not request.path.startswith(_UNCOUNTED_PREFIXES)


def refuse_while_probing() -> None:
    """before_request: 429 for a client over its limit, on routes that name an object by id and on
    addresses no route takes (a guessed sealed id)."""
    if not current_app.config.get("PROBE_MAX_MISSES"):
        return
    if not _names_an_object() and not (request.url_rule is None and _counted_path()):
        return
    from supervision.accounts.models import LoginThrottle
    from supervision.extensions import db

    row = db.session.get(LoginThrottle, _who())
    if row is not None and row.locked_until is not None and row.locked_until > utcnow():
        from supervision.core.security_log import security_event

        security_event("identifier probing slowed", misses=row.failures)
        abort(429)


def count_misses(response: Response) -> Response:
    """after_request: count a 404/403 answer (its request's work was already rolled back)."""
    limit = current_app.config.get("PROBE_MAX_MISSES")
    if not limit or response.status_code not in (403, 404) or not _counted_path():
        return response
    from supervision.accounts.models import LoginThrottle
    from supervision.core import uow
    from supervision.extensions import db

    if uow.pending_changes():
        return response  # never commit someone else's work with the counter
    now = utcnow()
    window = dt.timedelta(minutes=current_app.config["PROBE_WINDOW_MINUTES"])
    key = _who()
    with uow.unit_of_work():
        row = db.session.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0, window_start=now)
        if row.window_start < now - window:
            row.failures, row.window_start, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = row.window_start + window
        db.session.add(row)
    return response
