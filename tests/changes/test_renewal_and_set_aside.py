"""What a change or renewal leaves in writing and on the register (issue 10, defect 12 with 10 and
11): a renewal deemed granted (行政许可法 Art. 50 ¶2) is certified by a served notice and the register
shows the new term; a grant set aside on reconsideration takes the change case back to be decided
anew and puts the registration's previous particulars back on the register, audited."""
from __future__ import annotations

import datetime as dt
import io

import time_machine

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.core.actors import SYSTEM
from supervision.changes import services
from supervision.decisions import outcomes
from supervision.decisions.delivery import ServiceRecord
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.changes.conftest import accept, apply_change, registered
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(y: int, m: int, d: int, hour: int = 10):
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def _issued(case_id: int, kind: str) -> list[Decision]:
    return list(db.session.execute(db.select(Decision).filter_by(case_id=case_id, kind=kind)).scalars())


def _entry(client, model: str) -> dict | None:
    entries = client.get("/register.json?section=registered").get_json()["entries"]
    return next((e for e in entries if e["model"] == model), None)


def test_a_deemed_renewal_is_certified_served_and_shown_on_the_register(world, nature, client, tmp_path):
    nature("licence")
    with at(2026, 3, 2):
        reg = registered(world)
    assert _entry(client, "ZX-Arm A1")["valid_until"] == "2029-03-01"
    with at(2029, 1, 15):
        app = services.apply_for_renewal(reg, actor=world.applicant_a)
        accept(world, app)
    with at(2029, 3, 3):
        assert services.deem_overdue_renewals(actor=SYSTEM) == 1
        db.session.commit()
    assert app.case.state == "renewed"
    [notice] = _issued(app.case_id, "renewal_deemed")
    text = pdf_text(storage.read(notice.pdf_sha256), tmp_path)
    assert "视为准予延续通知书" in text and reg.registration_number in text
    assert "第五十条第二款" in text and "延续至2032年3月1日" in text and "未作出是否准予延续的决定" in text
    assert db.session.execute(db.select(ServiceRecord).filter_by(decision_id=notice.id)).scalar() is not None
    assert _entry(client, "ZX-Arm A1")["valid_until"] == "2032-03-01"
    page = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Registration valid until" in page and "2032-03-01" in page


def _set_aside(world, decision: Decision):
    doc = add_document(data=PDF, filename="fuyi.pdf", classification="internal", actor=world.officer,
                       case=decision.case)
    outcomes.record_outcome(decision, actor=world.officer, route="reconsideration", outcome="set_aside",
                            body="杭州市人民政府", body_document_number="杭政复决〔2026〕31号",
                            decided_on=dt.date(2026, 11, 20), document=doc)
    db.session.commit()


def test_a_change_grant_set_aside_restores_the_previous_particulars(world, client):
    reg = registered(world)
    previous_version = reg.version_id
    app = accept(world, apply_change(world, reg, form_factor="mobile_manipulator"))
    cases.fire(app.case, "propose_grant", actor=world.officer)
    cases.fire(app.case, "approve", actor=world.approver)
    db.session.commit()
    assert _entry(client, "ZX-Arm A1 Pro")["form_factor"] == "mobile_manipulator"
    [grant] = _issued(app.case_id, "change_grant")
    _set_aside(world, grant)
    db.session.expire_all()
    assert db.session.get(Case, app.case_id).state == "accepted"       # to be decided anew
    assert grant.status == "set_aside"
    assert reg.version_id == previous_version and reg.model.name == "ZX-Arm A1"
    assert _entry(client, "ZX-Arm A1 Pro") is None
    assert _entry(client, "ZX-Arm A1")["form_factor"] == "wheeled"
    undone = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.case_id == reg.case_id, AuditEvent.action == "changes.change_undone")).scalar()
    assert undone is not None and app.case.number in undone.details


def test_a_renewal_grant_set_aside_restores_the_previous_term(world, client):
    with at(2026, 3, 2):
        reg = registered(world)
    with at(2029, 1, 15):
        app = accept(world, services.apply_for_renewal(reg, actor=world.applicant_a))
        cases.fire(app.case, "propose_grant", actor=world.officer)
        cases.fire(app.case, "approve", actor=world.approver)
        db.session.commit()
    assert reg.expires_on == dt.date(2032, 3, 2)
    [grant] = _issued(app.case_id, "renewal_grant")
    _set_aside(world, grant)
    db.session.expire_all()
    assert db.session.get(Case, app.case_id).state == "accepted"
    assert reg.expires_on == dt.date(2029, 3, 2)
    assert _entry(client, "ZX-Arm A1")["valid_until"] == "2029-03-01"


def test_a_refusal_set_aside_takes_the_case_back_to_be_decided_anew(world):
    reg = registered(world)
    app = accept(world, apply_change(world, reg))
    cases.fire(app.case, "propose_refusal", actor=world.officer, reason="材料不能证明变更后仍符合注册条件。")
    cases.fire(app.case, "approve", actor=world.approver)
    db.session.commit()
    [refusal] = _issued(app.case_id, "change_refusal")
    _set_aside(world, refusal)
    db.session.expire_all()
    assert db.session.get(Case, app.case_id).state == "accepted"
    assert reg.model.name == "ZX-Arm A1"
