"""What the calendar tells the rest of the platform: ``calendar_changed``.

Sent by ``services.set_year`` inside the transaction that changed the calendar, with the new
``calendar`` (a ``WorkCalendar``), the ``year`` and the ``actor``.  A receiver brings what it
computed from the old calendar up to date in the same transaction (the case clocks move the
deadlines that rested on an estimate) and returns the ids of the cases it changed, which the
calendar's audit event lists.  The calendar imports nothing of its receivers.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

calendar_changed = _signals.signal("calendar-changed")
