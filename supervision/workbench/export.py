"""The queue's current view as CSV or XLSX: every row of the filter, read in batches and written
as they come (bounded memory), with cells that a spreadsheet would take for a formula
neutralised (a leading apostrophe before ``=``, ``+``, ``-``, ``@``, tab or carriage return).
The file is spooled (memory up to a few MB, then disk) and sent from there."""
from __future__ import annotations

import csv
import io
import tempfile
from typing import Any, Iterator

from flask_babel import gettext as _

from supervision.cases import types
from supervision.core.i18n import label
from supervision.workbench.presenters import Shown
from supervision.workbench.queue import Query

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 4 * 1024 * 1024


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _header() -> list[str]:
    head = [_("Number"), _("Type"), _("Title"), _("Firm"), _("Credit code"), _("Model"), _("Tier"),
            _("State"), _("Days left"), _("Due date"), _("Last activity"), _("Assignee")]
    return head + [label(col.label) for ct in types.installed().values() for col in ct.queue_columns]


def _rows(query: Query) -> Iterator[list[Any]]:
    shown = Shown()
    extra = [(ct.name, col) for ct in types.installed().values() for col in ct.queue_columns]
    for row in query.all_rows():
        cells = [row.number, shown.type_label(row.case_type), row.title, shown.firm(row), row.credit_code or "",
                 row.model or "", row.tier or "", shown.state_label(row.case_type, row.state),
                 shown.days_left(row), row.due_date.isoformat() if row.due_date else "",
                 shown.activity(row), row.assignee_name or ""]
        cells += [col.text(row, name) for name, col in extra]
        yield [neutralise(c) for c in cells]


def csv_file(query: Query):
    """The view as CSV (UTF-8 with a byte-order mark, for Excel) in a temporary file, written
    batch by batch (kept in memory up to a few MB, on disk past that), positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response)
    line = io.StringIO()
    writer = csv.writer(line)
    out.write("\ufeff".encode())
    for cells in _chain(_header(), _rows(query)):
        writer.writerow(cells)
        out.write(line.getvalue().encode())
        line.seek(0)
        line.truncate()
    out.seek(0)
    return out


def _chain(first: list[str], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield [neutralise(c) for c in first]
    yield from rest


def xlsx_file(query: Query):
    """The view as an XLSX workbook in a temporary file (written row by row: openpyxl's
    write-only mode keeps no rows in memory), positioned at its start."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Cases"))
    for cells in _chain(_header(), _rows(query)):
        ws.append(cells)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response)
    wb.save(out)
    out.seek(0)
    return out
