"""Incident fixtures: a report through the same service the pages use, and the decision keys
a remediation order is signed with."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.core.timeutil import utcnow
from supervision.incidents import services


@pytest.fixture
def decision_keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


def report(world, *, firm=None, actor=None, severity: int = 1, aware: dt.datetime | None = None,
           source: str = "firm", **values) -> services.Incident:
    """An incident of ``firm`` (firm A) reported by its applicant, aware at ``aware`` (UTC, naive)."""
    firm = firm or world.firm_a
    actor = actor or (world.applicant_a if firm is world.firm_a else world.applicant_b)
    aware = aware or utcnow() - dt.timedelta(minutes=5)
    base = {"what": "A delivery robot touched a pedestrian.", "occurred_at": aware - dt.timedelta(minutes=10),
            "aware_at": aware, "immediate_measures": "Stopped the unit."}
    return services.report_incident(actor=actor, firm_id=firm.id, department_id=world.department.id,
                                    severity=severity, values={**base, **values}, source=source,
                                    title="Collision on Wensan Road")
