"""The pages: a firm reports an incident with the form and sees its clocks on the case; a
regulator reports about a firm; the closed, published summary is on the public register (HTML,
JSON, CSV) with nothing of the report's personal data."""
from __future__ import annotations

import datetime as dt

from supervision.cases.models import Case
from supervision.cases.services import fire
from supervision.extensions import db
from supervision.incidents.models import Incident
from tests.cases.conftest import sign_in
from tests.incidents.conftest import report

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _when(delta_hours: float) -> str:
    return (dt.datetime.now(SHANGHAI) - dt.timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M")


def test_a_firm_reports_an_incident_and_sees_its_clocks(world, web):
    sign_in(web, "a@firm-a.test")
    form = web.get("/incidents/new").get_data(as_text=True)
    assert "When the firm became aware" in form and 'name="firm_id"' not in form
    resp = web.post("/incidents/new", {
        "title": "Robot arm pinched a worker", "what": "The arm closed on a hand.", "occurred_at": _when(3),
        "aware_at": _when(2), "place": "Plant 2", "lon": "120.1", "lat": "30.2", "severity": "1",
        "immediate_measures": "Emergency stop; first aid.", "injuries": "One hand bruised",
        "data_categories": ["images"], "people_affected": "3", "safety_accident": "y",
        "sandbox_case_id": "0"}, token_from="/incidents/new")
    assert resp.status_code == 303, resp.get_data(as_text=True)
    case = db.session.execute(db.select(Case).where(Case.case_type == "incident")).scalar_one()
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Reports owed and their clocks" in page
    assert 'data-clock="follow_up_report"' in page and 'data-clock="final_report"' in page
    assert 'data-report="initial_report"' in page                       # its report is the initial one
    assert "emergency management" in page and "cyberspace authority" in page   # owed elsewhere
    assert case.number in web.get("/incidents").get_data(as_text=True)


def test_a_report_with_awareness_before_the_incident_is_refused(world, web):
    sign_in(web, "a@firm-a.test")
    resp = web.post("/incidents/new", {
        "title": "x", "what": "x", "occurred_at": _when(1), "aware_at": _when(2), "severity": "2",
        "immediate_measures": "x", "sandbox_case_id": "0"}, token_from="/incidents/new")
    assert resp.status_code == 422
    assert "cannot have become aware before" in resp.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Incident.id))).scalar_one() == 0


def test_an_officer_reports_about_a_firm(world, web):
    sign_in(web, "officer@t.test")
    resp = web.post("/incidents/new", {
        "firm_id": str(world.firm_b.id), "title": "Complaint", "what": "A robot blocked a fire exit.",
        "occurred_at": _when(5), "aware_at": _when(4), "severity": "3", "immediate_measures": "None known.",
        "sandbox_case_id": "0"}, token_from="/incidents/new")
    assert resp.status_code == 303
    incident = db.session.execute(db.select(Incident)).scalar_one()
    assert (incident.source, incident.firm_id) == ("regulator", world.firm_b.id)


def test_the_published_summary_is_on_the_register_without_personal_data(world, web, decision_keys):
    incident = report(world, severity=2, injuries="Zhang San, arm", place="No. 5 Wensan Road",
                      data_categories=["images"], people_affected=1)
    hidden = report(world, severity=2)
    case = incident.case
    for trigger, inputs in (("triage", {"severity": "2", "comment": "ok"}), ("start_investigation", {}),
                            ("order_remediation", {"measures": ("Retune sensors",), "reason": "Sensor fault.",
                                                   "deadline": (dt.date.today() + dt.timedelta(days=9)).isoformat()})):
        fire(case, trigger, actor=world.officer, **inputs)
    case.state = "remediation_verified"
    fire(case, "close", actor=world.officer, publish="yes", comment="Closed.",
         public_summary="A robot touched a pedestrian; sensors retuned.")
    db.session.commit()
    data = web.get("/register.json?section=incidents").get_json()
    assert data["total"] == 1
    [entry] = data["entries"]
    assert entry["number"] == case.number and entry["measures"] == "Retune sensors"
    assert set(entry) == {"number", "firm", "occurred_on", "severity", "summary", "measures", "closed_on"}
    html = web.get("/register/incidents").get_data(as_text=True)
    csv_text = web.get("/register/incidents.csv").get_data(as_text=True)
    for text in (html, csv_text):
        assert case.number in text and hidden.case.number not in text
        assert "Zhang San" not in text and "Wensan" not in text
