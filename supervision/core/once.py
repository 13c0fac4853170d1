"""Replay-safe forms: every state-changing form carries a one-time token (``form_tokens()`` in
templates renders it beside the CSRF token).

When a POST carrying a token arrives, the token is written (flushed) in the request's unit of
work before the view runs, with the user and the path; the view's success commits it, together
with the address the user was sent to; a failure (a form error, an exception) rolls it back, so
the user can correct and send again.  A second submission of the same token — a replay, a
double click, the browser's "resend" — changes nothing and lands on the first one's result page.
Two identical submissions at the same moment meet at the token's primary key: one commits, the
other is turned back the same way.  Rows older than a day are deleted by a periodic task."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask, Response, flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db

FIELD = "form_once"
# Signing in and out, the language, one's own password and second factor: sending these twice
# changes nothing more than sending them once, and they record refusals on their own.
EXEMPT_BLUEPRINTS = frozenset({"accounts"})


class FormSubmission(db.Model):
    """A one-time form token that was used, and where its submission led."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))
    result: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


def form_tokens() -> Markup:
    """The hidden CSRF and one-time tokens of a form (``{{ form_tokens() }}``)."""
    from flask_wtf.csrf import generate_csrf

    csrf = g.get("_csrf_field")
    if csrf is None:  # the session's CSRF token is the same for every form of the page
        csrf = g._csrf_field = f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
    return Markup(csrf) + once_token()  # noqa: S704  # nosec B704  (escaped above)


def once_token() -> Markup:
    """Only the one-time token (for a form whose CSRF field the form class renders)."""
    # token_urlsafe's alphabet (letters, digits, "-", "_") needs no escaping.
    return Markup(f'<input type="hidden" name="{FIELD}" value="{secrets.token_urlsafe(24)}">')  # noqa: S704  # nosec B704


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _already_sent(token: str) -> Response:
    db.session.rollback()
    row = db.session.get(FormSubmission, token)
    flash(_("This form was already sent; nothing was changed the second time."), "info")
    target = (row.result if row is not None and row.result else None) or request.path
    return redirect(target, code=303)


def claim_token() -> Response | None:
    """before_request: a POST's one-time token is used here, or the request is turned back."""
    if request.method != "POST" or request.blueprint in EXEMPT_BLUEPRINTS:
        return None
    token = request.form.get(FIELD)
    if not token or len(token) > 64:
        return None
    row = db.session.get(FormSubmission, token)
    if row is not None:
        return _already_sent(token)
    db.session.add(FormSubmission(token=token, user_id=_user_id(), path=request.path[:500]))
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other one won
        return _already_sent(token)
    g.form_once = token
    return None


def note_result(response: Response) -> None:
    """Called by the unit of work before a successful request commits: remember where it led."""
    token = g.pop("form_once", None)
    if token is None:
        return
    row = db.session.get(FormSubmission, token)
    if row is not None:
        row.result = (response.headers.get("Location") or request.full_path.rstrip("?"))[:1000]


def forget_old() -> int:
    cutoff = utcnow() - dt.timedelta(hours=24)
    return db.session.execute(db.delete(FormSubmission).where(FormSubmission.created_at < cutoff)).rowcount


def install(app: Flask) -> None:
    from supervision.core import uow
    from supervision.jobs import periodic

    app.jinja_env.globals.update(form_tokens=form_tokens, once_token=once_token)
    app.before_request(claim_token)
    uow.before_response_commit(note_result)
    periodic.register(periodic.PeriodicTask(
        "form_tokens", forget_old, lambda a: float(a.config.get("FORM_TOKEN_CLEANUP_SECONDS") or 0)))
