"""The regulators' dashboard and the industry statistics (Art. 33): figures read from the shared
case tables and contributed by the installed domains, charts rendered as SVG on the server,
exports as CSV and XLSX.  Names no case type."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_nav
    from supervision.dashboard.views import bp
    from workflows.base import N_

    app.register_blueprint(bp)
    add_nav(app, NavItem("dashboard.index", N_("Dashboard"), frozenset({"officer", "approver", "auditor", "admin"})))
    add_nav(app, NavItem("dashboard.statistics", N_("Statistics"), frozenset({"officer", "approver", "auditor", "admin"})))
