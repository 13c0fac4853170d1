"""Who hears of what on a change or renewal application: the case type's notification table,
the registration's table (the firm of what the regulator asks or decides, the case's officer of
the firm's answers and of what falls due, the approvers of proposals) and, since the application
itself is the submission, the department's officers of a new application."""
from __future__ import annotations

from supervision.changes.services import APPLIED_EVENT
from supervision.notifications.rules import Rule
from supervision.registry.notifications import RULES as REGISTRATION_RULES
from workflows.base import N_

# The registration's rules that key on this table's tags and events (not its expert review).
_SHARED = ("information_request", "decision", "submission", "answer", "proposal", "assigned", "overdue")

RULES: tuple[Rule, ...] = tuple(r for r in REGISTRATION_RULES if r.name in _SHARED) + (
    Rule("applied", "department_officers", N_("%(case)s: a new application to change or renew a registration"),
         N_("The firm applied on %(title)s (%(case)s). Decide within five working days whether to accept it, "
            "refuse acceptance or ask once for everything to supplement; silence is deemed acceptance."),
         events=frozenset({APPLIED_EVENT})),
)
