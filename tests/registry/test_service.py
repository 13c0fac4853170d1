"""Service (送达) of notices and decisions (issue 10, defect 10): electronic service with the
firm's prior written consent, postal service with the return receipt, public announcement; the
defence period runs from the recorded service date, and the case page shows it."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from supervision.cases import clocks
from supervision.cases.models import Case
from supervision.decisions import delivery
from supervision.decisions.models import Decision
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.registry.conftest import PDF, fire, make_registration, to_registered

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d, hour=10):
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def registered(world):
    with at(2026, 4, 1):
        reg = make_registration(world)
        to_registered(world, reg)
    return reg


def notice_of(case_id):
    db.session.commit()
    return db.session.execute(db.select(Decision).filter_by(case_id=case_id, kind="suspension_notice")).scalar_one()


def test_with_consent_the_notice_is_served_on_arrival_and_the_defence_period_runs_from_then(world):
    reg = registered(world)
    consent_doc = add_document(data=PDF, filename="consent.pdf", classification="internal",
                               actor=world.officer, firm_id=world.firm_a.id)
    delivery.record_consent(world.firm_a, document=consent_doc, given_on=dt.date(2026, 3, 1), actor=world.officer)
    with at(2026, 4, 8):
        fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="The filing log.")
    row = db.session.execute(db.select(delivery.ServiceRecord).filter_by(decision_id=notice_of(reg.case_id).id)).scalar_one()
    assert row.method == "electronic" and row.served_at is not None
    case = db.session.get(Case, reg.case_id)
    assert (case.clock_name, case.due_date) == ("defence", dt.date(2026, 4, 15))  # 5 working days


def test_without_consent_the_period_waits_for_the_return_receipt(world, web):
    reg = registered(world)
    with at(2026, 4, 8):
        fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="The filing log.")
    notice = notice_of(reg.case_id)
    row = db.session.execute(db.select(delivery.ServiceRecord).filter_by(decision_id=notice.id)).scalar_one()
    assert row.served_at is None
    assert clocks.find(db.session.get(Case, reg.case_id), "defence") is None
    db.session.commit()
    web.login("officer@t.test")
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "not yet served" in page and "Record service by post" in page
    resp = web.post(f"/registry/cases/{reg.case_id}/service/{row.id}/postal",
                    {"received_on": "2026-04-10", "receipt": (io.BytesIO(PDF), "receipt.pdf")},
                    token_from=f"/cases/{reg.case_id}", content_type="multipart/form-data")
    assert resp.status_code == 303
    db.session.expire_all()
    row = db.session.get(delivery.ServiceRecord, row.id)
    assert row.method == "postal" and row.receipt_document_id is not None
    case = db.session.get(Case, reg.case_id)
    assert (case.clock_name, case.due_date) == ("defence", dt.date(2026, 4, 17))  # from Fri 10 Apr
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "served on 2026-04-10" in page and "Postal service (return receipt)" in page


def test_service_by_announcement_is_deemed_done_after_the_configured_days(world, app):
    reg = registered(world)
    with at(2026, 4, 8):
        fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="The filing log.")
    row = db.session.execute(db.select(delivery.ServiceRecord).filter_by(decision_id=notice_of(reg.case_id).id)).scalar_one()
    with pytest.raises(delivery.ServiceError):
        delivery.record_announcement(row, published_on=dt.date(2026, 4, 9), note=" ", actor=world.officer)
    delivery.record_announcement(row, published_on=dt.date(2026, 4, 9), actor=world.officer,
                                 note="Letters returned undelivered; published in the Hangzhou Daily.")
    assert row.method == "announcement"
    local = row.served_at.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date()
    assert local == dt.date(2026, 5, 9)  # 30 days later
    with pytest.raises(delivery.ServiceError):
        delivery.record_announcement(row, published_on=dt.date(2026, 4, 9), note="again", actor=world.officer)
