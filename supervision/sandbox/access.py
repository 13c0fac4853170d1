"""Who may do what with a sandbox test beyond the workflow table (named predicates)."""
from __future__ import annotations

from supervision import policies
from supervision.cases.models import Case


def may_apply(user) -> bool:
    """A firm's applicant may open a sandbox application for the firm."""
    return user.is_authenticated and "applicant" in user.roles and policies.is_firm_user(user)


def may_edit(user, case: Case) -> bool:
    """The applicant of the case's own firm (the page checks the state)."""
    return user.is_authenticated and "applicant" in policies.case_roles(user, case)


def is_regulator(user, case: Case) -> bool:
    return bool(policies.case_roles(user, case) & {"officer", "approver", "auditor"})
