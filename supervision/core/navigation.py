"""Navigation entries and case-page panels that domains contribute, so the base layout and the
case page need no edit per domain.  Case types declare theirs on their ``CaseType``; shared
domains (decisions, dossiers, accounts …) add theirs here when the factory wires them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str                       # N_-marked
    roles: frozenset[str] = frozenset()  # empty: any signed-in user

    def visible(self, user) -> bool:
        return not self.roles or bool(user.roles & self.roles)


def add_nav(app: Flask, item: NavItem) -> None:
    items = app.extensions.setdefault("nav_items", [])
    if item not in items:
        items.append(item)


def add_public_link(app: Flask, item: NavItem) -> None:
    items = app.extensions.setdefault("public_links", [])
    if item not in items:
        items.append(item)


def add_case_panel(app: Flask, template: str) -> None:
    """A template included on every case page, whatever its type (receives ``case``)."""
    app.extensions.setdefault("case_panels", []).append(template)


def case_panels(case_type) -> list[str]:
    """The panels of a case page: the case type's own first, then the shared ones."""
    return [*case_type.case_panels, *current_app.extensions.get("case_panels", [])]


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=lambda: current_app.extensions.get("nav_items", []),
        public_links=lambda: current_app.extensions.get("public_links", []),
    )
