"""CSV of public data: nested entries flattened into columns, and every cell that a
spreadsheet would read as a formula neutralised (OWASP "CSV injection": a cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe)."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text, with a leading apostrophe when it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        text = "; ".join("" if v is None else str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def flatten(entry: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"firm": {"name_zh": …}}`` -> ``{"firm.name_zh": …}`` (lists stay one cell)."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def render(entries: Iterable[Mapping[str, Any]]) -> str:
    """The entries as CSV text (a byte-order mark first, so spreadsheets read UTF-8)."""
    flat = [flatten(e) for e in entries]
    columns: list[str] = []
    for row in flat:
        columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in flat:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return buf.getvalue()
