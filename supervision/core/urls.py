"""URL converters: ids in URLs are bounded, so a huge number is a plain 404, never a database
error; and ``<sealed:…>`` ids carry a keyed tag, so the address of a stored file or an export
cannot be guessed by counting (OWASP ASVS 4.2.1, 13.1.x).

A sealed id reads ``<id>-<tag>``: the tag is the first 16 base32 characters of an HMAC-SHA256
of the endpoint's kind and the id under a key derived from ``SECRET_KEY``.  It needs no column
and no query (``url_for`` takes the plain id), and a wrong tag is a plain 404 (which the probing
limit counts).
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import Flask, current_app
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

# Primary keys are 32-bit integers on PostgreSQL; anything larger cannot name a row.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that accepts 0 … ``MAX_ID`` only (unless a route gives its own ``max``)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SealedIdConverter(BaseConverter):
    """``<sealed(kind="document"):doc_id>``: the view gets the int id, links carry its tag."""

    regex = r"[0-9]{1,10}-[a-z2-7]{16}"

    def __init__(self, map, kind: str = "object") -> None:
        super().__init__(map)
        self.kind = kind

    def to_python(self, value: str) -> int:
        raw, _sep, tag = value.partition("-")
        number = int(raw)
        if number > MAX_ID or not hmac.compare_digest(tag, sealed_tag(self.kind, number)):
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return f"{int(value)}-{sealed_tag(self.kind, int(value))}"


def sealed_tag(kind: str, number: int) -> str:
    key = hashlib.sha256(b"sealed-url-ids\0" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    mac = hmac.new(key, f"{kind}:{number}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii")[:16].lower()


def install_converters(app: Flask) -> None:
    """Must run before any blueprint is registered (rules bind their converters then)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["sealed"] = SealedIdConverter
