"""Password hashing with argon2id (fast parameters only under the testing profile)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_default = PasswordHasher()
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verifying against this keeps the answer time the same for unknown users.
_DUMMY = _default.hash("not-a-real-password")

MIN_LENGTH = 10


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("FAST_PASSWORD_HASH") else _default


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
