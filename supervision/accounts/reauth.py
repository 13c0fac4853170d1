"""Re-authentication before sensitive changes (OWASP ASVS 3.7.1): roles, forced resets,
two-factor settings, API tokens.  Signing in (both factors) or confirming the password on
``/account/confirm`` stamps the session; a sensitive POST older than ``REAUTH_MINUTES`` after
that stamp is not applied: the user confirms and repeats it."""
from __future__ import annotations

import functools
import time
from typing import Callable

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from supervision.accounts import kept

REAUTH_AT = "_reauth_at"


def stamp() -> None:
    session[REAUTH_AT] = time.time()


def recent() -> bool:
    at = session.get(REAUTH_AT)
    return isinstance(at, (int, float)) and time.time() - at <= current_app.config["REAUTH_MINUTES"] * 60


def required(view: Callable) -> Callable:
    """A POST to ``view`` needs a recent confirmation of the password (and code)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST" and not recent():
            flash(_("For this change, confirm it is you: enter your password, then repeat the change."), "info")
            back = request.referrer or url_for("cases.home")
            from supervision.accounts.views import safe_next
            from urllib.parse import urlsplit

            parts = urlsplit(back)
            path = safe_next(parts.path + (f"?{parts.query}" if parts.query else "")) or url_for("cases.home")
            if kept.typed_something():
                kept.hold(path)  # put back on that page once confirmed
            return redirect(url_for("accounts.confirm", next=path)), 303
        return view(*args, **kwargs)

    return wrapper
