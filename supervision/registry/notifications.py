"""Who hears of what in the registration procedure: the case type's notification table.

The firm is told of what the regulator asks, decides or intends (and so of what it owes); the
officers of the department of new submissions, the case's officer of the firm's answers and of
what falls due, the approvers of proposals waiting for them.
"""
from __future__ import annotations

from supervision.notifications.rules import Rule
from workflows.base import N_, PROPOSAL
from workflows.registration import ANSWER, DECIDED, INFO, NOTICE

RULES: tuple[Rule, ...] = (
    Rule("information_request", "firm", N_("%(case)s: the regulator asks for information"),
         N_("The regulator asks for information on %(title)s (%(case)s): %(action)s. "
            "Answer it on the platform before the deadline shown on the case."),
         tags=frozenset({INFO})),
    Rule("prior_notice", "firm", N_("%(case)s: prior notice of an intended decision"),
         N_("%(action)s on %(title)s (%(case)s). You may state your defence on the platform "
            "within the period shown on the case."),
         tags=frozenset({NOTICE})),
    Rule("decision", "firm", N_("%(case)s: %(action)s"),
         N_("A decision was taken on %(title)s (%(case)s): %(action)s. The case is now: %(state)s. "
            "The decision document is on the case page."),
         tags=frozenset({DECIDED})),
    Rule("submission", "department_officers", N_("%(case)s: %(action)s"),
         N_("The firm acted on %(title)s (%(case)s): %(action)s. The case is now: %(state)s."),
         tags=frozenset({"submission"})),
    Rule("answer", "assignee", N_("%(case)s: the firm answered"),
         N_("The firm acted on %(title)s (%(case)s): %(action)s. The case is now: %(state)s."),
         tags=frozenset({ANSWER})),
    Rule("proposal", "department_approvers", N_("%(case)s: a proposal awaits approval"),
         N_("%(action)s on %(title)s (%(case)s) awaits an approver's decision."),
         tags=frozenset({PROPOSAL})),
    Rule("assigned", "assignee", N_("%(case)s is now yours"),
         N_("%(title)s (%(case)s) was assigned to you."), events=frozenset({"case.assign"})),
    Rule("overdue", "assignee", N_("%(case)s: a deadline has passed"),
         N_("A deadline on %(title)s (%(case)s) has passed."), events=frozenset({"deadline.overdue"})),
)

# -- expert review (experts-ui) ------------------------------------------------------------------
RULES += (
    Rule("expert_review_start", "firm", N_("%(case)s: expert review"),
         N_("The regulator seeks expert opinion on %(title)s (%(case)s). The notice on the case page "
            "says how long it takes; that time does not count towards the decision period."),
         triggers=frozenset({"seek_expert_opinion"})),
    Rule("expert_review_end", "assignee", N_("%(case)s: expert review ended"),
         N_("The expert review of %(title)s (%(case)s) has ended (%(action)s). The case is now: %(state)s."),
         triggers=frozenset({"end_expert_review", "close_expert_review"})),
    Rule("expert_review_end_firm", "firm", N_("%(case)s: expert review ended"),
         N_("The expert review of %(title)s (%(case)s) has ended; the decision period runs again."),
         triggers=frozenset({"end_expert_review", "close_expert_review"})),
)
