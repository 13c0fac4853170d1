"""Robot units (Art. 46, DOMAIN §5): codes with a check character, batches and label sheets,
the lifecycle event ledger (GS1 EPCIS 2.0), recalls, the regulators' unit search and the public
verification page.  ``init_app`` adds the pages, navigation, the label-sheet job, the ledger
check of ``flask audit verify`` and ``flask units``.

Module roles: ``codes`` (the coding rules), ``schema`` (the event shape), ``validation`` and
``events`` (the one service that records events; ``csvjobs`` records a long CSV file in a
background job), ``services`` (prefixes, model codes,
batches), ``recalls``, ``labels`` / ``labeljobs`` (the label sheet), ``public`` (what anyone may
learn from a code), ``ledger`` (its verification), ``retention`` (purging old locations).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_nav, add_public_link
    from supervision.public.feed import add_announcements
    from supervision.public.register import add_register_section
    from supervision.units import ledger, register
    # Imported for what importing does: the label and CSV jobs' kinds are registered, the
    # regulators' routes join the blueprint.
    __import__("supervision.units.labeljobs")
    __import__("supervision.units.csvjobs")
    __import__("supervision.units.regulator_views")
    from supervision.units.retention import units_cli
    from supervision.units.views import bp
    from workflows.base import N_
    from workflows.unit_lifecycle import UNIT_LIFECYCLE

    app.config.setdefault("LABEL_SHEET_INLINE_MAX", 240)
    app.config.setdefault("UNIT_CSV_INLINE_ROWS", 5_000)
    app.config.setdefault("UNIT_LOCATION_RETENTION_DAYS", 365)
    app.register_blueprint(bp)
    add_register_section(app, register.SECTION)
    add_announcements(app, register.announcements)
    add_nav(app, NavItem("units.mine", N_("Robot units"), frozenset({"applicant"})))
    add_nav(app, NavItem("units.search", N_("Robot units"), frozenset({"officer", "approver", "auditor"})))
    add_nav(app, NavItem("units.prefixes", N_("Manufacturer prefixes"), frozenset({"admin"})))
    add_public_link(app, NavItem("units.check", N_("Check a robot")))
    app.extensions.setdefault("audit.ledgers", {})["unit events"] = ledger.check_for_cli
    app.cli.add_command(units_cli)
    # The firm's home page shows its codes; the statistics count units by state.
    from supervision.core.navigation import add_portal_tab
    from supervision.units import figures

    add_portal_tab(app, figures.PORTAL_TAB)
    app.extensions.setdefault("statistics", []).extend(figures.STATISTICS)
    app.jinja_env.filters["unit_state"] = lambda state: UNIT_LIFECYCLE.state_label(state)  # N_-marked
