"""Navigation entries that domains contribute (so the base layout needs no edits per domain)."""
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
    app.extensions.setdefault("nav_items", []).append(item)


def add_public_link(app: Flask, item: NavItem) -> None:
    app.extensions.setdefault("public_links", []).append(item)


def add_case_panel(app: Flask, case_type: str, template: str) -> None:
    """A template included on the case page of ``case_type`` (receives ``case``)."""
    app.extensions.setdefault("case_panels", {}).setdefault(case_type, []).append(template)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=lambda: current_app.extensions.get("nav_items", []),
        public_links=lambda: current_app.extensions.get("public_links", []),
    )
