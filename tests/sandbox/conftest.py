"""Sandbox fixtures: signing keys for decisions, and a test admitted and running (built through
the same services and table as the pages)."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from supervision.cases.services import fire
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.sandbox import services

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SQUARE = {"type": "Polygon", "coordinates": [[[120.10, 30.20], [120.20, 30.20], [120.20, 30.30],
                                              [120.10, 30.30], [120.10, 30.20]]]}


@pytest.fixture
def decision_keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


def coded_units(world) -> dict[int, list[str]]:
    """Three coded units of a registered model for each firm (through the units register)."""
    from supervision.units import services as units
    from tests.registry.conftest import make_registration

    out = {}
    for firm, applicant, prefix, name in ((world.firm_a, world.applicant_a, "A1B2C3", "Patrol A"),
                                          (world.firm_b, world.applicant_b, "B0B0B0", "Patrol B")):
        units.assign_prefix(firm, actor=world.admin, prefix=prefix)
        reg = make_registration(world, firm=firm, actor=applicant, name=name)
        for trigger, actor in (("submit", applicant), ("accept", world.officer), ("start_review", world.officer),
                               ("propose_grant", world.officer), ("approve", world.approver)):
            fire(reg.case, trigger, actor=actor)
        model = reg.model
        batch = units.request_batch(model, firm=firm, actor=applicant, size=3)
        out[firm.id] = [u.code for u in units.batch_units(batch)]
    db.session.commit()
    return out


@pytest.fixture
def codes(world) -> dict[int, list[str]]:
    return coded_units(world)


def complete_plan(world, codes: dict[int, list[str]], *, firm=None, applicant=None) -> services.SandboxTest:
    """A complete draft application of two of the firm's units with one allowed area (the square above)."""
    from supervision.documents.services import add_document

    firm, applicant = firm or world.firm_a, applicant or world.applicant_a
    test = services.open_application(firm_id=firm.id, actor=applicant, department_id=world.department.id,
                                     title="Night patrol robots")
    insurance = add_document(data=PDF, filename="insurance.pdf", classification="confidential",
                             actor=applicant, case=test.case, firm_id=firm.id)
    today = local_today() - dt.timedelta(days=1)  # positions minutes old stay inside just after Beijing midnight
    services.save_application(test, actor=applicant, values={
        "model_name": "Patrol-1", "intelligence_level": 4, "scenarios": "security patrol", "sites": "West Lake",
        "units_requested": 2, "unit_codes": codes[firm.id][:2], "period_start": today,
        "period_end": today + dt.timedelta(days=91), "supervision_ratio": "1:2", "emergency_stop": True,
        "remote_takeover": True, "insurance_document_id": insurance.id, "data_protection_plan": "Blur faces.",
        "ethics_assessment": "Reviewed.", "reporting_cadence_days": 30})
    services.add_area(test, SQUARE, actor=applicant, label="West Lake loop")
    return test


def run_to(world, test, state: str) -> None:
    """Drive the test through the table to ``state`` (admitted or testing)."""
    case = test.case
    steps = [("submit", world.applicant_a if case.firm_id == world.firm_a.id else world.applicant_b, {}),
             ("start_screening", world.officer, {}), ("send_to_experts", world.officer, {}),
             ("experts_done", world.officer, {}), ("propose_admission", world.officer, {}),
             ("approve_admission", world.approver, {}),
             ("start", world.applicant_a if case.firm_id == world.firm_a.id else world.applicant_b, {})]
    for trigger, actor, inputs in steps:
        fire(case, trigger, actor=actor, **inputs)
        if case.state == state:
            break
    db.session.commit()


@pytest.fixture
def running(world, codes, decision_keys):
    test = complete_plan(world, codes)
    run_to(world, test, "testing")
    return test


def upload(data: bytes, name: str = "area.geojson"):
    return (io.BytesIO(data), name)
