"""Rescission (撤销, issue 10 defect 5): a prior notice with the ground, the facts and evidence and
the right to state a defence first; the decision answers the defence; Art. 69 ¶3 (serious harm to
the public interest) bars it."""
from __future__ import annotations

import pytest

from supervision.cases import services as cases
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.registry.conftest import fire, make_registration, state, to_registered

FACTS = "你单位申请注册时提交的检测报告经出具机构书面确认并非其出具。"


def _registered(world):
    reg = make_registration(world, name="ZX-Arm A10")
    to_registered(world, reg)
    return reg


def _kind(case, kind: str, tmp_path) -> str:
    db.session.commit()
    decision = [d for d in decisions_of(case) if d.kind == kind][-1]
    return pdf_text(storage.read(decision.pdf_sha256), tmp_path)


def test_no_rescission_without_prior_notice_and_a_chance_to_state_a_defence(world, tmp_path, nature):
    nature("licence")
    reg = _registered(world)
    with pytest.raises(cases.InvalidTrigger):               # no longer proposed straight away
        fire(reg, "propose_rescission", world.officer, reason=FACTS, defence_reply="-", public_interest="no_serious_harm")
    fire(reg, "notice_rescission", world.officer, reason=FACTS, rescission_ground="improper_means",
         evidence="检测机构复函")
    notice = _kind(reg.case, "rescission_notice", tmp_path)
    assert FACTS in notice and "检测机构复函" in notice and "陈述、申辩的权利" in notice
    assert "以欺骗、贿赂等不正当手段取得注册" in notice and "拟撤销" in notice
    with pytest.raises(cases.TransitionRefused):            # the defence period is still open
        fire(reg, "propose_rescission", world.officer, reason=FACTS, defence_reply="不予采纳。",
             public_interest="no_serious_harm")
    fire(reg, "file_statement", world.applicant_a, comment="报告系委托中介机构办理，我司不知情。")
    fire(reg, "propose_rescission", world.officer, reason=FACTS,
         defence_reply="申请人对申请材料的真实性负责，申辩理由不予采纳。", public_interest="no_serious_harm")
    fire(reg, "approve_rescission", world.approver)
    assert state(reg.case_id) == "rescinded"
    text = _kind(reg.case, "rescission", tmp_path)
    for expected in ("《撤销注册事先告知书》", FACTS, "报告系委托中介机构办理，我司不知情。",
                     "本机关认为：申请人对申请材料的真实性负责", "不会对公共利益造成重大损害",
                     "《中华人民共和国行政许可法》第六十九条第二款", "利益不受保护"):
        assert expected in text, expected
    assert "赔偿" not in text


def test_serious_harm_to_the_public_interest_bars_rescission(world):
    reg = _registered(world)
    fire(reg, "notice_rescission", world.officer, reason=FACTS, rescission_ground="procedure_breached",
         evidence="审批记录")
    fire(reg, "file_statement", world.applicant_a, comment="该产品已用于城市应急救援。")
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "propose_rescission", world.officer, reason=FACTS, defence_reply="经核实属实。",
             public_interest="serious_harm")
    assert "public interest" in refused.value.reasons[0]
    assert state(reg.case_id) == "rescission_noticed"
    fire(reg, "drop_action", world.officer, reason="撤销将对城市应急救援造成重大损害，依法不予撤销。")
    assert state(reg.case_id) == "registered"


def test_the_findings_cover_every_ground():
    from supervision.registry.decision_facts import (DEREGISTRATION_FINDINGS, RESCISSION_FINDINGS)
    from workflows.registration import DEREGISTRATION_GROUNDS, RESCISSION_GROUNDS

    assert set(RESCISSION_FINDINGS) == {g for g, _ in RESCISSION_GROUNDS}
    assert set(DEREGISTRATION_FINDINGS) == {g for g, _ in DEREGISTRATION_GROUNDS}
