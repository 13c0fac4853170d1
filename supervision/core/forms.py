"""Small helpers for WTForms."""
from __future__ import annotations

from typing import Any, Iterable

from wtforms.fields.choices import SelectChoice


def opts(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value=v, label=label) for v, label in pairs]
