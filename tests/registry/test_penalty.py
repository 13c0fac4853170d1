"""The penalty procedure (issue 10 defect 3; 行政处罚法): 立案 approved by the head with the ninety-day
limit (Arts. 54, 60), two enforcement officers (Art. 42), the hearing on request within five
working days, notified seven working days ahead, presided by someone who did not investigate and
recorded with the party's confirmation (Arts. 63-64, 85), the legal review (Art. 58), the
collective discussion of a serious case (Art. 57) and service within seven working days (Art. 61)."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.decisions import delivery
from supervision.decisions.models import Decision
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.factories import UserFactory
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.registry.conftest import (PDF, at, bare, fire, make_registration, open_penalty_case, refused,
                                     review_and_discuss, state, to_registered)


@pytest.fixture
def registered(world):
    reg = make_registration(world, name="ZX-Arm A8")
    with at(2026, 3, 2):
        to_registered(world, reg)
        db.session.commit()
    return reg


def test_revocation_needs_an_opened_case_approved_by_the_head_with_the_ninety_day_limit(world, registered):
    reg = registered
    with pytest.raises(cases.InvalidTrigger):
        fire(reg, "notice_revocation", world.officer, reason="Concealed.", evidence="Log.")
    with at(2026, 3, 2):
        assert refused(reg, "propose_penalty_case", world.officer, penalty_action="revocation", reason="Concealed.",
                       evidence="Log.", second_officer=str(world.officer.id)) == [
            "A penalty case needs two different enforcement officers (Administrative Penalty Law Art. 42): "
            "name another officer than yourself."]
        fire(reg, "propose_penalty_case", world.officer, penalty_action="revocation", reason="Concealed.",
             evidence="Log.", second_officer=str(world.officer2.id))
        assert state(reg.case_id) == "penalty_case_proposed"
        assert refused(reg, "approve_penalty_case", world.officer) == ["Your role may not take this action."]
        fire(reg, "approve_penalty_case", world.approver)
    assert state(reg.case_id) == "penalty_case_open"
    limit = clocks.find(reg.case, "penalty_limit")
    assert (limit.unit, limit.length, limit.due_date) == ("calendar_days", 90, dt.date(2026, 5, 31))
    officers = [r.user_id for r in cases.roles_on(reg.case, role="enforcement_officer")]
    assert officers == [world.officer.id, world.officer2.id]


def test_the_ninety_day_limit_is_configurable(world, registered, app):
    app.config["CASE_CLOCKS"] = {"registration": {"penalty_limit": {"length": 60}}}
    try:
        with at(2026, 3, 2):
            open_penalty_case(world, registered)
        assert clocks.find(registered.case, "penalty_limit").due_date == dt.date(2026, 5, 1)
    finally:
        app.config["CASE_CLOCKS"] = {}


def test_the_notice_needs_two_officers_and_names_both(world, registered, tmp_path):
    reg = registered
    open_penalty_case(world, reg)
    [second] = [r for r in cases.roles_on(reg.case, role="enforcement_officer") if r.user_id == world.officer2.id]
    cases.end_role(second, actor=world.approver, reason="transferred")
    assert refused(reg, "notice_revocation", world.officer, reason="Concealed.", evidence="Log.") == [
        "Two enforcement officers must be appointed to the case before the notice is issued "
        "(Administrative Penalty Law Art. 42)."]
    assert refused(reg, "appoint_officer", world.officer, officer=str(world.officer.id)) == [
        "This person is already an enforcement officer of the case."]
    fire(reg, "appoint_officer", world.officer, officer=str(world.officer2.id))
    fire(reg, "notice_revocation", world.officer, reason="隐瞒造成人身伤害的事故。", evidence="商场监控录像")
    db.session.commit()
    notice = [d for d in decisions_of(reg.case) if d.kind == "revocation_notice"][-1]
    text = pdf_text(storage.read(notice.pdf_sha256), tmp_path)
    assert f"执法人员{bare(world.officer)}、{bare(world.officer2)}承办" in text


def _noticed(world, reg):
    with at(2026, 3, 2):
        open_penalty_case(world, reg)
        fire(reg, "notice_revocation", world.officer, reason="隐瞒造成人身伤害的事故。", evidence="商场监控录像")
    db.session.commit()


def _serve(reg, on: dt.date) -> None:
    notice = db.session.execute(db.select(Decision).filter_by(case_id=reg.case_id, kind="revocation_notice")).scalar_one()
    row = db.session.execute(db.select(delivery.ServiceRecord).filter_by(decision_id=notice.id)).scalar_one()
    receipt = add_document(data=PDF, filename="receipt.pdf", classification="internal", actor=None, case=reg.case)
    delivery.record_postal(row, receipt=receipt, received_on=on, actor=None)
    db.session.commit()


def test_a_hearing_is_requested_within_five_working_days_of_service(world, registered):
    reg = registered
    _noticed(world, reg)
    _serve(reg, dt.date(2026, 3, 3))   # a Tuesday: five working days run to Tuesday 10 March
    with at(2026, 3, 11):
        assert refused(reg, "request_hearing", world.applicant_a) == [
            "The period to request a hearing (five working days from service of the notice) ended on 2026-03-10."]
    with at(2026, 3, 10):
        fire(reg, "request_hearing", world.applicant_a)
    assert state(reg.case_id) == "hearing"


def test_the_hearing_is_notified_seven_working_days_ahead_by_someone_who_did_not_investigate(world, registered):
    reg = registered
    _noticed(world, reg)
    with at(2026, 3, 3):
        fire(reg, "request_hearing", world.applicant_a)
        # Seven working days from Tuesday 3 March: Thursday 12 March at the earliest.
        assert refused(reg, "schedule_hearing", world.officer, hearing_date="2026-03-11", hearing_time="09:30", hearing_place="第三会议室",
                       presiding_officer=str(world.dual.id)) == [
            "The hearing notice must reach the party at least seven working days before the hearing "
            "(Administrative Penalty Law Art. 64): choose 2026-03-12 or later."]
        assert refused(reg, "schedule_hearing", world.officer, hearing_date="2026-03-12", hearing_time="09:30", hearing_place="第三会议室",
                       presiding_officer=str(world.officer2.id)) == [
            "The presiding officer must not have investigated the case: choose someone who is not one of "
            "its enforcement officers (Administrative Penalty Law Art. 64)."]
        fire(reg, "schedule_hearing", world.officer, hearing_date="2026-03-12", hearing_time="09:30", hearing_place="第三会议室",
             presiding_officer=str(world.dual.id))
    assert state(reg.case_id) == "hearing_scheduled"
    assert [r.user_id for r in cases.roles_on(reg.case, role="presiding_officer")] == [world.dual.id]


def _heard(world, reg):
    _noticed(world, reg)
    with at(2026, 3, 3):
        fire(reg, "request_hearing", world.applicant_a)
        fire(reg, "schedule_hearing", world.officer, hearing_date="2026-03-16", hearing_time="09:30", hearing_place="第三会议室",
             presiding_officer=str(world.dual.id))
    doc = add_document(data=PDF, filename="record.pdf", classification="internal", actor=world.dual, case=reg.case)
    return doc


def test_the_presiding_officer_records_the_hearing_and_the_party_confirms_it(world, registered):
    reg = registered
    doc = _heard(world, reg)
    with at(2026, 3, 16):
        assert refused(reg, "record_hearing", world.officer, comment="听证笔录。", document=doc) == [
            "Your role may not take this action."]
        fire(reg, "record_hearing", world.dual, comment="听证于2026年5月20日举行，当事人到场陈述。", document=doc)
        assert state(reg.case_id) == "hearing_recorded"
        with pytest.raises(cases.InvalidTrigger):  # the case waits for the party's confirmation
            fire(reg, "propose_revocation", world.officer, reason="x", defence_reply="y")
        assert refused(reg, "confirm_hearing_record", world.applicant_a, confirmation="objections") == [
            "State your objections to the record."]
        fire(reg, "confirm_hearing_record", world.applicant_a, confirmation="objections",
             comment="笔录遗漏了我方提交的补报记录。")
    assert state(reg.case_id) == "revocation_noticed"


def test_the_legal_review_and_the_collective_discussion_come_before_the_decision(world, registered, tmp_path):
    reg = registered
    doc = _heard(world, reg)
    with at(2026, 3, 16):
        fire(reg, "record_hearing", world.dual, comment="听证于2026年5月20日举行，当事人到场陈述。", document=doc)
        fire(reg, "confirm_hearing_record", world.applicant_a, confirmation="confirmed")
        fire(reg, "propose_revocation", world.officer, reason="隐瞒造成人身伤害的事故。",
             defence_reply="听证中提出的补报发生在调查之后，不予采纳。")
        assert refused(reg, "approve_revocation", world.approver) == [
            "The legal review (Administrative Penalty Law Art. 58) must come before the decision: "
            "name a legal reviewer and wait for the review.",
            "A serious case is decided after a collective discussion (Administrative Penalty Law Art. 57): "
            "record it first."]
        assert refused(reg, "appoint_legal_reviewer", world.approver, legal_reviewer=str(world.officer2.id)) == [
            "The legal reviewer must not be one of the case's enforcement officers."]
        reviewer = UserFactory(email="legal@t.test", organisation=world.department, roles=["approver"], name="法规处王审核")
        fire(reg, "appoint_legal_reviewer", world.approver, legal_reviewer=str(reviewer.id))
        assert refused(reg, "legal_review", world.dual, legal_opinion="lawful", reason="x") == [
            "Your role may not take this action."]
        fire(reg, "legal_review", reviewer, legal_opinion="not_lawful", reason="证据目录缺少监控录像的提取记录。")
        assert "The legal review found the proposal wanting: return it to the officer." in \
            refused(reg, "approve_revocation", world.approver)
        fire(reg, "legal_review", reviewer, legal_opinion="lawful", reason="补充提取记录后，事实清楚，程序合法。")
        assert refused(reg, "approve_revocation", world.approver) == [
            "A serious case is decided after a collective discussion (Administrative Penalty Law Art. 57): "
            "record it first."]
        fire(reg, "record_discussion", world.approver, discussion_date="2026-03-16",
             participants="局长、分管副局长、法规处处长", conclusion="同意吊销该产品注册。")
        fire(reg, "approve_revocation", world.approver)
    assert state(reg.case_id) == "revoked"
    db.session.commit()
    decision = [d for d in decisions_of(reg.case) if d.kind == "revocation"][-1]
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    for expected in (f"执法人员{bare(world.officer)}、{bare(world.officer2)}承办", "经本机关负责人批准立案",
                     f"由未参与本案调查的{bare(world.dual)}主持", "听证笔录经你单位确认无误",
                     f"经{bare(reviewer)}法制审核", "补充提取记录后，事实清楚，程序合法",
                     "经本机关负责人集体讨论决定", "同意吊销该产品注册"):
        assert expected in text, expected
    # Art. 61: no electronic service consent, so the decision is owed service within 7 working days.
    service = clocks.find(reg.case, "service")
    assert (service.unit, service.length, service.due_date) == ("working_days", 7, dt.date(2026, 3, 25))


def test_service_on_record_meets_the_service_deadline(world, registered):
    reg = registered
    consent = add_document(data=PDF, filename="consent.pdf", classification="internal", actor=world.officer,
                           firm_id=world.firm_a.id)
    delivery.record_consent(world.firm_a, document=consent, given_on=dt.date(2026, 3, 1), actor=world.officer)
    open_penalty_case(world, reg)
    fire(reg, "notice_revocation", world.officer, reason="隐瞒事故。", evidence="监控录像")
    fire(reg, "file_statement", world.applicant_a, comment="已补报。")
    fire(reg, "propose_revocation", world.officer, reason="隐瞒事故。", defence_reply="不予采纳。")
    review_and_discuss(world, reg)
    fire(reg, "approve_revocation", world.approver)
    db.session.commit()
    assert clocks.find(reg.case, "service") is None   # served electronically on issue


def test_under_filing_a_suspension_is_no_penalty_and_under_licence_it_is(world, registered, nature):
    reg = registered
    fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="Register.")
    fire(reg, "drop_action", world.officer, reason="Report received.")
    nature("licence")
    assert refused(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="Register.") == [
        "Under licence a suspension is an administrative penalty: open a penalty case first."]
    open_penalty_case(world, reg, action="suspension")
    assert refused(reg, "notice_revocation", world.officer, reason="x", evidence="y") == [
        "This penalty case was not opened for a revocation."]
    fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="Register.")
    fire(reg, "file_statement", world.applicant_a, comment="Filed late.")
    fire(reg, "propose_suspension", world.officer, reason="Overdue.", defence_reply="Late is late.")
    # No hearing, not serious by default: neither a legal review nor a discussion is required.
    fire(reg, "approve_suspension", world.approver)
    assert state(reg.case_id) == "suspended"
    assert clocks.find(reg.case, "penalty_limit") is None


def test_a_suspension_is_discussed_when_configured_serious(world, registered, nature, app):
    nature("licence")
    app.config["PENALTY_COLLECTIVE_DISCUSSION"] = ("revocation", "suspension")
    try:
        reg = registered
        open_penalty_case(world, reg, action="suspension")
        fire(reg, "notice_suspension", world.officer, reason="Overdue.", evidence="Register.")
        fire(reg, "file_statement", world.applicant_a, comment="Filed late.")
        fire(reg, "propose_suspension", world.officer, reason="Overdue.", defence_reply="Late is late.")
        assert refused(reg, "approve_suspension", world.approver) == [
            "A serious case is decided after a collective discussion (Administrative Penalty Law Art. 57): "
            "record it first."]
        fire(reg, "record_discussion", world.approver, discussion_date="2026-03-16", participants="局务会",
             conclusion="同意暂停。")
        fire(reg, "approve_suspension", world.approver)
        assert state(reg.case_id) == "suspended"
    finally:
        app.config.pop("PENALTY_COLLECTIVE_DISCUSSION", None)


def test_the_case_page_names_the_last_day_to_request_a_hearing_and_offers_the_presiding_officers(
        world, registered, web):
    reg = registered
    _noticed(world, reg)
    _serve(reg, dt.date(2026, 3, 3))
    with at(2026, 3, 11):
        web.login("a@firm-a.test")
        page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The period to request a hearing (five working days from service of the notice) ended on 2026-03-10." in page
    with at(2026, 3, 10):
        fire(reg, "request_hearing", world.applicant_a)
        db.session.commit()
        web.login("officer@t.test")
        page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # The department's officers and approvers are offered; the guard refuses an enforcement officer.
    form = page[page.index('name="presiding_officer"'):]
    form = form[:form.index("</select>")]
    for user in (world.dual, world.approver, world.officer2):
        assert f'value="{user.id}"' in form
    assert f'value="{world.other_officer.id}"' not in form
