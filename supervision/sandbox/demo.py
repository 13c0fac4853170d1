"""Demo sandbox tests (``flask demo load``): firm A's patrol robots in test by the West Lake, with
a prohibited zone, positions inside and outside (one breach episode) and a report owed; firm B's
draft application.  Made through the services, so the audit trails are real."""
from __future__ import annotations

import datetime as dt
from typing import Any

from supervision.cases import services as cases
from supervision.core.timeutil import local_today, utcnow
from supervision.documents.services import add_document
from supervision.extensions import db
from supervision.geo import services as zones
from supervision.registry.models import Registration
from supervision.cases.models import Case
from supervision.sandbox import fences, services
from supervision.sandbox.models import SandboxTest

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
WEST_LAKE = {"type": "Polygon", "coordinates": [[[120.135, 30.235], [120.165, 30.235], [120.170, 30.255],
                                                 [120.150, 30.268], [120.132, 30.255], [120.135, 30.235]]]}
SCHOOL = {"type": "Polygon", "coordinates": [[[120.160, 30.245], [120.175, 30.245], [120.175, 30.252],
                                              [120.160, 30.252], [120.160, 30.245]]]}


def _units(firm, applicant, admin) -> list[str]:
    """Three coded units of one of the firm's registered models (a prefix first, if need be)."""
    from supervision.units import services as units

    if units.prefix_of(firm) is None:
        units.assign_prefix(firm, actor=admin, prefix="ZX0001" if "智行" in firm.name_zh else "YB0002")
    model = db.session.execute(db.select(Registration).join(Case, Case.id == Registration.case_id).where(
        Case.firm_id == firm.id, Case.state == "registered").order_by(Registration.id).limit(1)).scalar()
    if model is None:
        return []
    batch = units.request_batch(model.model, firm=firm, actor=applicant, size=3)
    return [u.code for u in units.batch_units(batch)]


def load(*, users, bureau, firm_a, firm_b, **_: Any) -> None:
    if db.session.execute(db.select(SandboxTest.id).limit(1)).first():
        return
    applicant, officer, approver = (users["applicant@example.com"], users["officer@example.com"],
                                    users["approver@example.com"])
    zones.create_zone(name="学军小学周边（上下学时段外常设）/ School surroundings", geojson=SCHOOL,
                      valid_from=utcnow() - dt.timedelta(days=30), valid_to=None, actor=officer)
    codes = _units(firm_a, applicant, users["admin@example.com"])
    test = services.open_application(firm_id=firm_a.id, actor=applicant, department_id=bureau.id,
                                     title="西湖景区夜间巡逻机器人测试")
    insurance = add_document(data=PDF, filename="insurance.pdf", classification="confidential", actor=applicant,
                             case=test.case, firm_id=firm_a.id)
    today = local_today()
    services.save_application(test, actor=applicant, values={
        "model_name": "智巡 Patrol-4", "intelligence_level": 4, "scenarios": "安防巡逻 security patrol",
        "sites": "西湖景区 West Lake scenic area", "units_requested": 2, "unit_codes": codes[:2],
        "period_start": today - dt.timedelta(days=20), "period_end": today + dt.timedelta(days=70),
        "supervision_ratio": "1:2", "emergency_stop": True, "remote_takeover": True,
        "insurance_document_id": insurance.id, "data_protection_plan": "人脸即时模糊；轨迹保存180天。",
        "ethics_assessment": "已完成伦理自评估（附件）。", "reporting_cadence_days": 14})
    services.add_area(test, WEST_LAKE, actor=applicant, label="西湖环线 West Lake loop")
    for trigger, actor in (("submit", applicant), ("start_screening", officer), ("send_to_experts", officer),
                           ("experts_done", officer), ("propose_admission", officer),
                           ("approve_admission", approver), ("start", applicant)):
        cases.fire(test.case, trigger, actor=actor)
    if codes:
        now = dt.datetime.now(dt.timezone.utc)
        track = [(120.150, 30.250), (120.155, 30.252), (120.172, 30.262), (120.176, 30.264), (120.156, 30.250)]
        fences.ingest(firm_a, [{"unit": codes[0], "time": (now - dt.timedelta(minutes=30 - 5 * i)).isoformat(),
                                "lon": lon, "lat": lat} for i, (lon, lat) in enumerate(track)])
    draft = services.open_application(firm_id=firm_b.id, actor=users["applicant-b@example.com"],
                                      department_id=bureau.id, title="仓储搬运机器人测试")
    services.save_application(draft, actor=users["applicant-b@example.com"],
                              values={"model_name": "YB-Arm 1", "intelligence_level": 3})
