"""Case types as plug-ins: one typed object per case type, installed from configuration.

A case type (registration, sandbox, incident …) is declared once, in its own package, as a
``CaseType``: its workflow table and everything the shared engine needs to serve it (the facts
its guards read, the effects of its triggers, its decision kinds, what a decision is taken on,
its dossier sections, case-page panels, public-register sections, navigation, queue columns,
statistics, notification rules, audit labels and demo data).  ``CASE_TYPES`` in the
configuration lists the installed case types by dotted name (``package.module:NAME``); the
factory calls ``install`` with that list and nothing else names a case type.  The shared
packages read the installed types through ``get`` / ``installed`` and never import one.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from flask import Blueprint, Flask, current_app

from supervision.core.navigation import NavItem, PortalTab, add_nav, add_portal_tab, add_public_link
from workflows.base import Workflow

Facts = Callable[[Any, Any], dict[str, Any]]          # (case, actor) -> facts for the guards
Effect = Callable[[Any, Any, "Firing"], None]          # (case, actor, firing) -> None


@dataclass(frozen=True)
class Firing:
    """What an effect is told about the transition being made (the facts are gathered once,
    before the state changed)."""

    trigger: str
    from_state: str
    to_state: str
    inputs: Mapping[str, Any]
    facts: Mapping[str, Any]


class RegisterArgsError(ValueError):
    """A register query parameter a section cannot use (the message says why, translated)."""


@dataclass(frozen=True)
class RegisterSection:
    """A section of the public register contributed by a case type: ``/register.json?section=``
    and ``/register/<name>`` serve it.  Nothing confidential is ever in its entries.

    ``listing(args, page)`` returns one page (``rows``: JSON-ready dicts, ``total``, ``page``,
    ``pages``, ``page_size``) for the query ``args`` (a mapping of request parameters; raise
    ``RegisterArgsError`` for one it cannot use); ``columns`` name the entries' keys shown as
    the HTML table's columns (N_-marked headers); ``link_args`` are the parameters kept in the
    paging links."""

    name: str
    label: str
    listing: Callable[[Mapping[str, str], int], Any]
    columns: Sequence[tuple[str, str]] = ()
    link_args: Sequence[str] = ()
    # How a page shows a value (e.g. a state's label for its code): (key, value) -> text.
    display: Callable[[str, Any], str] | None = None

    def shown(self, key: str, value: Any) -> str:
        if value is None:
            return "—"
        return self.display(key, value) if self.display is not None else str(value)


@dataclass(frozen=True)
class QueueColumn:
    """A column a case type adds to the regulators' queue.

    ``sql()`` returns a correlated scalar subquery on ``Case`` that the queue reads with its page
    (evaluated for the page's rows of this case type only: nothing per row) and ``shown(value)``
    turns that value into text.  A column without ``sql`` gives ``value(row)`` -> text, called
    for each row of its type."""

    name: str
    label: str
    value: Callable[[Any], str] | None = None
    sql: Callable[[], Any] | None = None
    shown: Callable[[Any], str] = str

    def key(self, case_type: str) -> str:
        """The name the page's rows carry an ``sql`` column's value under."""
        return f"col_{case_type}_{self.name}"

    def text(self, row: Any, case_type: str) -> str:
        """The cell of ``row`` (blank on another case type's row, or for no value)."""
        if row.case_type != case_type:
            return ""
        if self.sql is None:
            return self.value(row) if self.value is not None else ""
        value = getattr(row, self.key(case_type), None)
        return "" if value is None else self.shown(value)


@dataclass(frozen=True)
class QueueSubject:
    """What the regulators' queue shows, filters and searches of a case type's subject, as SQL
    on ``Case`` (``supervision.workbench`` reads it; nothing is copied onto the case row).

    ``model()`` and ``tier()`` return correlated scalar subqueries (the robot model's name, the
    tier in force); ``search(term)`` a condition on ``Case`` for the cases a free-text term names
    beyond their number and firm (a model's name or code, a unit's code).  ``tier_is(n)`` is the
    tier filter as a condition on ``Case`` read from the column the tier is stored in, through an
    index (``Case.id IN (...)``), so that filtering does not evaluate ``tier()`` row by row."""

    model: Callable[[], Any] | None = None
    tier: Callable[[], Any] | None = None
    search: Callable[[str], Any] | None = None
    tier_is: Callable[[int], Any] | None = None


@dataclass(frozen=True)
class Period:
    """The days a figure covers (Asia/Shanghai dates, both ends included; None: open), and for a
    dashboard figure the cases it counts: ``cases``, an SQL condition on ``Case`` (the cases the
    reader may see, e.g. an officer's department); None: every case (the industry statistics)."""

    start: Any = None
    end: Any = None
    cases: Any = None


@dataclass(frozen=True)
class Statistic:
    """A figure a domain contributes: ``compute(period)`` -> rows of (label, n), a label being
    an N_-marked msgid or plain text (a code).  ``scope``: ``dashboard`` (the regulators'
    dashboard) or ``industry`` (the Art. 33 statistics page, exported as CSV and XLSX).
    ``periodic``: the figure counts what happened in the period (else it is a snapshot of now,
    and the period's days are ignored).  A dashboard figure counts only ``period.cases``."""

    name: str
    label: str
    compute: Callable[[Period], Sequence[tuple[str, int]]]
    scope: str = "dashboard"
    periodic: bool = False


@dataclass(frozen=True)
class CaseType:
    workflow: Workflow
    number_prefix: str                                  # case numbers: PREFIX-2026-000123
    has_firm: bool = True                               # False: the case belongs to a department
    facts: Facts | None = None
    effects: Mapping[str, Sequence[Effect]] = field(default_factory=dict)  # trigger -> effects
    # trigger -> the due items its firing meets (``cases.clocks.add_due_item``): closed as met
    # before the destination's clock rule, which cancels what is still open when a case ends.
    meets: Mapping[str, Sequence[str]] = field(default_factory=dict)
    decision_kinds: Sequence[Any] = ()                  # decisions.kinds.DecisionKind rows
    snapshot: Callable[[Any], dict[str, Any]] | None = None  # what a decision is taken on
    dossier_sections: Sequence[Callable[[Any], list[tuple[str, str]]]] = ()
    case_panels: Sequence[str] = ()                     # templates included on the case page
    register_sections: Sequence[RegisterSection] = ()
    announcements: Sequence[Callable[[int], list]] = ()  # the register's feed: (limit) -> [public.feed.Announcement]
    navigation: Sequence[NavItem] = ()
    public_links: Sequence[NavItem] = ()
    queue_columns: Sequence[QueueColumn] = ()
    queue_subject: QueueSubject | None = None           # the queue's model, tier and search
    statistics: Sequence[Statistic] = ()
    portal_tabs: Sequence[PortalTab] = ()               # tabs of the firm's home page
    notification_rules: Sequence[Any] = ()              # notifications.rules.Rule rows
    labels: Mapping[str, str] = field(default_factory=dict)  # audit action -> N_-marked label
    demo: Callable[..., None] | None = None             # demo(people) after the base demo data
    blueprints: Sequence[Blueprint] = ()
    commands: Sequence[Any] = ()                        # click commands or groups
    template_globals: Mapping[str, Any] = field(default_factory=dict)
    # relation -> (label from the linking case, label from the linked case), N_-marked: links of
    # its own beside the engine's (``cases.models.LINK_RELATIONS``)
    link_relations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # experts-ui: the expert-review step's settings (``supervision.experts.step.ExpertReview``)
    # for a workflow with states tagged ``expert_review``; None: no expert review.
    expert_review: Any = None

    @property
    def name(self) -> str:
        return self.workflow.name

    @property
    def label(self) -> str:
        return self.workflow.label


def load(dotted: str) -> CaseType:
    """``package.module:NAME`` -> the CaseType object it names."""
    module_name, _, attr = dotted.partition(":")
    obj = getattr(importlib.import_module(module_name), attr or "CASE_TYPE")
    if not isinstance(obj, CaseType):
        raise TypeError(f"{dotted} is not a CaseType")
    return obj


def install(app: Flask, names: Sequence[str | CaseType]) -> None:
    """Install the case types named in configuration (in order) into ``app``."""
    types: dict[str, CaseType] = {}
    for entry in names:
        ct = entry if isinstance(entry, CaseType) else load(entry)
        if ct.name in types:
            raise ValueError(f"case type {ct.name!r} installed twice")
        types[ct.name] = ct
    app.extensions["case_types"] = types
    labels = app.extensions.setdefault("action_labels", {})
    for ct in types.values():
        labels.update(ct.labels)
        for item in ct.navigation:
            add_nav(app, item)
        for item in ct.public_links:
            add_public_link(app, item)
        for tab in ct.portal_tabs:
            add_portal_tab(app, tab)
        for bp in ct.blueprints:
            if bp.name not in app.blueprints:
                app.register_blueprint(bp)
        for cmd in ct.commands:
            app.cli.add_command(cmd)
        app.jinja_env.globals.update(ct.template_globals)


def installed() -> dict[str, CaseType]:
    return current_app.extensions.get("case_types", {})


def get(name: str) -> CaseType:
    try:
        return installed()[name]
    except KeyError:
        raise LookupError(f"no installed case type {name!r}") from None


def workflow(name: str) -> Workflow:
    return get(name).workflow


def all_of(attribute: str) -> list[Any]:
    """Every installed case type's entries of a sequence ``attribute``, in installation order."""
    return [item for ct in installed().values() for item in getattr(ct, attribute)]
