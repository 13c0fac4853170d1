"""Two-factor sign-in (OWASP ASVS 2.8): time-based one-time codes (TOTP, RFC 6238, pyotp) with
QR enrolment (segno) and ten single-use recovery codes, and re-authentication before sensitive
changes.

Who must use it: the roles in ``TWO_FACTOR_ROLES`` when ``TWO_FACTOR_REQUIRED`` is on
(production); elsewhere (``make run``, tests) it is optional, so the demo accounts sign in with
their password alone, and a user who enrolled is asked for a code all the same.  A code is
accepted once: the time step of the last accepted code is kept, and a code of that step or an
earlier one is refused.  Only hashes of recovery codes are kept.  Changes write one audit event;
the caller's unit of work commits."""
from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app

from supervision.accounts.models import RecoveryCode, User
from supervision.audit.services import record
from supervision.core import sealed
from supervision.core.timeutil import utcnow
from supervision.extensions import db

ISSUER = "Hangzhou Robot Supervision"
PURPOSE = "totp-secret"  # the sealing key's purpose: the shared secret is stored sealed
RECOVERY_CODES = 10
STEP = 30


def required(user: User) -> bool:
    """Must this user sign in with a second factor (enrolling first if they have none)?"""
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) and bool(
        user.roles & set(current_app.config["TWO_FACTOR_ROLES"]))


def enrolled(user: User) -> bool:
    return bool(user.totp_secret)


def new_secret() -> str:
    return pyotp.random_base32()


def seal_secret(secret: str) -> str:
    """The secret as the user row and the session hold it (sealed, never in clear)."""
    return sealed.seal(secret, PURPOSE)


def open_secret(stored: str) -> str:
    return sealed.open_text(stored, PURPOSE)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG ``data:`` URI (allowed by the CSP's img-src)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (of now, the one before or after) whose code is ``code``, or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // STEP
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _hash_recovery(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().replace("-", "").encode()).hexdigest()


def _issue_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 10 hex characters, shown as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(raw)))
    return codes


def confirm_enrolment(user: User, secret: str, code: str, *, now: float | None = None) -> list[str] | None:
    """Turn two-factor sign-in on once the user proved their app shows the right code; returns
    the recovery codes (shown once), or None when the code is wrong."""
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None:
        return None
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = seal_secret(secret), utcnow(), step
    codes = _issue_recovery_codes(user)
    record("user.two_factor_enabled", actor=user, object_type="user", object_id=user.id)
    return codes


def verify(user: User, code: str, *, now: float | None = None) -> bool:
    """Is ``code`` a fresh one-time code of ``user``'s app, or an unused recovery code?  A code
    is used up by being accepted."""
    if not user.totp_secret:
        return False
    secret = open_secret(user.totp_secret)
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # replayed (or older than one already used)
        user.totp_last_step = step
        if not sealed.is_sealed(user.totp_secret):  # stored before secrets were sealed
            user.totp_secret = seal_secret(secret)
        return True
    digest = _hash_recovery(code)
    row = db.session.execute(db.select(RecoveryCode).filter_by(
        user_id=user.id, code_hash=digest, used_at=None)).scalar_one_or_none()
    if row is None:
        return False
    row.used_at = utcnow()
    record("user.recovery_code_used", actor=user, object_type="user", object_id=user.id)
    return True


def regenerate_recovery_codes(user: User) -> list[str]:
    codes = _issue_recovery_codes(user)
    record("user.recovery_codes_renewed", actor=user, object_type="user", object_id=user.id)
    return codes


def disable(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("user.two_factor_disabled", actor=user, object_type="user", object_id=user.id)


def recovery_codes_left(user: User) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).scalar_one()
