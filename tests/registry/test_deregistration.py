"""Deregistration (注销, issue 10 defect 4): the grounds are one list per legal nature (licence:
行政许可法 Art. 70; filing: also the firm's withdrawal), "expired" only past the registration's
term, two people decide it, and on a rescinded or revoked case it is recorded there without the
case leaving its final state."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.cases import services as cases
from supervision.cases.presenters import actions
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.registry.conftest import fire, make_registration, revoke, state, to_registered

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _registered(world):
    reg = make_registration(world, name="ZX-Arm A11")
    to_registered(world, reg)
    db.session.commit()
    return reg


def _offered_grounds(reg, user) -> list[str]:
    row = next(tr for tr, _why in actions(reg.case, user) if tr.trigger == "propose_deregistration")
    return [value for value, _label in next(f for f in row.fields if f.name == "ground").choices]


def _deregistrations(case) -> list:
    db.session.commit()
    return [d for d in decisions_of(case) if d.kind == "deregistration"]


def test_the_grounds_offered_are_those_of_the_nature(world, nature):
    reg = _registered(world)
    nature("licence")
    assert _offered_grounds(reg, world.officer) == ["terminated", "force_majeure", "other_by_law"]
    with pytest.raises(cases.TransitionRefused):
        fire(reg, "propose_deregistration", world.officer, reason="企业申请注销。", ground="firm_withdrawal")
    nature("filing")
    assert _offered_grounds(reg, world.officer) == ["terminated", "force_majeure", "other_by_law", "firm_withdrawal"]
    fire(reg, "propose_deregistration", world.officer, reason="企业书面申请注销备案。", ground="firm_withdrawal")
    assert state(reg.case_id) == "deregistration_proposed"


def test_expired_only_past_the_registrations_term(world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        reg = _registered(world)
        with pytest.raises(cases.TransitionRefused):
            fire(reg, "propose_deregistration", world.officer, reason="期满。", ground="expired")
        assert "expired" not in _offered_grounds(reg, world.officer)
    with time_machine.travel(dt.datetime(2029, 3, 1, 10, tzinfo=SHANGHAI), tick=False):
        assert "expired" not in _offered_grounds(reg, world.officer)  # the last day of the term
    with time_machine.travel(dt.datetime(2029, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        assert "expired" in _offered_grounds(reg, world.officer)
        fire(reg, "propose_deregistration", world.officer, reason="注册有效期届满，企业未申请延续。", ground="expired")
        fire(reg, "approve_deregistration", world.approver)
        assert state(reg.case_id) == "deregistered"


def test_deregistration_is_proposed_and_approved_by_two_people(world, tmp_path):
    reg = _registered(world)
    fire(reg, "propose_deregistration", world.officer, reason="该型号已停产，企业书面申请注销备案。",
         ground="firm_withdrawal")
    assert _deregistrations(reg.case) == []               # nothing issued on a proposal
    fire(reg, "return_proposal", world.approver, comment="请补充企业书面申请。")
    assert state(reg.case_id) == "registered"
    fire(reg, "propose_deregistration", world.officer, reason="该型号已停产，企业书面申请注销备案。",
         ground="firm_withdrawal")
    fire(reg, "approve_deregistration", world.approver)
    assert state(reg.case_id) == "deregistered"
    [decision] = _deregistrations(reg.case)
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "经查，你单位已书面申请撤回该产品的备案。" in text and "该型号已停产，企业书面申请注销备案。" in text
    assert "申请注销。企业申请注销" not in text and reg.registration_number in text


def test_a_return_goes_back_to_the_suspension_it_came_from(world):
    reg = _registered(world)
    fire(reg, "notice_suspension", world.officer, reason="逾期未报送年度报告。", evidence="报送记录")
    fire(reg, "file_statement", world.applicant_a, comment="交接疏漏。")
    fire(reg, "propose_suspension", world.officer, reason="理由不成立。", defence_reply="不予采纳。")
    fire(reg, "approve_suspension", world.approver)
    fire(reg, "propose_deregistration", world.officer, reason="企业已依法注销。", ground="terminated")
    fire(reg, "return_proposal", world.approver, comment="请附登记机关证明。")
    assert state(reg.case_id) == "suspended"


def _revoked(world):
    reg = _registered(world)
    revoke(world, reg)
    return reg


def test_after_revocation_the_deregistration_is_recorded_on_the_ended_case(world, tmp_path, nature):
    nature("licence")
    reg = _revoked(world)
    assert _offered_grounds(reg, world.officer) == ["revoked"]
    with pytest.raises(cases.TransitionRefused):
        fire(reg, "propose_deregistration", world.officer, reason="企业已依法注销。", ground="terminated")
    fire(reg, "propose_deregistration", world.officer, reason="注册已被吊销。", ground="revoked")
    assert state(reg.case_id) == "revoked"
    with pytest.raises(cases.TransitionRefused):           # one proposal at a time
        fire(reg, "propose_deregistration", world.officer, reason="注册已被吊销。", ground="revoked")
    fire(reg, "approve_deregistration", world.approver)
    assert state(reg.case_id) == "revoked"                 # it stays in its final state
    [decision] = _deregistrations(reg.case)
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "第七十条第（四）项" in text
    revocation = [d for d in decisions_of(reg.case) if d.kind == "revocation"][-1]
    assert revocation.status == "issued"                   # the revocation stands beside it
    with pytest.raises(cases.TransitionRefused):           # and it is deregistered once
        fire(reg, "propose_deregistration", world.officer, reason="注册已被吊销。", ground="revoked")
