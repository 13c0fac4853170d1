"""A strict JSON reader (RFC 8259 as interoperable data): what Python's ``json`` accepts by
default but other readers do not is refused — ``NaN``, ``Infinity``, numbers that overflow to
infinity (``1e400``), duplicate keys in an object, and bytes that are not UTF-8.

``loads(data)`` returns the document or raises ``NotStrictJson`` whose ``message`` says what and
where, in the user's language.  Anything that takes JSON from outside (the API, uploaded
GeoJSON) reads it through here.
"""
from __future__ import annotations

import json
import math
from typing import Any

from flask_babel import gettext as _


class NotStrictJson(ValueError):
    """The text is not strict JSON; ``message`` is translated and names the place."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Refused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _constant(name: str):
    raise _Refused(_("%(value)s is not a JSON number.", value=name))


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(_("The number %(value)s is too large.", value=text[:40]))
    return value


def _int(text: str) -> int:
    if len(text) > 100:  # also keeps Python's int() conversion limit out of reach
        raise _Refused(_("The number %(value)s… is too large.", value=text[:40]))
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(_('The key "%(key)s" appears twice in one object.', key=key[:80]))
            seen.add(key)
    return result


def loads(data: bytes | str) -> Any:
    """The JSON document in ``data``, or ``NotStrictJson``."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise NotStrictJson(_("The body is not UTF-8 text (byte %(pos)s).", pos=err.start)) from None
    if data.startswith("\ufeff"):
        raise NotStrictJson(_("The body starts with a byte-order mark; send plain UTF-8."))
    try:
        return json.loads(data, parse_constant=_constant, parse_float=_float, parse_int=_int,
                          object_pairs_hook=_object)
    except _Refused as err:
        raise NotStrictJson(err.message) from None
    except json.JSONDecodeError as err:
        if not data.strip():
            raise NotStrictJson(_("The body is empty; a JSON document was expected.")) from None
        raise NotStrictJson(_("The body is not valid JSON: %(what)s at line %(line)s, column %(col)s.",
                              what=err.msg, line=err.lineno, col=err.colno)) from None
    except RecursionError:
        raise NotStrictJson(_("The JSON document is nested too deeply.")) from None
