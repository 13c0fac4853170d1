"""Who hears of the expert-review step's own events (not transitions, so no case type's table):
the experts just drawn, and the case's officer when an expert declines."""
from __future__ import annotations

from supervision.notifications.rules import Event, Rule
from workflows.base import N_

DRAWN, DECLINED = "expert.drawn", "expert.declined"

RULES: tuple[Rule, ...] = (
    Rule("expert_drawn", "drawn_experts", N_("%(case)s: you were drawn as an expert"),
         N_("You were drawn as an expert for %(title)s (%(case)s). Read the material and give your "
            "opinion under \"My assignments\" by %(deadline)s, or decline with a reason."),
         events=frozenset({DRAWN})),
    Rule("expert_declined", "assignee", N_("%(case)s: an expert declined"),
         N_("An expert declined %(title)s (%(case)s); a replacement was drawn."),
         events=frozenset({DECLINED})),
)


def tell(case, name: str, actor, **params: str) -> None:
    """Emit the step's event ``name`` about ``case`` (inbox and outbox rows, same transaction)."""
    from supervision.notifications.services import emit

    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
    emit(Event(name=name, case_id=case.id, actor_id=actor_id, params=params), RULES)
