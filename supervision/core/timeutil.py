"""Time: stored in UTC, shown and counted (dates, working days, years) in Asia/Shanghai."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """Naive UTC timestamp as stored in the database (both SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def to_local(ts: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp in Asia/Shanghai."""
    return ts.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)


def local_date(ts: dt.datetime) -> dt.date:
    return to_local(ts).date()


def iso_z(ts: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` for a naive UTC timestamp (the audit hash format)."""
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
