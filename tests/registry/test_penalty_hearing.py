"""The hearing of a penalty case after it is notified (行政处罚法 Art. 64): the written hearing notice
(听证通知书) issued, signed and served like every notice, on one page; the presiding officer's note
of the party's refusal to sign the record (Art. 64(8)); and the party's absence, which gives up
the hearing (Art. 64(6)).  The decision states each."""
from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.decisions import delivery
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.legal.conftest import pdf_text
from tests.registry.conftest import (PDF, at, bare, fire, make_registration, open_penalty_case, refused,
                                     review_and_discuss, state, to_registered)


def _scheduled(world):
    """A revocation notice, a hearing requested and notified for Monday 16 March 2026, 09:30."""
    reg = make_registration(world, name="ZX-Arm A8")
    with at(2026, 3, 2):
        to_registered(world, reg)
        open_penalty_case(world, reg)
        fire(reg, "notice_revocation", world.officer, reason="隐瞒造成人身伤害的事故。", evidence="商场监控录像")
    with at(2026, 3, 3):
        fire(reg, "request_hearing", world.applicant_a)
        assert refused(reg, "schedule_hearing", world.officer, hearing_date="2026-03-16", hearing_time="9点半",
                       hearing_place="本机关第三会议室", presiding_officer=str(world.dual.id)) == [
            "Give the time of the hearing as hh:mm, for example 09:30."]
        fire(reg, "schedule_hearing", world.officer, hearing_date="2026-03-16", hearing_time="09:30",
             hearing_place="本机关第三会议室", presiding_officer=str(world.dual.id))
    db.session.commit()
    return reg


def _notice(reg) -> Decision:
    return db.session.execute(db.select(Decision).filter_by(case_id=reg.case_id, kind="hearing_notice")).scalar_one()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_hearing_notice_is_issued_on_one_page_with_time_place_presiding_officer_and_rights(
        world, app, tmp_path, language):
    app.config["DECISION_LANGUAGE"] = language
    try:
        reg = _scheduled(world)
    finally:
        app.config["DECISION_LANGUAGE"] = "zh"
    notice = _notice(reg)
    pdf = storage.read(notice.pdf_sha256)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf, tmp_path)
    if language == "zh":
        expected = ("听证通知书", f"听证时间、地点和主持人：2026年3月16日09:30，本机关第三会议室；由未参与本案调查的{bare(world.dual)}主持",
                    "在听证开始前申请回避", "委托一至二人代理", "申辩和质证", "听证公开举行",
                    "涉及国家秘密、商业秘密或者个人隐私的除外", "视为放弃听证权利",
                    "《中华人民共和国行政处罚法》第六十四条")
    else:
        expected = ("NoticeofHearing", "Time,placeandpresidingofficer:09:30on16March2026,本机关第三会议室",
                    f"presidedoverby{bare(world.dual)},whotooknopartininvestigating",
                    "applyforhisorherwithdrawal", "oneortwoagents", "cross-examine", "Thehearingispublic",
                    "itinvolvesstatesecrets,tradesecretsorpersonalprivacy", "deemedtohavegivenupthehearing",
                    "Art.64oftheAdministrativePenaltyLaw")
    for phrase in expected:
        assert phrase in text, phrase


def test_the_hearing_notice_is_served_and_its_service_recorded(world):
    reg = _scheduled(world)
    notice = _notice(reg)
    assert notice.status == "issued" and b"/ByteRange" in storage.read(notice.pdf_sha256)   # signed (PAdES)
    row = db.session.execute(db.select(delivery.ServiceRecord).filter_by(decision_id=notice.id)).scalar_one()
    assert delivery.served_at(notice.id) is None
    receipt = add_document(data=PDF, filename="receipt.pdf", classification="internal", actor=None, case=reg.case)
    delivery.record_postal(row, receipt=receipt, received_on=dt.date(2026, 3, 4), actor=None)
    db.session.commit()
    assert delivery.served_at(notice.id) is not None


def _recorded(world, reg):
    doc = add_document(data=PDF, filename="record.pdf", classification="internal", actor=world.dual, case=reg.case)
    with at(2026, 3, 16):
        fire(reg, "record_hearing", world.dual, comment="听证如期举行，当事人到场陈述。", document=doc)


def _decided(world, reg):
    with at(2026, 3, 17):
        fire(reg, "propose_revocation", world.officer, reason="隐瞒造成人身伤害的事故。", defence_reply="不予采纳。")
        review_and_discuss(world, reg)
        fire(reg, "approve_revocation", world.approver)
    db.session.commit()
    decision = db.session.execute(db.select(Decision).filter_by(case_id=reg.case_id, kind="revocation")).scalar_one()
    return storage.read(decision.pdf_sha256)


def test_the_presiding_officer_notes_a_refusal_to_sign_and_the_procedure_goes_on(world, tmp_path, web):
    reg = _scheduled(world)
    _recorded(world, reg)
    note = "当事人代理人审阅笔录后拒绝签字，亦未盖章。"
    with at(2026, 3, 16):
        for someone in (world.applicant_a, world.officer):
            assert refused(reg, "note_refusal_to_sign", someone, comment=note) == ["Your role may not take this action."]
        fire(reg, "note_refusal_to_sign", world.dual, comment=note)
    assert state(reg.case_id) == "revocation_noticed"
    event = db.session.execute(db.select(AuditEvent).filter_by(case_id=reg.case_id, trigger="note_refusal_to_sign")
                               ).scalar_one()
    assert (event.actor_id, event.reason) == (world.dual.id, note)
    # The legal reviewer reads it on the case page before the review.
    web.login("dual@t.test")
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    hearing = page[page.index('id="penalty-hearing"'):]
    hearing = hearing[:hearing.index("</dd>")]
    assert "The party refused to sign the record; the presiding officer noted it in the record: " + note in hearing
    with at(2026, 3, 17):   # a hearing was held: the legal review cannot be skipped
        fire(reg, "propose_revocation", world.officer, reason="隐瞒事故。", defence_reply="不予采纳。")
        assert "The legal review (Administrative Penalty Law Art. 58) must come before the decision: " \
               "name a legal reviewer and wait for the review." in refused(reg, "approve_revocation", world.approver)
        fire(reg, "return_proposal", world.approver, comment="再议。")
    text = pdf_text(_decided(world, reg), tmp_path)
    assert "听证笔录经你单位审阅，你单位拒绝签字或者盖章，听证主持人已在笔录中注明：" + note in text


def test_the_party_not_attending_gives_up_the_hearing(world, tmp_path, web):
    reg = _scheduled(world)
    note = "当事人经通知无正当理由未到场，等候三十分钟后终止听证。"
    with at(2026, 3, 13):
        assert refused(reg, "record_non_attendance", world.dual, comment=note) == [
            "The hearing is set for 2026-03-16: the party's absence can be recorded from that day."]
    with at(2026, 3, 16):
        assert refused(reg, "record_non_attendance", world.officer, comment=note) == [
            "Your role may not take this action."]
        fire(reg, "record_non_attendance", world.dual, comment=note)
    assert state(reg.case_id) == "revocation_noticed"
    web.login("officer@t.test")
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Record that the party gave up the hearing by not attending" in page and note in page
    with at(2026, 3, 16):
        assert refused(reg, "request_hearing", world.applicant_a) == ["A hearing was already requested."]
    text = pdf_text(_decided(world, reg), tmp_path)
    assert "你单位无正当理由未出席听证" in text and "视为放弃听证权利，本机关终止听证" in text and note in text
    assert "亦未要求听证" not in text
