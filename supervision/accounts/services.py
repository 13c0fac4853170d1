"""Account operations: organisations, users, roles, sign-in with throttling, passwords.

Each operation checks before it writes, writes its audit event and flushes; the unit of work
of the request or command commits.  A refused sign-in is the exception: its throttle and its
event are committed at once (``record_now``), since the request answers with an error."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from typing import Iterable

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from supervision.accounts import loader
from supervision.accounts.models import (EXCLUSIVE_ROLES, ROLES_BY_ORG_KIND, LoginThrottle,
                                         Organisation, OrgKind, Role, User, UserRole)
from supervision.accounts.passwords import hash_password, verify_password, weakness
from supervision.audit.services import record, record_now
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class AccountError(ValueError):
    """A rejected account operation; ``message`` is N_-marked for translation, ``field`` names
    the form field it belongs to (when there is one)."""

    def __init__(self, message: str, *, field: str | None = None, **params):
        super().__init__(message)
        self.message, self.field, self.params = message, field, params


NAME_MAX = 200


def normalise_credit_code(code: str) -> str:
    """Validate a unified social credit code (GB 32100) and return its compact form."""
    compact = uscc.compact(code or "")
    if not compact:
        raise AccountError(N_("A firm needs its unified social credit code."), field="credit_code")
    try:
        return uscc.validate(compact)
    except InvalidChecksum as err:
        raise AccountError(
            N_("The check character (the 18th character) of the unified social credit code is wrong: "
               "check for a mistyped character."), field="credit_code") from err
    except ValidationError as err:
        raise AccountError(
            N_("This is not a unified social credit code: it has 18 digits and capital letters (GB 32100)."),
            field="credit_code") from err


def create_organisation(*, kind: str, name_zh: str, name_en: str, actor=None,
                        credit_code: str | None = None, doc_prefix: str | None = None,
                        address_zh: str | None = None, address_en: str | None = None) -> Organisation:
    if kind not in {k.value for k in OrgKind}:
        raise AccountError(N_("Unknown kind of organisation."), field="kind")
    name_zh, name_en = (name_zh or "").strip(), (name_en or "").strip()
    if not name_zh:
        raise AccountError(N_("Give the Chinese name."), field="name_zh")
    if not name_en:
        raise AccountError(N_("Give the English name."), field="name_en")
    if len(name_zh) > NAME_MAX or len(name_en) > NAME_MAX:
        raise AccountError(N_("A name has at most %(n)s characters."), field="name_zh", n=NAME_MAX)
    doc_prefix = (doc_prefix or "").strip() or None
    if doc_prefix is not None and len(doc_prefix) > 32:
        raise AccountError(N_("The document number prefix has at most 32 characters."), field="doc_prefix")
    code = None
    if kind == OrgKind.FIRM.value or credit_code:
        code = normalise_credit_code(credit_code or "")
        if db.session.execute(db.select(Organisation.id).filter_by(credit_code=code)).first():
            raise AccountError(N_("An organisation with this credit code exists already."),
                               field="credit_code")
    org = Organisation(kind=kind, name_zh=name_zh, name_en=name_en,
                       credit_code=code, doc_prefix=doc_prefix,
                       address_zh=(address_zh or "").strip()[:300] or None,
                       address_en=(address_en or "").strip()[:300] or None)
    db.session.add(org)
    db.session.flush()
    record("organisation.create", actor=actor, object_type="organisation", object_id=org.id,
           details={"kind": kind, "name_zh": org.name_zh, "credit_code": code})
    return org


def _check_roles(org: Organisation, roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles or ()))
    known = {r.value for r in Role}
    if not roles:
        raise AccountError(N_("Choose at least one role."), field="roles")
    if not set(roles) <= known:
        raise AccountError(N_("Unknown role."), field="roles")
    if not set(roles) <= ROLES_BY_ORG_KIND[org.kind]:
        raise AccountError(N_("These roles do not fit this kind of organisation."), field="roles")
    if len(roles) > 1 and set(roles) & EXCLUSIVE_ROLES:
        raise AccountError(N_("An auditor holds no other role."), field="roles")
    return roles


def _check_password(password: str | None, field: str, *, email: str = "") -> None:
    refused = weakness(password or "", email=email)
    if refused:
        raise AccountError(refused[0], field=field, **refused[1])


def create_user(*, email: str, name: str, password: str, organisation: Organisation | None,
                roles: Iterable[str], actor=None) -> User:
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(N_("Enter a valid email address."), field="email")
    if organisation is None:
        raise AccountError(N_("Choose an organisation."), field="organisation_id")
    name = (name or "").strip() or email
    if len(name) > 120:
        raise AccountError(N_("A name has at most %(n)s characters."), field="name", n=120)
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise AccountError(N_("A user with this email exists already."), field="email")
    _check_password(password, "password", email=email)
    roles = _check_roles(organisation, roles)
    user = User(email=email, name=name, password_hash=hash_password(password),
                organisation=organisation, session_token=secrets.token_hex(16),
                password_changed_at=utcnow())
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, object_type="user", object_id=user.id,
           details={"email": email, "organisation_id": organisation.id, "roles": roles})
    return user


def set_roles(user: User, roles: Iterable[str], *, actor) -> User:
    roles = _check_roles(user.organisation, roles)
    before = sorted(user.roles)
    if actor is not None and actor.id == user.id and Role.ADMIN.value in before and Role.ADMIN.value not in roles:
        raise AccountError(N_("You cannot take away your own administrator role."), field="roles")
    if roles == before:
        return user  # nothing changes, nothing to record
    user.role_rows = [r for r in user.role_rows if r.role in roles] + [
        UserRole(role=r) for r in roles if r not in user.roles]
    end_sessions(user)  # a session never carries roles the user no longer has (or lacks new limits)
    record("user.set_roles", actor=actor, object_type="user", object_id=user.id,
           details={"from": before, "to": roles})
    return user


def set_active(user: User, active: bool, *, actor) -> User:
    if actor is not None and actor.id == user.id and not active:
        raise AccountError(N_("You cannot disable your own account."))
    if user.active == active:
        return user  # already so (e.g. a form sent twice): nothing changes, nothing to record
    user.active = active
    end_sessions(user)
    record("user.enable" if active else "user.disable", actor=actor, object_type="user",
           object_id=user.id)
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current or ""):
        raise AccountError(N_("The current password is wrong."), field="current")
    _check_password(new, "new", email=user.email)
    if verify_password(user.password_hash, new):
        raise AccountError(N_("The new password must differ from the current one."), field="new")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_sessions(user)
    record("user.change_password", actor=user, object_type="user", object_id=user.id)


def set_locale(user: User, locale: str) -> None:
    if user.locale == locale:
        return
    user.locale = locale
    record("user.set_locale", actor=user, object_type="user", object_id=user.id,
           details={"locale": locale})


class SignInRefused(Exception):
    """Wrong email or password, a disabled account or throttling: one answer for all."""

    def __init__(self, throttled: bool = False):
        super().__init__("sign-in refused")
        self.throttled = throttled


def _counter(key: str, now: dt.datetime, window: dt.timedelta) -> LoginThrottle:
    """The failure counter under ``key``, restarted when its window has passed."""
    row = db.session.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0, window_start=now)
    if row.window_start < now - window:
        row.failures, row.window_start, row.locked_until = 0, now, None
    return row


def _locked(row: LoginThrottle | None, now: dt.datetime) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > now


def authenticate(email: str, password: str, *, max_failures: int, lock_minutes: int,
                 address: str | None = None, max_address_failures: int = 20) -> User:
    """The user for these credentials, or ``SignInRefused`` (audited either way).

    Failures are counted per account and per client address (password spraying: one guess at
    each of many accounts); a counter expires ``lock_minutes`` after its first failure, so nobody
    is locked out for good, and a victim signing in from elsewhere is not held up by an
    attacker's address.  Successes count nothing.  Counters live in the database, so every
    worker sees them."""
    key = (email or "").strip().lower()[:254]
    addr_key = f"addr:{address}"[:254] if address else None
    now = utcnow()
    window = dt.timedelta(minutes=lock_minutes)
    throttle = db.session.get(LoginThrottle, key)
    by_address = db.session.get(LoginThrottle, addr_key) if addr_key else None
    if _locked(throttle, now) or _locked(by_address, now):
        record_now("auth.sign_in_throttled", actor_email=key,
                   details={"by": "account" if _locked(throttle, now) else "address"})
        raise SignInRefused(throttled=True)
    user = db.session.execute(db.select(User).filter_by(email=key)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password or "")
    if user is not None and ok and user.active:
        if throttle is not None:
            db.session.delete(throttle)
        record("auth.sign_in", actor=user, object_type="user", object_id=user.id)
        return user
    counters = [(_counter(key, now, window), max_failures)]
    if addr_key:
        counters.append((_counter(addr_key, now, window), max_address_failures))
    for row, limit in counters:
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + window
        db.session.add(row)
    # The request answers 401 and its unit of work rolls back: the failure counts anyway.
    record_now("auth.sign_in_failed", bookkeeping=tuple(row for row, _ in counters), actor_email=key,
               object_type="user", object_id=user.id if user else None,
               details={"failures": counters[0][0].failures})
    raise SignInRefused()


def end_sessions(user: User) -> None:
    """End every open session of ``user`` on the server (a new session generation)."""
    user.session_token = secrets.token_hex(16)
    user.ended_sessions = None  # the new generation ends those too


# At most this many signed-out sessions are remembered per user; past that, signing out ends
# every session of the user (a new generation) and the list starts again.
ENDED_SESSIONS_KEPT = 50


def sign_out(user: User, session_id: str | None = None, expires_at: float | None = None) -> None:
    """Signing out ends the session on the server: a copy of its cookie opens nothing after.
    With ``session_id`` (the session's own id, and when it would expire anyway) only that
    session ends and the user's other sessions stay open; without one, every session ends."""
    now = time.time()
    ended = {sid: until for sid, until in loader.ended_sessions(user).items()
             if isinstance(until, (int, float)) and until > now}
    if session_id and expires_at and len(ended) < ENDED_SESSIONS_KEPT:
        ended[session_id] = expires_at
        user.ended_sessions = json.dumps(ended, sort_keys=True)
    else:
        end_sessions(user)
    record("auth.sign_out", actor=user, object_type="user", object_id=user.id)
