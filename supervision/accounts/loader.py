"""Flask-Login wiring: load the user of a session, ending sessions on the server.

A session names its user and the user's ``session_token`` (a generation on the user row, read
with the user anyway); a password change, a role change and disabling the user draw a new
token, which ends every session of that user.  Each session also carries a random id of its
own: signing out ends that session only, by adding its id to the user row's ``ended_sessions``
(kept until the session would have expired anyway), so the user's sessions on other devices
stay open.  The signed session cookie carries
when the user signed in and when they were last seen: ``end_expired_session`` (before every
request, before the route's policy) ends a session idle for ``SESSION_IDLE_MINUTES`` or older
than ``SESSION_ABSOLUTE_HOURS``, so what that request sends is not applied and the user signs
in again.  Nothing is written to the database per request.
"""
from __future__ import annotations

import functools
import json
import secrets
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import logout_user, user_logged_in
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from supervision.accounts import kept
from supervision.accounts.models import User
from supervision.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"



@functools.cache
def _user_with_roles():
    """Every request reads its user: the row, the organisation and the roles in one statement
    (the roles' default ``selectin`` load would be a second statement, and cost more than the
    first).  Built on first use, once every model is mapped."""
    return db.select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("id"))

SIGNED_IN_AT, SEEN_AT, SESSION_ID = "signed_in_at", "seen_at", "sid"
# The "last seen" time is rewritten at most this often (seconds): not every response resets the cookie.
SEEN_RESOLUTION = 60


def _now() -> float:
    return time.time()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_user_with_roles(), {"id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    if session.get(SESSION_ID) in ended_sessions(user):
        return None
    return user


def ended_sessions(user: User) -> dict[str, float]:
    """The ids of the sessions ``user`` signed out of, with when each would have expired."""
    try:
        ended = json.loads(user.ended_sessions or "{}")
    except ValueError:
        return {}
    return ended if isinstance(ended, dict) else {}


def current_session_end() -> tuple[str | None, float]:
    """This request's session id and the time it would expire without a sign-out."""
    signed_in = session.get(SIGNED_IN_AT)
    start = signed_in if isinstance(signed_in, (int, float)) else _now()
    return session.get(SESSION_ID), start + float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600


@user_logged_in.connect
def _stamp_sign_in(app, user, **kw) -> None:
    """A new session starts its clocks; signing in again within it (after a password change)
    keeps the time of the first sign-in."""
    now = _now()
    session.setdefault(SIGNED_IN_AT, now)
    session.setdefault(SESSION_ID, secrets.token_hex(16))
    session[SEEN_AT] = now


def end_expired_session():
    """before_request: end the session when it has been idle or open too long (or carries no
    times, e.g. a cookie made before they were recorded).  A form sent into an ended session is
    not applied: the user signs in and returns to the page the form was on, where what they
    typed is put back (``kept``)."""
    if "_user_id" not in session:
        return
    now = _now()
    idle = float(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    absolute = float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, (int, float)) or not isinstance(seen, (int, float)):
        message = _("Your session has ended. Please sign in again.")
    elif now - signed_in > absolute:
        message = _("Your session ended %(h)s hours after you signed in. Please sign in again.",
                    h=_number(current_app.config["SESSION_ABSOLUTE_HOURS"]))
    elif now - seen > idle:
        message = _("Your session ended after %(m)s minutes without activity. Please sign in again.",
                    m=_number(current_app.config["SESSION_IDLE_MINUTES"]))
    else:
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(message, "info")
    if request.method == "POST" and kept.typed_something():
        back = kept.hold()
        flash(_("What you typed was kept: check it and send the form again. Files must be chosen again."),
              "info")
        return redirect(url_for("accounts.login", next=back)), 303
    return None


def _number(value) -> str:
    return f"{float(value):g}"
