"""Formal decisions and notices: numbered, rendered to PDF, signed, verifiable by anyone.

Case types declare their kinds (``kinds.DecisionKind``); the case engine issues them when their
trigger fires.  ``init_app`` adds the case panel, the legal-bases pages (``supervision.legal``) and the
``flask decisions`` commands, and answers a decision that cannot be issued (``DecisionError``,
raised while a transition applies) with a 422 page naming why: the request's unit of work rolls
back, so the transition is not half-applied.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_case_panel, add_nav, add_public_link
    from supervision import legal
    from supervision.decisions.cli import decisions_cli
    from workflows.base import N_

    add_case_panel(app, "decisions/_case_panel.html", tab="decisions")
    legal.init_app(app)  # the legal bases decisions cite, and their admin pages
    add_public_link(app, NavItem("decisions.verify_form", N_("Verify a decision")))
    add_nav(app, NavItem("decisions.consent", N_("Electronic service"), frozenset({"applicant"})))
    app.cli.add_command(decisions_cli)

    from supervision.decisions.services import DecisionError, changed_since, changed_since_decision

    @app.errorhandler(DecisionError)
    def _not_issued(err: DecisionError):
        from supervision.core.errors import render_error
        from supervision.core.i18n import label

        return render_error(422, label(str(err)))

    app.jinja_env.globals.update(decision_changed=changed_since, case_changed_since_decision=changed_since_decision)
