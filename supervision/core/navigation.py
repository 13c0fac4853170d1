"""Navigation entries and case-page panels that domains contribute, so the base layout and the
case page need no edit per domain.  Case types declare theirs on their ``CaseType``; shared
domains (decisions, dossiers, accounts …) add theirs here when the factory wires them."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from typing import Any, Callable

from flask import Flask, current_app, render_template, request
from markupsafe import Markup


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str                       # N_-marked
    roles: frozenset[str] = frozenset()  # empty: any signed-in user

    def visible(self, user) -> bool:
        return not self.roles or bool(user.roles & self.roles)


def signed_in_nav() -> Markup:
    """The header's links and forms for the signed-in user (``templates/_nav.html``): rendered
    once per user, language and data version and kept (``core.fragments``), since every page of
    every signed-in user shows it.  Only the forms' tokens and the address the language form
    returns to are filled in per request."""
    from flask_login import current_user

    from supervision.core import fragments, i18n

    parts = (current_user.id, i18n.lang(), i18n.asked_language())
    return fragments.render("nav", parts, lambda **marks: render_template("_nav.html", **marks),
                            fills={"next_field": _next_field})


def _next_field() -> Markup:
    """The language form's return address: this page (a GET; a form's result page has none),
    without its ``?lang=``, which would win over the language just chosen."""
    if request.method != "GET":
        return Markup("")
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here = f"{request.path}?{urlencode(args)}" if args else request.path
    return Markup('<input type="hidden" name="next" value="{}">').format(here)


def add_nav(app: Flask, item: NavItem) -> None:
    items = app.extensions.setdefault("nav_items", [])
    if item not in items:
        items.append(item)


def add_public_link(app: Flask, item: NavItem) -> None:
    items = app.extensions.setdefault("public_links", [])
    if item not in items:
        items.append(item)


# The tabs of a case page, in order (anchors: they work without script).  "map" shows only
# where a panel fills it.
CASE_TABS = ("summary", "documents", "decisions", "timeline", "experts", "map")


def add_case_panel(app: Flask, template: str, tab: str = "summary") -> None:
    """A template included on every case page, whatever its type (receives ``case``), in the
    page's ``tab``."""
    if tab not in CASE_TABS:
        raise ValueError(f"no case-page tab {tab!r}")
    app.extensions.setdefault("case_panels", []).append((tab, template))


def case_tabs(case_type) -> dict[str, list[str]]:
    """The panels of a case page by tab: the case type's own first (a bare template name goes
    in the summary, a ``(tab, template)`` pair in its tab), then the shared ones."""
    out: dict[str, list[str]] = {tab: [] for tab in CASE_TABS}
    for entry in (*case_type.case_panels, *current_app.extensions.get("case_panels", [])):
        tab, template = ("summary", entry) if isinstance(entry, str) else entry
        out[tab].append(template)
    return out


def case_panels(case_type) -> list[str]:
    """Every panel of a case page, tab by tab."""
    return [t for templates in case_tabs(case_type).values() for t in templates]


def add_case_flags(app: Flask, flags) -> None:
    """Flags a domain raises on rows of the case list: ``flags(cases)`` -> {case id: [text]},
    for one page of cases at once (one query, however many rows)."""
    app.extensions.setdefault("case_flags", []).append(flags)


def case_flags(cases) -> dict[int, list[str]]:
    """Every domain's flags for a page of cases."""
    out: dict[int, list[str]] = {}
    for flags in current_app.extensions.get("case_flags", []):
        for case_id, texts in flags(cases).items():
            out.setdefault(case_id, []).extend(texts)
    return out


@dataclass(frozen=True)
class PortalTab:
    """A tab of the firm's home page a domain contributes: ``rows(firm_id)`` -> what the
    template ``template`` shows (it receives ``rows``); ``label`` is N_-marked; tabs are shown
    by ``order``."""

    name: str
    label: str
    template: str
    rows: Callable[[int], Any]
    order: int = 100


def add_portal_tab(app: Flask, tab: PortalTab) -> None:
    tabs = app.extensions.setdefault("portal_tabs", [])
    if all(t.name != tab.name for t in tabs):
        tabs.append(tab)


def portal_tabs() -> list[PortalTab]:
    return sorted(current_app.extensions.get("portal_tabs", []), key=lambda t: t.order)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=lambda: current_app.extensions.get("nav_items", []),
        public_links=lambda: current_app.extensions.get("public_links", []),
        case_flags=case_flags,
        signed_in_nav=signed_in_nav,
    )
