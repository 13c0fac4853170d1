"""URL converters: ids in URLs are bounded, so a huge number is a plain 404, never a database error."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# Primary keys are 32-bit integers on PostgreSQL; anything larger cannot name a row.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that accepts 0 … ``MAX_ID`` only (unless a route gives its own ``max``)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_converters(app: Flask) -> None:
    """Must run before any blueprint is registered (rules bind their converters then)."""
    app.url_map.converters["int"] = BoundedIntConverter
