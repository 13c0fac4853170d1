"""Who hears of what in a sandbox test: the case type's notification table.

The firm hears what the regulator asks, intends and decides, of pauses, breaches and of reports
that fall due soon (once, before the date) or are overdue (once, after it); the case's officer
hears the firm's answers, reports and requests, breaches and every deadline that passed; approvers hear of proposals and requests waiting for them.
"""
from __future__ import annotations

from supervision.cases.models import deadline_tag
from supervision.notifications.rules import Rule
from workflows.base import N_, PROPOSAL
from workflows.sandbox import ANSWER, DECIDED, INFO, NOTICE, REPORT

BREACH = "sandbox.breach"

RULES: tuple[Rule, ...] = (
    Rule("sandbox_info", "firm", N_("%(case)s: the regulator asks for information on your sandbox test"),
         N_("%(action)s on %(title)s (%(case)s). Answer on the platform before the deadline shown."),
         tags=frozenset({INFO})),
    Rule("sandbox_notice", "firm", N_("%(case)s: %(action)s"),
         N_("%(action)s on your sandbox test %(title)s (%(case)s). The case is now: %(state)s."),
         tags=frozenset({NOTICE})),
    Rule("sandbox_decision", "firm", N_("%(case)s: %(action)s"),
         N_("A decision on your sandbox test %(title)s (%(case)s): %(action)s. The case is now: %(state)s."),
         tags=frozenset({DECIDED})),
    Rule("sandbox_submission", "department_officers", N_("%(case)s: %(action)s"),
         N_("The firm acted on the sandbox test %(title)s (%(case)s): %(action)s."),
         tags=frozenset({"submission"})),
    Rule("sandbox_answer", "assignee", N_("%(case)s: %(action)s"),
         N_("The firm acted on the sandbox test %(title)s (%(case)s): %(action)s."),
         tags=frozenset({ANSWER, REPORT})),
    Rule("sandbox_proposal", "department_approvers", N_("%(case)s: a proposal awaits approval"),
         N_("%(action)s on the sandbox test %(title)s (%(case)s) awaits an approver's decision."),
         tags=frozenset({PROPOSAL})),
    Rule("sandbox_change", "department_approvers", N_("%(case)s: the firm requests a change"),
         N_("The firm requests an extension or a change of conditions of %(title)s (%(case)s)."),
         triggers=frozenset({"request_change"})),
    Rule("sandbox_breach_officer", "assignee", N_("%(case)s: fence breach by unit %(unit)s (%(action)s)"),
         N_("Unit %(unit)s of the sandbox test %(title)s (%(case)s) breached its fence: %(action)s."),
         events=frozenset({BREACH})),
    Rule("sandbox_breach_firm", "firm", N_("%(case)s: fence breach by unit %(unit)s (%(action)s)"),
         N_("Unit %(unit)s of your sandbox test %(title)s (%(case)s) breached its fence: %(action)s. "
            "Bring it back inside its allowed area."),
         events=frozenset({BREACH})),
    Rule("sandbox_assigned", "assignee", N_("%(case)s is now yours"),
         N_("%(title)s (%(case)s) was assigned to you."), events=frozenset({"case.assign"})),
    Rule("sandbox_overdue_officer", "assignee", N_("%(case)s: a deadline has passed"),
         N_("A deadline on the sandbox test %(title)s (%(case)s) has passed: %(deadline)s."),
         events=frozenset({"deadline.overdue"})),
    Rule("sandbox_overdue_firm", "firm", N_("%(case)s: a report is overdue"),
         N_("A deadline on your sandbox test %(title)s (%(case)s) has passed: %(deadline)s. "
            "Submit what is owed on the platform."),
         events=frozenset({"deadline.overdue"}), tags=frozenset({deadline_tag(REPORT)})),
    Rule("sandbox_report_due_firm", "firm", N_("%(case)s: a report falls due on %(due)s"),
         N_("The periodic report on your sandbox test %(title)s (%(case)s) falls due on %(due)s. "
            "Submit it on the platform before then."),
         events=frozenset({"deadline.due_soon"}), tags=frozenset({deadline_tag(REPORT)})),
)
