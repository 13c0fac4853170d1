"""What a person typed into a form that was not applied because their session had ended (or a
sensitive change first asked them to confirm it is them) is put back once they are signed in
again: nothing typed is silently lost.

The server never holds the text.  ``static/kept.js`` copies a form's fields into the browser
tab's ``sessionStorage`` as the form is sent; a form refused this way is answered with the
sign-in (or confirmation) page, and the server remembers only *which page* the form was on
(``hold``).  ``mode()`` tells the script, through ``<body data-kept>``, to keep the copy on the
sign-in steps, to put it back on that page once the user is signed in, and to drop it anywhere
else.  Passwords and files are never copied.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from supervision.core import once

HELD = "_kept_for"  # the page whose form is waiting to be put back
# The pages between a refused form and its page again: the copy waits through them.
SIGN_IN_STEPS = frozenset({"accounts.login", "accounts.second_factor", "accounts.enrol_at_sign_in",
                           "accounts.confirm"})
_NOT_TYPED = frozenset({"csrf_token", once.FIELD, "next"})


def typed_something() -> bool:
    """Whether this request's form holds anything a person typed or chose."""
    return bool(request.files) or any(
        value.strip() for name, values in request.form.lists() if name not in _NOT_TYPED for value in values)


def form_page() -> str:
    """The page the form was sent from (its ``Referer``, on this site), else its own address."""
    from supervision.accounts.views import safe_next

    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        page = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if page:
            return page
    return request.path


def hold(page: str | None = None) -> str:
    """Remember that the form of ``page`` (default: the form's page) waits to be put back."""
    session[HELD] = page or form_page()
    return session[HELD]


def mode() -> str:
    """``"hold"`` on the sign-in steps, ``"restore"`` (once) on the held page when signed in,
    else ``""`` (the script drops any copy)."""
    if not has_request_context():
        return ""
    if request.endpoint in SIGN_IN_STEPS:
        return "hold"
    held = session.get(HELD)
    if not held or not current_user.is_authenticated:
        return ""
    session.pop(HELD)
    here = request.full_path if request.query_string else request.path
    return "restore" if request.method == "GET" and held == here else ""


def install(app: Flask) -> None:
    app.jinja_env.globals.update(kept_mode=mode)
