"""Who an audience is, for one case: the named resolvers ``Rule.audience`` refers to.

A resolver turns a case into a query for users; ``services.emit`` keeps the active ones and
leaves out the actor.  A new audience (say, the people holding a role on the case) is one more
entry in ``AUDIENCES``.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Select, false

from supervision.accounts.models import User, UserRole
from supervision.cases.models import Case
from supervision.extensions import db

Resolver = Callable[[Case], Select]


def _with_role(organisation_id: int | None, role: str) -> Select:
    if organisation_id is None:
        return db.select(User).where(false())
    return db.select(User).where(User.organisation_id == organisation_id,
                                 User.role_rows.any(UserRole.role == role))


def firm(case: Case) -> Select:
    """The applicant users of the case's firm."""
    return _with_role(case.firm_id, "applicant")


def assignee(case: Case) -> Select:
    """The officer the case is assigned to."""
    if case.assignee_id is None:
        return db.select(User).where(false())
    return db.select(User).where(User.id == case.assignee_id)


def department_officers(case: Case) -> Select:
    return _with_role(case.department_id, "officer")


def department_approvers(case: Case) -> Select:
    return _with_role(case.department_id, "approver")


# -- people holding a role on the case (experts-ui) --


def _holding(case: Case, role: str) -> Select:
    from supervision.cases.models import CaseRole

    return db.select(User).where(User.id.in_(
        db.select(CaseRole.user_id).where(CaseRole.case_id == case.id, CaseRole.role == role,
                                          CaseRole.ended_at.is_(None))))


def case_experts(case: Case) -> Select:
    """The experts drawn for the case who have not declined."""
    return _holding(case, "expert")


def drawn_experts(case: Case) -> Select:
    """The experts chosen by the case's latest draw (those just drawn), still on the case."""
    from supervision.cases.models import CaseRole
    from supervision.experts.models import ExpertDraw

    latest = db.session.execute(db.select(ExpertDraw.id).where(ExpertDraw.case_id == case.id)
                                .order_by(ExpertDraw.id.desc()).limit(1)).scalar()
    if latest is None:
        return db.select(User).where(false())
    return _holding(case, "expert").where(User.id.in_(
        db.select(CaseRole.user_id).where(CaseRole.case_id == case.id, CaseRole.source == "draw",
                                          CaseRole.source_ref == str(latest))))


AUDIENCES: dict[str, Resolver] = {
    "firm": firm,
    "assignee": assignee,
    "department_officers": department_officers,
    "department_approvers": department_approvers,
    "case_experts": case_experts,
    "drawn_experts": drawn_experts,
}
