"""Reading a CSV file of events (one event a row) into the dicts ``events.record`` takes.

Columns (header row, any order; only ``code``, ``eventTime``, ``bizStep`` and ``disposition``
are required): ``code``, ``eventTime`` (with its offset), ``bizStep``, ``disposition``,
``address``, ``destination`` (a transfer's receiving firm), ``note``.  Codes may list several
units separated by spaces or ``;``.  Row numbers in the report count the header as row 1."""
from __future__ import annotations

import contextlib
import csv
import io
from typing import IO, Iterator

from flask_babel import gettext

from workflows.base import N_

COLUMNS = ("code", "eventTime", "bizStep", "disposition", "address", "destination", "note")
REQUIRED = ("code", "eventTime", "bizStep", "disposition")
MAX_ROWS = 100_000
REPORT_LIMIT = 1_000  # problems listed to the user; the rest are counted

M_ENCODING = N_("The file is not UTF-8 text.")
M_HEADER = N_("The first row must name the columns; missing: %(columns)s.")
M_EMPTY = N_("The file has no events.")
M_TOO_MANY = N_("At most %(limit)s rows in one file.")


class BadFile(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read(data: bytes) -> list[dict]:
    """The events of a whole file, in row order; ``BadFile`` when the file itself is unusable."""
    return list(rows(io.BytesIO(data)))


def rows(stream: IO[bytes]) -> Iterator[dict]:
    """The events of the file ``stream`` is open on, one row at a time (the file is never held
    whole in memory); ``BadFile`` when the header is unusable at once, or when a later part of
    the file turns out not to be UTF-8, has more than ``MAX_ROWS`` rows or no row at all."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    reader.fieldnames = _header(reader)
    return _events(reader, text)


def check_header(stream: IO[bytes]) -> None:
    """``BadFile`` unless the file's first row names the required columns; the stream is left
    open at its start (for a file that is stored and read later)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        _header(csv.DictReader(text))
    finally:
        text.detach()
        stream.seek(0)


def _header(reader: csv.DictReader) -> list[str]:
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError as err:
        raise BadFile(gettext(M_ENCODING)) from err
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadFile(gettext(M_HEADER, columns=", ".join(missing)))
    return header


def _events(reader: csv.DictReader, text: io.TextIOWrapper) -> Iterator[dict]:
    n = 0
    try:
        for row in reader:
            if n >= MAX_ROWS:
                raise BadFile(gettext(M_TOO_MANY, limit=f"{MAX_ROWS:,}"))
            n += 1
            yield _event(row)
    except UnicodeDecodeError as err:
        raise BadFile(gettext(M_ENCODING)) from err
    finally:  # whoever opened the stream closes it (if they already have, there is nothing to do)
        with contextlib.suppress(ValueError):
            text.detach()
    if not n:
        raise BadFile(gettext(M_EMPTY))


def _event(row: dict) -> dict:
    get = lambda k: (row.get(k) or "").strip()  # noqa: E731
    event = {"epcList": [c for c in get("code").replace(";", " ").split() if c],
             "eventTime": get("eventTime"), "bizStep": get("bizStep"), "disposition": get("disposition")}
    if get("address"):
        event["bizLocation"] = {"address": get("address")}
    if get("destination"):
        event["destinationList"] = [{"type": "owning_party", "destination": get("destination")}]
    if get("note"):
        event["details"] = {"note": get("note")}
    return {k: v for k, v in event.items() if v not in ("", [])}


def row_of(index: int) -> int:
    """The file row of event ``index`` (the header is row 1)."""
    return index + 2
