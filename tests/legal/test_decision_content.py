"""What adverse decisions state (defects 2, 5, 7, 9): the party with its credit code and address,
the facts and evidence of the prior notice (not the proposal's reason), the defence and the
reasons for rejecting it, the grant's and the registration's numbers, Art. 69's paragraph, Art.
70's item, and the remedy running from receipt, with execution not stopped by a challenge."""
from __future__ import annotations

import re

from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.legal.conftest import pdf_text
from tests.registry.conftest import fire, make_registration, open_penalty_case, review_and_discuss, to_registered

FACTS = "你单位应于2026年3月31日前报送该型号2025年度运行报告，至今未报送。"
EVIDENCE = "年度报告报送记录截图"
DEFENCE = "逾期系负责人员离职交接疏漏所致。"
REPLY = "交接疏漏不构成逾期的正当理由，不予采纳。"


def _text(case, kind: str, tmp_path) -> str:
    db.session.commit()
    decision = [d for d in decisions_of(case) if d.kind == kind][-1]
    # read line by line in the page's order (the plain reading order can set a wrapped line's
    # last characters apart), joined, page numbers out
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path, layout=True)
    return re.sub(r"—\d+—", "", "".join(text.split()))


def _registered(world):
    world.firm_a.address_zh = "杭州市滨江区江南大道100号"
    reg = make_registration(world, name="ZX-Arm A8")
    to_registered(world, reg)
    return reg


def test_a_suspension_states_the_facts_evidence_defence_and_reply(world, tmp_path):
    reg = _registered(world)
    fire(reg, "notice_suspension", world.officer, reason=FACTS, evidence=f"1. {EVIDENCE}\n2. 催报通知")
    notice = _text(reg.case, "suspension_notice", tmp_path)
    assert FACTS in notice and EVIDENCE in notice
    fire(reg, "file_statement", world.applicant_a, comment=DEFENCE)
    fire(reg, "propose_suspension", world.officer, reason="陈述理由不成立。", defence_reply=REPLY,
         requirements="自收到本决定之日起三十日内补报年度运行报告。")
    fire(reg, "approve_suspension", world.approver)
    text = _text(reg.case, "suspension", tmp_path)
    grant = [d for d in decisions_of(reg.case) if d.kind == "grant"][-1]
    for expected in (world.firm_a.credit_code, "杭州市滨江区江南大道100号", "一、认定的事实和证据", FACTS, EVIDENCE,
                     "二、陈述、申辩及采纳情况", DEFENCE, "本机关认为：" + REPLY, "三、决定内容及依据",
                     "四、履行方式和期限", "三十日内补报年度运行报告", grant.number, reg.registration_number,
                     "自收到本决定之日起六个月内", "行政复议或者行政诉讼期间，本决定不停止执行",
                     "《中华人民共和国行政复议法》第四十二条", "《中华人民共和国行政诉讼法》第五十六条"):
        assert expected in text, expected
    assert "陈述理由不成立" not in text  # the proposal's reason is no statement of the facts


def test_a_revocation_is_a_penalty_executed_notwithstanding_a_challenge(world, tmp_path):
    reg = _registered(world)
    open_penalty_case(world, reg)
    fire(reg, "notice_revocation", world.officer, reason="隐瞒造成人身伤害的事故。", evidence="商场监控录像")
    notice = _text(reg.case, "revocation_notice", tmp_path)
    assert "要求举行听证" in notice and "（附注：" in notice and "第六十三条" in notice
    fire(reg, "file_statement", world.applicant_a, comment="事故已事后补报。")
    fire(reg, "propose_revocation", world.officer, reason="经听证，事实清楚。",
         defence_reply="补报发生在本机关调查之后，不能改变隐瞒的事实，不予采纳。")
    review_and_discuss(world, reg)
    fire(reg, "approve_revocation", world.approver)
    text = _text(reg.case, "revocation", tmp_path)
    for expected in ("隐瞒造成人身伤害的事故。", "商场监控录像", "事故已事后补报。", "不能改变隐瞒的事实",
                     "《中华人民共和国行政处罚法》第七十三条", "行政处罚不停止执行", "自收到本决定之日起六个月内"):
        assert expected in text, expected
    assert "经听证，事实清楚" not in text and "第四十三条" not in text and "第九条" not in text


def _rescind(world, reg, ground: str, facts: str, evidence: str, *, defence: str | None = "报告系中介办理。") -> None:
    fire(reg, "notice_rescission", world.officer, reason=facts, rescission_ground=ground, evidence=evidence)
    if defence:
        fire(reg, "file_statement", world.applicant_a, comment=defence)
    fire(reg, "propose_rescission", world.officer, reason=facts, defence_reply="申辩理由不予采纳。",
         public_interest="no_serious_harm")
    fire(reg, "approve_rescission", world.approver)


def test_rescission_cites_art_69_with_its_paragraph_and_the_compensation_path(world, tmp_path, nature):
    nature("licence")
    reg = _registered(world)
    _rescind(world, reg, "improper_means", "检测报告系伪造。", "检测机构复函")
    text = _text(reg.case, "rescission", tmp_path)
    assert "《中华人民共和国行政许可法》第六十九条第二款" in text and "利益不受保护" in text and "赔偿" not in text
    other = _registered(world)
    _rescind(world, other, "conditions_not_met", "申请人不具备申请资格。", "工商登记信息")
    text = _text(other.case, "rescission", tmp_path)
    assert "第六十九条第一款第（四）项" in text and "依法申请赔偿" in text and "第六十九条第四款" in text


def test_deregistration_under_licence_cites_art_70_with_its_item(world, tmp_path, nature):
    nature("licence")
    reg = _registered(world)
    fire(reg, "propose_deregistration", world.officer, reason="依据有关法规应予注销。", ground="other_by_law")
    fire(reg, "approve_deregistration", world.approver)
    text = _text(reg.case, "deregistration", tmp_path)
    assert "第七十条第（六）项" in text and reg.registration_number in text


def test_non_acceptance_has_no_english_beside_the_chinese(world, tmp_path):
    from tests.decisions.conftest import put_in_state
    from supervision.cases import services as cases

    case = world.case()
    put_in_state(case, "submitted")
    cases.fire(case, "not_accept", actor=world.officer, reason="申请事项为医疗器械注册。",
               competent_authority="浙江省药品监督管理局")
    text = _text(case, "non_acceptance", tmp_path)
    assert "Outside" not in text and "remit" not in text and "请向浙江省药品监督管理局申请" in text
