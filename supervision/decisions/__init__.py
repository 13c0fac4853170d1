"""Formal decisions and notices: numbered, rendered to PDF, signed, verifiable by anyone.

Case types declare their kinds (``kinds.DecisionKind``); the case engine issues them when their
trigger fires.  ``init_app`` adds the case panel, the admin page for legal bases and the
``flask decisions`` commands.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_case_panel, add_nav, add_public_link
    from supervision.decisions.cli import decisions_cli
    from workflows.base import N_

    add_case_panel(app, "decisions/_case_panel.html")
    add_nav(app, NavItem("decisions.legal_bases", N_("Legal bases"), frozenset({"admin"})))
    add_public_link(app, NavItem("decisions.verify_form", N_("Verify a decision")))
    app.cli.add_command(decisions_cli)

    from supervision.decisions.services import changed_since, changed_since_decision

    app.jinja_env.globals.update(decision_changed=changed_since, case_changed_since_decision=changed_since_decision)
