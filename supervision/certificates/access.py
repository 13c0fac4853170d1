"""Who may do what with certificates: the route policies and ``can_<verb>`` predicates (in the
style of ``supervision.policies``, kept here so certificates need no edit there).

A certifier acts only for their own certification body; regulators and auditors read every
certificate; a firm's applicants read the certificates of their firm's models."""
from __future__ import annotations

from supervision.accounts.models import OrgKind
from supervision.policies import RoutePolicy

CERTIFIER = "certifier"
READER_ROLES = frozenset({"officer", "approver", "auditor"})

CERTIFIERS = RoutePolicy("certifiers", frozenset({CERTIFIER}))
CERTIFICATE_READERS = RoutePolicy("certificate_readers", READER_ROLES)
FIRM_CERTIFICATES = RoutePolicy("firm_certificates", frozenset({"applicant"}))
# The detail page: every role that reads some certificate; the predicate decides which.
ANY_CERTIFICATE_READER = RoutePolicy("any_certificate_reader", READER_ROLES | {CERTIFIER, "applicant"})


def body_roles(user, body_id: int) -> frozenset[str]:
    """The lifecycle table's roles ``user`` holds on a certificate of ``body_id``: ``certifier``
    for a certifier of that very body, nothing otherwise."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if CERTIFIER in user.roles and user.organisation_id == body_id and \
            user.organisation.kind == OrgKind.CERTIFICATION_BODY.value:
        return frozenset({CERTIFIER})
    return frozenset()


def can_change_certificate(user, cert) -> bool:
    return bool(body_roles(user, cert.body_id))


def can_view_certificate(user, cert) -> bool:
    if not user.is_authenticated:
        return False
    if can_change_certificate(user, cert) or user.roles & READER_ROLES:
        return True
    return "applicant" in user.roles and user.organisation_id == cert.model.firm_id
