"""Actors that are not people: ``SYSTEM``, the platform itself acting on a timer.

The system actor fires what a rule makes due (a lapse when a period runs out, an overdue flag).
It is no database user and cannot sign in: it has no id, is not authenticated, and holds the
one role ``system``, which no user can hold (``accounts.models.Role`` has no such role).  A
workflow row with role ``system`` can therefore be fired by the timer and by nobody else.  The
audit trail names it ``system`` (actor e-mail and roles), the case timeline "System".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workflows.base import N_

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class SystemActor:
    """Duck-types the parts of a user the services read (``id``, ``roles``, ``is_authenticated``)."""

    name: str = N_("System")
    email: str = SYSTEM_ROLE           # what the audit trail writes as the actor
    id: None = None
    organisation_id: None = None
    roles: frozenset[str] = field(default_factory=lambda: frozenset({SYSTEM_ROLE}))
    is_authenticated: bool = False
    is_anonymous: bool = False
    is_active: bool = True
    is_system: bool = True

    def get_id(self) -> None:
        return None

    def __repr__(self) -> str:
        return "<SYSTEM>"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """Whether ``actor`` is the platform itself (not a person, not the public)."""
    return getattr(actor, "is_system", False) is True
