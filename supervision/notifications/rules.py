"""What the case engine tells the notifications domain (``Event``) and the rows of a case type's
notification table (``Rule``): which event reaches which audience with which text.

Pure data: no Flask, no database.  The audiences themselves are resolved in ``audiences``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Event:
    """Something that happened, emitted by the case engine inside the transaction of the change."""

    name: str                      # "case.transition", "case.assign", "deadline.overdue", ...
    case_id: int | None
    actor_id: int | None           # who acted (never told of their own act); None: public or system
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    tags: frozenset[str] = frozenset()   # what the transition is: {"information_request"}, {"decision"}, ...
    params: Mapping[str, str] = field(default_factory=dict)  # extra values for the text (a due date)


@dataclass(frozen=True)
class Rule:
    """One row of a case type's notification table.

    ``subject`` and ``body`` are N_-marked msgids; they may use ``%(case)s`` (the case number),
    ``%(title)s``, ``%(action)s``, ``%(state)s`` and the event's params.  A rule matches when
    every criterion it sets holds: the event's name is in ``events``, its trigger in
    ``triggers``, its tags meet ``tags``; an empty criterion is no restriction."""

    name: str
    audience: str                  # a name in ``audiences.AUDIENCES``
    subject: str
    body: str
    events: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    email: bool = True

    def matches(self, event: Event) -> bool:
        if self.events and event.name not in self.events:
            return False
        if self.triggers and event.trigger not in self.triggers:
            return False
        if self.tags and not (self.tags & event.tags):
            return False
        return True
