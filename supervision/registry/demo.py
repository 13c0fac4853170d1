"""Demo registrations: models in all four tiers and one case in every state of the
registration workflow, all made through the services (so their audit trails are real), in
the unit of work of ``flask demo load``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from supervision.cases import services as cases
from supervision.core.timeutil import local_today
from supervision.documents.services import add_document
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.models import RobotModel
from supervision.certificates import demo as certificates_demo

# A one-page PDF: enough for the content check of uploads (evidence, hearing record).
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")

SPECS: dict[int, dict[str, Any]] = {
    # L1 + S1 = 0 -> tier 1
    1: dict(manufacturer="杭州智行机器人有限公司", form_factor="arm", intelligence_level=1,
            scenarios=["manufacturing"], mass_kg=Decimal("15"), max_speed_mps=Decimal("1.0"),
            standards="GB 11291.1-2011\nGB/T 38244-2019", software_version="ctrl 2.3"),
    # L2 (1) + S3 (1) = 2 -> tier 2
    2: dict(manufacturer="杭州智行机器人有限公司", form_factor="wheeled", intelligence_level=2,
            scenarios=["commerce", "culture_tourism"], mass_kg=Decimal("18"), max_speed_mps=Decimal("1.2"),
            standards="GB 4943.1-2022", software_version="guide 1.4"),
    # L3 (2) + S2 (1) + mass over 20 kg (1) = 4 -> tier 3
    3: dict(manufacturer="杭州智行机器人有限公司", form_factor="wheeled", intelligence_level=3,
            scenarios=["transport_logistics"], mass_kg=Decimal("60"), max_speed_mps=Decimal("1.2"),
            standards="GB/T 30029-2023", software_version="nav 5.0"),
    # L4 (3) + S4 (2) + vulnerable people (1) + personal data (1) = 7 -> tier 4
    4: dict(manufacturer="杭州智行机器人有限公司", form_factor="humanoid", intelligence_level=4,
            scenarios=["elderly_care", "home_services"], mass_kg=Decimal("45"), max_speed_mps=Decimal("1.0"),
            vulnerable_contact=True, personal_data=True, standards="GB 4943.1-2022\nGB/T 36530-2018",
            software_version="care-llm 0.9"),
}

# (model name, tier, steps); each step is (trigger, who, inputs).  ``cert`` has the demo
# certification body record the model's certificate, ``expire`` lets the running period lapse
# (see _expire), ``refer`` refers to the sandbox.
GRANT = [("submit", "applicant", {}), ("accept", "officer", {}), ("start_review", "officer", {})]
CERT = [("cert", None, {})]
REGISTER_T1 = GRANT + [("propose_grant", "officer", {}), ("approve", "approver", {})]
REGISTER_T2 = GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {}),
                              ("expire", None, {}), ("conclude_notice", "officer", {})]
NOTICE_SUSP = [("notice_suspension", "officer", {
    "reason": "你单位应于2026年3月31日前报送该型号2025年度运行报告，至今未报送。",
    "evidence": "1. 年度报告报送记录截图（2026年4月8日）；\n2. 本机关2026年4月1日催报通知及送达回证。"})]
# 立案 (行政处罚法 Art. 54) with the second enforcement officer, approved by the head.
OPEN_REVO = [("propose_penalty_case", "officer", {
    "penalty_action": "revocation", "second_officer": "officer2",
    "reason": "2026年6月14日接群众举报，该型号一台单机在滨江区某商场运行时发生碰撞致人受伤，企业未报告。",
    "evidence": "1. 举报记录；\n2. 商场监控录像。"}), ("approve_penalty_case", "approver", {})]
NOTICE_REVO = OPEN_REVO + [("notice_revocation", "officer", {
    "reason": "2026年6月12日，该型号一台单机在滨江区某商场运行时发生碰撞致一人受伤，你单位未按注册条件在24小时内报告，"
              "并在事后报送的运行报告中隐瞒该事故。",
    "evidence": "1. 商场监控录像及现场勘验笔录；\n2. 伤者就诊记录；\n3. 你单位2026年第二季度运行报告。"})]
STATEMENT = [("file_statement", "applicant", {"comment": "报告逾期系负责人员离职交接疏漏所致，我司已整改，请求不予处理。"})]
HEARING = [("request_hearing", "applicant", {}),
           ("schedule_hearing", "officer", {"hearing_date": "in_30_days", "hearing_time": "09:30",
                                            "hearing_place": "本机关第三会议室",
                                            "presiding_officer": "approver"}),
           ("record_hearing", "approver", {"comment": "听证如期举行，当事人对事故发生无异议，主张已事后补报。",
                                           "document": True}),
           ("confirm_hearing_record", "applicant", {"confirmation": "confirmed"})]
# Before the head decides: the legal review (Art. 58) and the collective discussion (Art. 57).
REVIEW = [("appoint_legal_reviewer", "approver", {"legal_reviewer": "legal"}),
          ("legal_review", "legal", {"legal_opinion": "lawful",
                                     "reason": "事实清楚，证据确凿，程序合法，适用依据正确，处罚适当。"}),
          ("record_discussion", "approver", {"discussion_date": "today", "participants": "局长、分管副局长、法规处处长",
                                             "conclusion": "同意吊销该型号产品注册。"})]

SUSPEND = {"reason": "该型号2025年度运行报告逾期未报送，违反注册条件。",
           "defence_reply": "你单位称逾期系人员交接疏漏所致。注册条件明确规定报送期限，交接疏漏不构成逾期的正当理由，"
                            "且经催报后仍未报送，陈述、申辩理由不成立，不予采纳。",
           "requirements": "自收到本决定之日起三十日内补报2025年度运行报告并提交整改说明。"}
REVOKE = {"reason": "隐瞒造成人身伤害的事故，情节严重。",
          "defence_reply": "你单位在听证中对事故发生无异议，主张已事后补报。经查，补报发生在事故发生二十日后且系本机关调查之后，"
                           "不能改变隐瞒事故的事实，申辩理由不予采纳。",
          "requirements": "自本决定生效之日起，不得以已注册名义生产、销售或者投入使用该型号产品。"}
NOTICE_RESC = [("notice_rescission", "officer", {
    "reason": "你单位申请注册时提交的第三方检测报告（编号ZJT-2026-0311）经出具机构书面确认并非其出具。",
    "rescission_ground": "improper_means",
    "evidence": "1. 浙江省机器人检测中心2026年9月2日复函；\n2. 注册申请材料中的检测报告。"})]
RESC_STATEMENT = [("file_statement", "applicant", {"comment": "检测报告系委托中介机构办理，我司不知情。"})]
RESCIND = {"reason": "申请注册所依据的检测报告系伪造，注册系以不正当手段取得。",
           "defence_reply": "你单位作为申请人对申请材料的真实性负责，委托中介办理不能免除该责任，申辩理由不予采纳。",
           "public_interest": "no_serious_harm"}
NOTICE_RESC_ERROR = [("notice_rescission", "officer", {
    "reason": "准予注册时，该型号未按规定进行安全评估即作出注册决定。",
    "rescission_ground": "procedure_breached",
    "evidence": "1. 注册审批记录；\n2. 安全评估工作台账。"})]
RESC_STATEMENT_ERROR = [("file_statement", "applicant", {"comment": "我司已按要求提交全部申请材料，程序问题不应由我司承担。"})]
RESCIND_ERROR = {"reason": "准予注册违反法定程序，依法予以撤销。",
                 "defence_reply": "你单位所述属实，撤销系因本机关程序违法，你单位可以依法申请赔偿。",
                 "public_interest": "no_serious_harm"}

# Each text is in one language (Chinese, as the firm and the officers wrote it); model names are
# product names: the case's state is shown by the pages, never written into the name.
CASES: list[tuple[str, int, list]] = [
    ("ZX-Arm A1", 1, []),
    ("ZX-Guide G2", 2, [("submit", "applicant", {})]),
    ("ZX-Cargo C3", 3, [("submit", "applicant", {}),
                             ("request_supplement", "officer", {"items": ("强制性标准检测报告", "软件版本说明")})]),
    ("ZX-Arm A2", 1, [("submit", "applicant", {}),
                             ("not_accept", "officer", {"reason": "申请事项为医用康复机器人的医疗器械注册，不属于本机关职责范围。",
                                                        "competent_authority": "浙江省药品监督管理局"})]),
    ("ZX-Care H4", 4, [("submit", "applicant", {}), ("accept", "officer", {})]),
    ("ZX-Care H5", 4, GRANT + [("refer", "officer", {})]),
    ("ZX-Cargo C4", 3, GRANT + [("request_clarification", "officer",
                                          {"comment": "请说明最高速度的测试条件。"})]),
    ("ZX-Guide G3", 2, GRANT + CERT + [("propose_grant", "officer", {})]),
    ("ZX-Guide G4", 2, GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {}),
                                       ("objection", None, {}), ("answer", "officer", {})]),
    ("ZX-Arm A3", 1, REGISTER_T1),
    ("ZX-Cargo C5", 3, GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {}),
                                             ("expire", None, {}), ("conclude_notice", "officer", {})]),
    ("ZX-Guide G5", 2, REGISTER_T2),
    ("ZX-Arm A4", 1, GRANT + [("propose_refusal", "officer", {"reason": "申报信息与样机不符。"}),
                                      ("approve", "approver", {})]),
    ("ZX-Arm A5", 1, [("submit", "applicant", {}),
                           ("withdraw", "applicant", {"reason": "产品设计调整。"})]),
    ("ZX-Arm A6", 1, REGISTER_T1 + NOTICE_SUSP),
    ("ZX-Arm A7", 1, REGISTER_T1 + NOTICE_SUSP + STATEMENT +
     [("propose_suspension", "officer", SUSPEND)]),
    ("ZX-Arm A8", 1, REGISTER_T1 + NOTICE_SUSP + STATEMENT +
     [("propose_suspension", "officer", SUSPEND), ("approve_suspension", "approver", {})]),
    ("ZX-Guide G6", 2, REGISTER_T2 + NOTICE_REVO),
    ("ZX-Guide G7", 2, REGISTER_T2 + NOTICE_REVO + [("request_hearing", "applicant", {})]),
    ("ZX-Guide G8", 2, REGISTER_T2 + NOTICE_REVO + STATEMENT + HEARING +
     [("propose_revocation", "officer", REVOKE)]),
    ("ZX-Guide G9", 2, REGISTER_T2 + NOTICE_REVO + STATEMENT + HEARING +
     [("propose_revocation", "officer", REVOKE)] + REVIEW + [("approve_revocation", "approver", {})]),
    ("ZX-Arm A9", 1, REGISTER_T1 + NOTICE_RESC + RESC_STATEMENT + [("propose_rescission", "officer", RESCIND)]),
    ("ZX-Arm A10", 1, REGISTER_T1 + NOTICE_RESC + RESC_STATEMENT + [("propose_rescission", "officer", RESCIND),
                                                                    ("approve_rescission", "approver", {})]),
    # Rescinded for the bureau's own error (Art. 69 ¶1): the firm may claim compensation.
    ("ZX-Arm A12", 1, REGISTER_T1 + NOTICE_RESC_ERROR + RESC_STATEMENT_ERROR +
     [("propose_rescission", "officer", RESCIND_ERROR), ("approve_rescission", "approver", {})]),
    ("ZX-Arm A11", 1, REGISTER_T1 + [("propose_deregistration", "officer",
                                             {"reason": "该型号已停产，企业书面申请注销备案。", "ground": "firm_withdrawal"}),
                                            ("approve_deregistration", "approver", {})]),
]


def load(*, users, bureau, market, firm_a, firm_b, **_: Any) -> None:
    """Idempotent: nothing happens when firm A already has robot models."""
    if db.session.execute(db.select(RobotModel.id).filter_by(firm_id=firm_a.id).limit(1)).first():
        return
    who = {"applicant": users["applicant@example.com"], "officer": users["officer@example.com"],
           "approver": users["approver@example.com"], "officer2": users["officer2@example.com"],
           "legal": users["legal@example.com"]}
    for name, tier, steps in CASES:
        reg = services.create_model(firm=firm_a, actor=who["applicant"], name=name, values=SPECS[tier])
        for trigger, role, inputs in steps:
            _step(reg, trigger, who[role] if role else None, _people_and_days(inputs, who))
    # Firm B has its own model (for the firm-separation demo).
    reg = services.create_model(firm=firm_b, actor=users["applicant-b@example.com"], name="YB-Arm 1",
                                values={**SPECS[1], "manufacturer": firm_b.name_zh})
    cases.fire(reg.case, "submit", actor=users["applicant-b@example.com"])


# Inputs naming a person (the choice is a user id) or a day relative to the load.
PERSON_INPUTS = ("second_officer", "presiding_officer", "legal_reviewer")
DAYS = {"today": 0, "in_30_days": 30}


def _people_and_days(inputs: dict[str, Any], who: dict[str, Any]) -> dict[str, Any]:
    out = dict(inputs)
    for key in PERSON_INPUTS:
        if key in out:
            out[key] = str(who[out[key]].id)
    for key in ("hearing_date", "discussion_date"):
        if key in out:
            out[key] = (local_today() + dt.timedelta(days=DAYS[out[key]])).isoformat()
    return out


def _step(reg, trigger: str, actor, inputs: dict[str, Any]) -> None:
    case = reg.case
    if trigger == "cert":
        certificates_demo.certify(reg.model)
    elif trigger == "refer":
        services.refer_to_sandbox(reg, actor=actor, note="第四级：建议先在沙盒内测试。")
    elif trigger == "objection":
        services.file_objection(case, text_="该机器人在商场内多次占用消防通道。", objector="王芳",
                                contact="wangfang@example.org", client_address="198.51.100.7")
    elif trigger == "answer":
        services.answer_objection(services.objections_of(case)[-1], actor=actor,
                                  answer="经现场核查，占用消防通道的为其他企业的产品，异议不成立。")
    elif trigger == "expire":
        # Demo only: the public notice period (5 working days) has to be over before it can be
        # concluded, so the loader moves its due date into the past instead of waiting.
        case.due_date = local_today() - dt.timedelta(days=1)
        db.session.flush()
    else:
        if inputs.pop("document", False):
            inputs["document"] = add_document(data=DEMO_PDF, filename="hearing-record.pdf",
                                              classification="internal", actor=actor, case=case)
        cases.fire(case, trigger, actor=actor, **inputs)

