"""How the register's certificates section shows its values on the page (the JSON and CSV
keep the codes): names in the reader's language, a state's label for its code."""
from __future__ import annotations

import datetime as dt
from typing import Any

from supervision.core.i18n import format_date, label, pick
from workflows.certificate import CERTIFICATE


def display(key: str, value: Any) -> str:
    if isinstance(value, dict):
        return pick(value.get("name_zh"), value.get("name_en"))
    if key == "status":
        return label(CERTIFICATE.state_label(value))
    if key in ("valid_from", "valid_until"):
        return format_date(dt.date.fromisoformat(value))
    return str(value)
