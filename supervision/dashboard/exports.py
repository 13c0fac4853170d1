"""The statistics as CSV and XLSX: one row per figure line (figure, line, count).

A cell a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) is neutralised with a leading apostrophe, in both formats."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """``value`` as a cell: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutral(h) for h in header])
    for row in rows:
        writer.writerow([neutral(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets read the Chinese


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "Statistics"
    ws.append([neutral(h) for h in header])
    for row in rows:
        ws.append([neutral(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
