"""Password resets by e-mail (OWASP ASVS 2.5): a user asks for a link, or an administrator
forces a reset; the link's token is single-use, valid for ``PASSWORD_RESET_MINUTES``
(60), kept only as a SHA-256, and a newer request voids the older ones.  The e-mail goes
through the notification outbox.  Every change writes one audit event; the caller's unit of
work commits."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from supervision.accounts.models import PasswordReset, User
from supervision.accounts.passwords import hash_password
from supervision.accounts.services import AccountError, _check_password, end_sessions
from supervision.audit.services import record
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.notifications.services import queue_email, recipient_locale
from workflows.base import N_


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _void_open_links(user: User, now: dt.datetime) -> None:
    db.session.execute(db.update(PasswordReset)
                       .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=now))


def _send_link(user: User, *, forced_by: User | None) -> None:
    now = utcnow()
    _void_open_links(user, now)
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(PasswordReset(user_id=user.id, token_hash=_digest(token), created_at=now,
                                 expires_at=now + dt.timedelta(minutes=minutes),
                                 forced_by_id=forced_by.id if forced_by else None))
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + url_for("accounts.reset_password", token=token)
    with force_locale(recipient_locale(user)):
        subject = _("Set a new password")
        body = "\n\n".join([
            _("Someone (hopefully you) asked to set a new password for %(email)s.", email=user.email)
            if forced_by is None else
            _("An administrator asked you to set a new password for %(email)s.", email=user.email),
            _("Open this link within %(m)s minutes; it works once: %(link)s", m=minutes, link=link),
            _("If you did not ask for this, ignore this message: your password stays as it is."),
        ])
    queue_email(to_address=user.email, subject=subject, body=body)


def request_reset(email: str) -> None:
    """Send a reset link if an active account has this address.  Says nothing either way: the
    answer to the requester is the same, so it discloses no account."""
    user = db.session.execute(
        db.select(User).filter_by(email=(email or "").strip().lower()[:254])).scalar_one_or_none()
    if user is None or not user.active:
        return
    recent = db.session.execute(db.select(PasswordReset.id).where(
        PasswordReset.user_id == user.id, PasswordReset.forced_by_id.is_(None),
        PasswordReset.created_at > utcnow() - dt.timedelta(minutes=1))).first()
    if recent:
        return  # one link a minute: nobody floods an inbox through this form
    _send_link(user, forced_by=None)
    record("user.password_reset_requested", actor=user, object_type="user", object_id=user.id)


def force_reset(user: User, *, actor: User) -> None:
    """An administrator's forced reset: the current password stops working at once, every
    session ends, and the user receives a link to choose a new one."""
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    end_sessions(user)
    _send_link(user, forced_by=actor)
    record("user.password_reset_forced", actor=actor, object_type="user", object_id=user.id)


def valid_link(token: str) -> PasswordReset | None:
    """The open, unexpired reset of this token, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        db.select(PasswordReset).filter_by(token_hash=_digest(token))).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def complete_reset(token: str, new_password: str) -> User:
    """Set the new password through a valid link (then used up); ends every session."""
    row = valid_link(token)
    if row is None:
        raise AccountError(N_("This link is invalid, was used already or has expired. Ask for a new one."))
    user = db.session.get(User, row.user_id)
    _check_password(new_password, "new", email=user.email)
    now = utcnow()
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    end_sessions(user)
    _void_open_links(user, now)
    record("user.password_reset", actor=user, object_type="user", object_id=user.id)
    return user
