"""The firm's home page (its portal): what it owes across all its cases, and the tabs the
domains contribute (its models and registrations, codes issued, sandbox tests …)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_case_flags, add_nav
    from supervision.portal.owed import overdue_report_flags
    from supervision.portal.views import bp
    from workflows.base import N_

    app.register_blueprint(bp)
    add_nav(app, NavItem("portal.index", N_("My firm"), frozenset({"applicant"})))
    add_case_flags(app, overdue_report_flags)  # an overdue report shows on the regulators' list
