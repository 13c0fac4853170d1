"""The expert pool (Art. 8): experts and their conflicts, recorded draws anyone can replay,
"my assignments" and structured opinions.  ``init_app`` adds the pages, the case panel, the
navigation entries and the ``flask experts`` commands."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.core.navigation import NavItem, add_case_panel, add_nav
    from supervision.experts.cli import experts_cli
    from supervision.experts.models import RECOMMENDATION_LABELS
    from supervision.experts.views import bp, panel_for
    from workflows.base import N_

    app.register_blueprint(bp)
    add_case_panel(app, "experts/_case_panel.html")
    add_nav(app, NavItem("experts.assignments", N_("My assignments"), frozenset({"expert"})))
    add_nav(app, NavItem("experts.admin", N_("Expert pool"), frozenset({"admin"})))
    app.jinja_env.globals.update(expert_panel=panel_for, expert_recommendations=RECOMMENDATION_LABELS)
    app.cli.add_command(experts_cli)
