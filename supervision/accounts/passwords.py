"""Passwords: hashing with argon2id (fast parameters only under the testing profile) and the
policy a new password must meet (OWASP ASVS 2.1: at least 12 characters, not a common password,
not the account's own name).  Passwords are never logged."""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from workflows.base import N_

_default = PasswordHasher()
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verifying against this keeps the answer time the same for unknown users.
_DUMMY = _default.hash("not-a-real-password")

MIN_LENGTH = 12
MAX_LENGTH = 512


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of the zxcvbn project's list (a maintained package),
    lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def weakness(password: str, *, email: str = "") -> tuple[str, dict] | None:
    """Why ``password`` may not be used (an N_-marked message and its parameters), or None."""
    if len(password) < MIN_LENGTH:
        return N_("The password must have at least %(n)s characters."), {"n": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return N_("The password has at most %(n)s characters."), {"n": MAX_LENGTH}
    folded = password.lower()
    if folded in common_passwords() or folded.rstrip("0123456789!.") in common_passwords():
        return N_("This password is on a list of commonly used passwords: choose another."), {}
    local = email.lower().partition("@")[0]
    if len(local) >= 4 and local in folded:
        return N_("The password must not contain your email name."), {}
    if len(set(password)) < 4:
        return N_("The password repeats too few different characters: choose another."), {}
    return None


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("FAST_PASSWORD_HASH") else _default


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
