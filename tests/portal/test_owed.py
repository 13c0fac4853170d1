"""The firm's list of what it owes: the remediation an incident's or a conduct case's order
requires shows there with its countdown."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from supervision.cases.services import fire
from supervision.core.timeutil import local_today
from supervision.extensions import db
from tests.conftest import Browser
from tests.conduct.conftest import open_case, to_findings
from tests.incidents.conftest import report


@pytest.fixture
def decision_keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


def _row(html: str, case_id: int, deadline: str) -> str:
    match = re.search(rf'<tr class="[^"]*" data-case="{case_id}" data-deadline="{deadline}">(.*?)</tr>', html, re.S)
    assert match, f"no owed row for case {case_id} / {deadline}"
    return match.group(1)


def test_the_firm_owes_the_remediation_of_an_incident_and_of_a_conduct_case(app, world, web, decision_keys):
    incident = report(world, severity=3)
    fire(incident.case, "triage", actor=world.officer, severity="3", comment="Confirmed.")
    fire(incident.case, "start_investigation", actor=world.officer)
    fire(incident.case, "order_remediation", actor=world.officer, measures=("Retune obstacle distance",),
         deadline=(local_today() + dt.timedelta(days=20)).isoformat(), reason="Too close.")
    conduct = to_findings(world, open_case(world))
    fire(conduct, "propose_remediation", actor=world.officer, measures=("Delete stored faces",),
         deadline=(local_today() + dt.timedelta(days=30)).isoformat(), reason="Kept without notice.")
    fire(conduct, "approve_remediation", actor=world.approver)
    db.session.commit()

    web.login(world.applicant_a.email)
    html = web.get("/firm").get_data(as_text=True)
    incident_row = _row(html, incident.case_id, "remediation")   # pages are in Chinese by default
    assert "剩余20天" in incident_row and incident.case.number in incident_row
    conduct_row = _row(html, conduct.id, "remediation")
    assert "剩余30天" in conduct_row and conduct.number in conduct_row
    assert 'data-kind="remediation"' in conduct_row

    other = Browser(app.test_client())
    other.login(world.applicant_b.email)
    assert incident.case.number not in other.get("/firm").get_data(as_text=True)
