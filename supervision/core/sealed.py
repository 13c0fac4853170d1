"""Secrets kept at rest encrypted (OWASP ASVS 2.9.1, 6.2): seal and open short texts.

A TOTP shared secret is as good as a password to whoever reads it, so it is never stored, nor
put in the (signed but readable) session cookie, in clear.  Texts are sealed with Fernet
(AES-128-CBC and HMAC-SHA256, ``cryptography``) under a key per purpose, derived with HKDF from
``SEALING_KEY`` (falling back to ``SECRET_KEY``).  A sealed text starts with ``SEALED_PREFIX``,
so a value written before sealing existed is recognised and can be sealed on its next write.
Rotating the key makes sealed texts unreadable: ``open_text`` then raises ``Unreadable``.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

SEALED_PREFIX = "f1:"


class Unreadable(ValueError):
    """A sealed text that the current key does not open (the key changed, or the text did)."""


def _fernet(purpose: str) -> Fernet:
    secret = current_app.config.get("SEALING_KEY") or current_app.config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"supervision-sealed-v1",
               info=purpose.encode()).derive(secret.encode() if isinstance(secret, str) else secret)
    return Fernet(base64.urlsafe_b64encode(key))


def is_sealed(value: str | None) -> bool:
    return bool(value) and value.startswith(SEALED_PREFIX)


def seal(text: str, purpose: str) -> str:
    return SEALED_PREFIX + _fernet(purpose).encrypt(text.encode()).decode("ascii")


def open_text(value: str, purpose: str) -> str:
    """The clear text of ``value``; a value stored before sealing existed is returned as it is."""
    if not is_sealed(value):
        return value
    try:
        return _fernet(purpose).decrypt(value[len(SEALED_PREFIX):].encode("ascii")).decode()
    except InvalidToken as err:
        raise Unreadable(purpose) from err
