"""Who may do what with the expert pool: the route policies and ``can_<verb>`` predicates (in
the style of ``supervision.policies``, kept here so the pool needs no edit there)."""
from __future__ import annotations

from supervision import policies
from supervision.policies import RoutePolicy

EXPERTS = RoutePolicy("experts", frozenset({"expert"}))


def _holds_expert_role(user, case) -> bool:
    return user.is_authenticated and "expert" in policies.case_roles(user, case)


def can_open_assignment(user, case) -> bool:
    """An expert opens only a case they hold an active expert role on (everyone else: 404)."""
    return _holds_expert_role(user, case)


def can_give_opinion(user, case) -> bool:
    return _holds_expert_role(user, case)


def can_see_all_opinions(user, case) -> bool:
    """Officers and approvers of the case (and auditors) see every opinion with its author."""
    return bool(policies.case_roles(user, case) & {"officer", "approver", "auditor"})


def can_see_opinion_summary(user, case) -> bool:
    """The firm sees a summary without the experts' names."""
    return "applicant" in policies.case_roles(user, case)


def can_see_others_opinions(user, case) -> bool:
    """An expert sees the other experts' opinions only once their own is on record."""
    from supervision.experts.services import opinion_of

    return _holds_expert_role(user, case) and opinion_of(case, user) is not None


def can_draw_experts(user, case) -> bool:
    """The case's officer (its assignee, or any officer of the department while it has none)
    draws experts while the case is in an expert-review step."""
    from supervision.experts.step import in_review

    return ("officer" in policies.case_roles(user, case) and case.assignee_id in (None, user.id)
            and in_review(case))


def can_read_material(user, case, document) -> bool:
    """A drawn expert opens the documents the case type gives experts (nothing else)."""
    from supervision.experts.step import material_for

    return _holds_expert_role(user, case) and any(d.id == document.id for d in material_for(case).documents)


def can_manage_experts(user) -> bool:
    return policies.can_manage_accounts(user)
