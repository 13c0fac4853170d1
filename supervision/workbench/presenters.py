"""How the queue shows its plain rows: labels and the "days left" texts translated once per
request (not per row), the firm's name in the user's language, bounded counts as "999+"."""
from __future__ import annotations

from typing import Any

from flask_babel import get_translations

from supervision.cases import clocks, types
from supervision.core.i18n import label, lang
from supervision.core.timeutil import local_today, to_local
from supervision.workbench import queue
from supervision.workdays.services import current_calendar
from workflows.base import N_

SCOPE_LABELS = {
    "all": N_("All"),
    "mine": N_("Mine"),
    "approval": N_("Awaiting my approval"),
    "department": N_("My department"),
    "unassigned": N_("Unassigned"),
    "overdue": N_("Overdue"),
}
SORT_LABELS = {
    "due": N_("Days left"),
    "age": N_("Oldest first"),
    "tier": N_("Tier (highest first)"),
    "activity": N_("Last activity"),
}


def bounded(n: int) -> str:
    """A count that stopped at the cap reads "999+"."""
    return f"{queue.COUNT_CAP - 1}+" if n >= queue.COUNT_CAP else str(n)


class Shown:
    """What a page of rows shows, with every translated text looked up once."""

    def __init__(self) -> None:
        t = get_translations()
        self._left = t.gettext("%(n)s working days left")
        self._late = t.gettext("%(n)s working days overdue")
        self._paused = t.gettext("paused, %(n)s working days left")
        self._estimated = " " + t.gettext("(estimated calendar)")
        self._department = t.gettext("(department)")
        self._english = lang() == "en"
        self._labels: dict[tuple[str, str], str] = {}
        self.cal = current_calendar()
        self.today = local_today()
        self.installed = types.installed()

    def type_label(self, case_type: str) -> str:
        key = (case_type, "")
        if key not in self._labels:
            ct = self.installed.get(case_type)
            self._labels[key] = label(ct.label) if ct else case_type
        return self._labels[key]

    def state_label(self, case_type: str, state: str) -> str:
        key = (case_type, state)
        if key not in self._labels:
            ct = self.installed.get(case_type)
            self._labels[key] = label(ct.workflow.state_label(state)) if ct else state
        return self._labels[key]

    def firm(self, row: Any) -> str:
        if row.firm_id is None:
            ct = self.installed.get(row.case_type)
            return self._department if ct is not None and not ct.has_firm else "—"
        first, second = (row.firm_en, row.firm_zh) if self._english else (row.firm_zh, row.firm_en)
        return first or second or ""

    def days_left(self, row: Any) -> str:
        left = clocks.days_left(row, self.cal, self.today)
        if left is None:
            return ""
        if row.clock_paused_at is not None:
            text = self._paused % {"n": left}
        elif left < 0:
            text = self._late % {"n": -left}
        else:
            text = self._left % {"n": left}
        return text + self._estimated if row.due_estimated else text

    def closed(self, row: Any) -> bool:
        """The row's case is in a final state: nobody can be assigned to it (no tick box)."""
        ct = self.installed.get(row.case_type)
        state = ct.workflow.states.get(row.state) if ct else None
        return state is None or state.final

    def overdue(self, row: Any) -> bool:
        return row.due_date is not None and row.clock_paused_at is None and row.due_date < self.today

    @staticmethod
    def activity(row: Any) -> str:
        return to_local(row.updated_at).strftime("%Y-%m-%d %H:%M") if row.updated_at else ""
