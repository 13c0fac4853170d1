"""The regulators' workbench: the queue at ``/cases`` (tabs with bounded counts, filters, sorts,
search, keyset paging), bulk claim and assignment, saved views and exports of the queue.

Nothing here names a case type: what a case type adds (its model and tier, its search, its
columns) comes from its ``CaseType`` (``queue_subject``, ``queue_columns``)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.workbench import models  # noqa: F401  (the saved views table)
    from supervision.workbench.services import round_robin
    from supervision.workbench.views import bp

    app.register_blueprint(bp)
    app.extensions.setdefault("case_arrivals", []).append(round_robin)
    app.extensions.setdefault("action_labels", {}).update({
        "queue.view_save": models.N_("Queue view saved"),
        "queue.view_delete": models.N_("Queue view deleted"),
    })
