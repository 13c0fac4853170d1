"""Who hears of what on an incident: the case type's notification table.

The department's officers hear of every new incident; the firm hears of an incident it did not
report itself (it owes the initial report), of what the regulator orders and decides, and of
report deadlines that passed; the case's officer hears the firm's reports and remediation, late
reports and every deadline that passed.
"""
from __future__ import annotations

from supervision.notifications.rules import Rule
from workflows.base import N_
from workflows.incident import ANSWER, DECIDED, NOTICE, REPORTS

REPORTED, OPENED, LATE = "incident.reported", "incident.opened", "incident.late_report"

RULES: tuple[Rule, ...] = (
    Rule("incident_new", "department_officers", N_("%(case)s: a new incident"),
         N_("A new incident was reported: %(title)s (%(case)s), %(action)s."), events=frozenset({REPORTED})),
    Rule("incident_opened_firm", "firm", N_("%(case)s: an incident was opened about your firm"),
         N_("An incident was opened: %(title)s (%(case)s), %(action)s. Submit the initial report on the "
            "platform before the deadline shown."), events=frozenset({OPENED})),
    Rule("incident_decision", "firm", N_("%(case)s: %(action)s"),
         N_("On the incident %(title)s (%(case)s): %(action)s. The case is now: %(state)s."),
         tags=frozenset({DECIDED, NOTICE})),
    Rule("incident_firm_acted", "assignee", N_("%(case)s: %(action)s"),
         N_("The firm acted on the incident %(title)s (%(case)s): %(action)s."),
         tags=frozenset({ANSWER, REPORTS})),
    Rule("incident_late_officer", "assignee", N_("%(case)s: a report came late"),
         N_("The firm filed a report on the incident %(title)s (%(case)s) after its deadline: %(action)s."),
         events=frozenset({LATE})),
    Rule("incident_assigned", "assignee", N_("%(case)s is now yours"),
         N_("%(title)s (%(case)s) was assigned to you."), events=frozenset({"case.assign"})),
    Rule("incident_overdue_officer", "assignee", N_("%(case)s: a deadline has passed"),
         N_("A deadline on the incident %(title)s (%(case)s) has passed: %(deadline)s."),
         events=frozenset({"deadline.overdue"})),
    Rule("incident_overdue_firm", "firm", N_("%(case)s: a report on the incident is overdue"),
         N_("A deadline on the incident %(title)s (%(case)s) has passed: %(deadline)s. "
            "Submit what is owed on the platform."),
         events=frozenset({"deadline.overdue"})),
)
