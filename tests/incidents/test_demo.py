"""The demo's incidents: one opened by the West Lake breach, one with remediation ordered, one
dismissed and one closed and published on the register."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.extensions import db
from supervision.incidents.models import Incident


def test_the_demo_has_incidents_in_several_states_one_opened_by_the_breach(demo_data, web):
    rows = db.session.execute(db.select(Incident.source, Case.state).join(Case, Case.id == Incident.case_id)
                              .order_by(Incident.id)).all()
    assert ("breach", "reported") in rows
    assert {state for _source, state in rows} >= {"reported", "remediation_required", "dismissed", "closed"}
    data = web.get("/register.json?section=incidents").get_json()
    assert data["total"] == 1 and "台阶" in data["entries"][0]["summary"]
