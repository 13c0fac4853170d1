"""Access policy: every route declares one; object access is decided by named predicates here.

Route level: ``@policy(...)`` names who may reach a view at all (checked before the view runs,
for every request, by ``enforce_route_policy``).  Object level: views call ``authorize`` with a
``can_<verb>`` predicate; a firm user is answered 404 for anything outside their firm (its
existence is not disclosed), other users 403.  A refusal raises ``AccessDenied`` with what was
refused; the audit package records every one of them (``supervision.audit.denials``), after
the request's unit of work has rolled back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NoReturn

from flask import abort, current_app, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from supervision.accounts.models import Role
from supervision.core.actors import SYSTEM_ROLE, is_system

# -- route policies ------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutePolicy:
    name: str
    roles: frozenset[str] | None = None   # None: any signed-in user (unless public)
    public: bool = False
    auditor_may_post: bool = False        # the few POSTs an auditor may send

    def admits(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.roles is None or bool(user.roles & self.roles)


PUBLIC = RoutePolicy("public", public=True)
# Signing in and choosing the language: open to everyone, and among an auditor's few POSTs.
SIGN_IN = RoutePolicy("sign_in", public=True, auditor_may_post=True)
# Password reset: anyone signed out (a signed-in auditor has no business there).
SIGNED_OUT = RoutePolicy("signed_out", public=True)
SIGNED_IN = RoutePolicy("signed_in")
SELF_SERVICE = RoutePolicy("self_service", auditor_may_post=True)  # sign out, own password, own inbox
# Experts see no case until expert assignments exist (they will read only the cases assigned to them).
CASE_WORKERS = RoutePolicy("case_workers", frozenset({"applicant", "officer", "approver", "auditor"}))
REGULATORS = RoutePolicy("regulators", frozenset({"officer", "approver"}))
OFFICERS = RoutePolicy("officers", frozenset({"officer"}))
APPLICANTS = RoutePolicy("applicants", frozenset({"applicant"}))
ADMINS = RoutePolicy("admins", frozenset({"admin"}))
AUDITORS = RoutePolicy("auditors", frozenset({"auditor"}))
AUDIT_READERS = RoutePolicy("audit_readers", frozenset({"auditor", "admin"}))
# Dossier exports: auditors, and officers for their own department's cases (can_export_case).
EXPORTERS = RoutePolicy("exporters", frozenset({"auditor", "officer"}), auditor_may_post=True)
# The regulators' queue beyond the list itself (its exports and saved views): regulators and
# auditors; saving a view is among an auditor's few POSTs.
QUEUE_READERS = RoutePolicy("queue_readers", frozenset({"officer", "approver", "auditor"}), auditor_may_post=True)


def policy(p: RoutePolicy) -> Callable:
    """Declare the route policy of a view function."""

    def deco(fn: Callable) -> Callable:
        fn.route_policy = p  # type: ignore[attr-defined]
        return fn

    return deco


def policy_of(endpoint: str | None) -> RoutePolicy | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "route_policy", None)


def enforce_route_policy():
    """before_request: fail closed on routes without a policy; check role and auditor POSTs."""
    if request.endpoint is None:  # 404/405 from routing; the error handler answers
        return None
    p = policy_of(request.endpoint)
    if p is None:
        current_app.logger.error("route %s declares no access policy", request.endpoint)
        abort(403)
    if not p.public and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not p.admits(current_user):
        deny(None, status=404 if _names_a_concealed_case() else 403)
    # An auditor reads; the only things they send are listed by ``auditor_may_post`` (public
    # routes included: an auditor signed in does not post objections or reports either).
    if (request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated
            and Role.AUDITOR.value in current_user.roles and not p.auditor_may_post):
        deny(None, status=403)
    return None


# -- object predicates ---------------------------------------------------------------------


def is_firm_user(user) -> bool:
    return user.is_authenticated and user.organisation.is_firm


# -- who sees and acts on a case: the one visibility rule ------------------------------------
#
# A user's roles on a case come from three places: their firm (the applicant of the firm's own
# cases), their department (its officers and approvers), their role in general (auditors see
# every case) and the people attached to the case in a role (``CaseRole`` rows: the assignee,
# a drawn expert, a presiding officer).  ``case_roles`` applies the rule to one case;
# ``visible_condition`` is the same rule as SQL for the lists.


def _appointed(user, case) -> frozenset[str]:
    """The roles ``user`` holds on ``case`` by appointment (active ``CaseRole`` rows)."""
    from flask import g, has_app_context

    from supervision.cases.models import CaseRole
    from supervision.extensions import db

    key = ("case_roles", user.id, case.id, case.version)
    cache = g.setdefault("_appointed_roles", {}) if has_app_context() else {}
    if key not in cache:
        cache[key] = frozenset(db.session.execute(
            db.select(CaseRole.role).where(CaseRole.case_id == case.id, CaseRole.user_id == user.id,
                                           CaseRole.ended_at.is_(None))).scalars())
    return cache[key]


def is_unsubmitted(case) -> bool:
    """A firm's case in a state tagged ``UNSUBMITTED`` (its draft): the firm's alone."""
    from supervision.cases import types
    from workflows.base import UNSUBMITTED

    if case.firm_id is None:
        return False
    state = types.workflow(case.case_type).states.get(case.state)
    return state is not None and UNSUBMITTED in state.tags


def unsubmitted_condition():
    """``is_unsubmitted`` as a SQL condition on ``Case`` (every installed case type's drafts)."""
    from sqlalchemy import and_, false, or_

    from supervision.cases import types
    from supervision.cases.models import Case
    from workflows.base import UNSUBMITTED

    parts = [and_(Case.case_type == name, Case.state.in_(ct.workflow.tagged(UNSUBMITTED)))
             for name, ct in types.installed().items() if ct.workflow.tagged(UNSUBMITTED)]
    return and_(Case.firm_id.is_not(None), or_(*parts)) if parts else false()


def _standing(user, case) -> frozenset[str]:
    """The roles ``user`` holds on ``case`` through their firm, department or general role
    (no query: what the lists can decide row by row).  A firm's unsubmitted draft is the firm's
    alone: nobody else holds a role on it."""
    if is_system(user):  # the timer: only rows for role "system", on any case
        return frozenset({SYSTEM_ROLE})
    if user is None or not user.is_authenticated:
        return frozenset(getattr(user, "case_roles", None) or {"public"})
    roles = set()
    if "applicant" in user.roles and case.firm_id is not None and case.firm_id == user.organisation_id:
        roles.add("applicant")
    if is_unsubmitted(case):
        return frozenset(roles)
    if case.department_id == user.organisation_id:
        roles |= user.roles & {"officer", "approver"}
    if "auditor" in user.roles:
        roles.add("auditor")
    return frozenset(roles)


def case_roles(user, case) -> frozenset[str]:
    """The roles ``user`` holds *on this case*: scope narrows the roles they hold in general."""
    roles = _standing(user, case)
    if user is not None and getattr(user, "is_authenticated", False) and case.id is not None \
            and not is_unsubmitted(case):
        roles |= _appointed(user, case)
    return roles


def visible_condition(user):
    """``case_roles(user, case)`` is not empty, as a SQL condition on ``Case`` (for lists)."""
    from sqlalchemy import and_, exists, false, not_, or_

    from supervision.cases.models import Case, CaseRole

    if not user.is_authenticated:
        return false()
    submitted = not_(unsubmitted_condition())
    own = Case.firm_id == user.organisation_id if "applicant" in user.roles and user.organisation.is_firm else None
    if "auditor" in user.roles:
        return submitted if own is None else or_(own, submitted)
    appointed = exists().where(and_(CaseRole.case_id == Case.id, CaseRole.user_id == user.id,
                                    CaseRole.ended_at.is_(None)))
    parts = [appointed]
    if user.roles & {"officer", "approver"}:
        parts.append(Case.department_id == user.organisation_id)
    others = and_(or_(*parts), submitted)
    return others if own is None else or_(own, others)


def department_condition(user):
    """The cases of ``user``'s department they may list, as SQL on ``Case``: ``visible_condition``
    for a regulator attached to no case elsewhere (one index range; firms' drafts left out)."""
    from sqlalchemy import and_, not_

    from supervision.cases.models import Case

    return and_(Case.department_id == user.organisation_id, not_(unsubmitted_condition()))


def can_view_case(user, case) -> bool:
    return bool(_standing(user, case) - {"public"}) or bool(case_roles(user, case) - {"public"})


def can_act_on_case(user, case) -> bool:
    return bool(case_roles(user, case) & {"applicant", "officer", "approver"})


def can_preview_draft(user, case) -> bool:
    """The case's regulators read a draft decision before it is approved (never the firm)."""
    return bool(case_roles(user, case) & {"officer", "approver"})


def can_claim_case(user, case) -> bool:
    return "officer" in _standing(user, case) and case.assignee_id is None


def can_assign_case(user, case) -> bool:
    return bool(_standing(user, case) & {"officer", "approver"})


def can_record_challenge_outcome(user, case) -> bool:
    """The department's officers and approvers record reconsideration and litigation outcomes."""
    return bool(_standing(user, case) & {"officer", "approver"})


def can_export_case(user, case) -> bool:
    """Auditors export any case's dossier; officers those of their own department."""
    return bool(_standing(user, case) & {"auditor", "officer"})


def can_view_document(user, document) -> bool:
    """Firms see their own files (not internal notes); regulators their department's cases."""
    if not user.is_authenticated:
        return document.classification == "public" and document.case_id is None
    case = document.case
    if "auditor" in user.roles and (case is None or not is_unsubmitted(case)):
        return True
    if case is not None:
        roles = case_roles(user, case)
        if roles & {"officer", "approver"}:
            return True
        # Regulators' working papers carry no firm; what the firm sent or was sent carries it.
        return "applicant" in roles and document.firm_id == user.organisation_id
    return document.firm_id is not None and document.firm_id == user.organisation_id


def can_manage_accounts(user) -> bool:
    return user.is_authenticated and "admin" in user.roles


def authorize(allowed: bool, obj: Any = None, *, object_type: str | None = None) -> None:
    """Stop the request unless ``allowed``: 404 for firm users, 403 for everyone else; 404 to
    everyone for a firm's unsubmitted draft and its documents (it does not exist for them)."""
    if allowed:
        return
    deny(obj, status=404 if is_firm_user(current_user) or _conceals(obj) else 403, object_type=object_type)


def _names_a_concealed_case() -> bool:
    """The route's ``case_id`` names no case or a firm's draft: a route refused by role answers
    404 for it as for a case that does not exist, so nobody outside the firm learns of a draft."""
    from supervision.cases.models import Case
    from supervision.core.urls import MAX_ID
    from supervision.extensions import db

    case_id = (request.view_args or {}).get("case_id")
    if not isinstance(case_id, int):
        return False
    case = db.session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    return case is None or _conceals(case)


def _conceals(obj: Any) -> bool:
    """``obj`` is a firm's unsubmitted draft or belongs to one (a document, a decision)."""
    from supervision.cases.models import Case

    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    return isinstance(case, Case) and is_unsubmitted(case)


class AccessDenied(HTTPException):
    """A refused access: answered with ``code`` (403, or 404 to a firm user) and recorded as an
    ``access.denied`` event of ``object_type`` / ``object_id`` by the audit package."""

    def __init__(self, status: int, object_type: str, object_id: Any):
        super().__init__()
        self.code = status
        self.object_type, self.object_id = object_type, object_id


def deny(obj: Any, *, status: int, object_type: str | None = None) -> NoReturn:
    raise AccessDenied(
        status,
        object_type or (type(obj).__name__.lower() if obj is not None else "route"),
        getattr(obj, "id", None) if obj is not None else request.endpoint,
    )
