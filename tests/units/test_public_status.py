"""A unit's public page and its API twin show its model's certificate and the sandbox test the
unit is admitted to (issue 11: "certificate status, sandbox status when there is one")."""
from __future__ import annotations

import datetime as dt

from supervision.certificates import services as certificates
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.units.models import Unit
from tests.factories import CertificationBodyFactory, certifier
from tests.sandbox.conftest import codes, complete_plan, decision_keys, run_to  # noqa: F401  (fixtures)


def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_unit_without_certificate_or_test_says_so(app, world, codes, client):
    _english(client)
    code = codes[world.firm_a.id][0]
    data = client.get(f"/api/v1/units/{code}").get_json()
    assert data["certificate"] is None and data["sandbox"] is None
    assert "No certificate recorded" in client.get(f"/units/{code}").get_data(as_text=True)


def test_the_certificate_of_the_units_model_is_shown_with_its_status(app, world, codes, client):
    _english(client)
    code = codes[world.firm_a.id][0]
    model = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one().model
    body = CertificationBodyFactory(name_zh="浙江认证中心", name_en="Zhejiang Cert Centre")
    cert = certificates.record_certificate(
        actor=certifier(body, email="cert@body.test"), model=model, number="ZJ-2026-1", standards="GB 4943.1-2022",
        scope="Indoor guide robots", valid_from=local_today() - dt.timedelta(days=10),
        valid_until=local_today() + dt.timedelta(days=700), outcome="issue", reason="Passed the audit.")
    db.session.commit()
    data = client.get(f"/api/v1/units/{code}").get_json()
    assert data["certificate"]["number"] == "ZJ-2026-1" and data["certificate"]["status"] == "valid"
    page = client.get(f"/units/{code}").get_data(as_text=True)
    assert "ZJ-2026-1" in page and "Valid" in page
    certificates.change_state(cert, "suspend", actor=certifier(body, email="cert2@body.test"),
                              reason="Audit finding.")
    db.session.commit()
    assert client.get(f"/api/v1/units/{code}").get_json()["certificate"]["status"] == "suspended"


def test_a_unit_in_a_sandbox_test_shows_the_test_and_another_unit_does_not(app, world, codes, client, decision_keys):
    _english(client)
    test = complete_plan(world, codes)
    run_to(world, test, "testing")
    inside, outside = codes[world.firm_a.id][0], codes[world.firm_a.id][2]
    data = client.get(f"/api/v1/units/{inside}").get_json()
    assert data["sandbox"]["case"] == test.case.number and data["sandbox"]["status"] == "testing"
    assert "Testing" in client.get(f"/units/{inside}").get_data(as_text=True)
    assert client.get(f"/api/v1/units/{outside}").get_json()["sandbox"] is None
