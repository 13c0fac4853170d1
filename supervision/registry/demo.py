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

# (model name, tier, steps); each step is (trigger, who, inputs).  ``cert`` declares the
# certificate, ``expire`` lets the running period lapse (see _expire), ``refer`` refers to the sandbox.
GRANT = [("submit", "applicant", {}), ("accept", "officer", {}), ("start_review", "officer", {})]
CERT = [("cert", "applicant", {})]
REGISTER_T1 = GRANT + [("propose_grant", "officer", {}), ("approve", "approver", {})]
REGISTER_T2 = GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {}),
                              ("expire", None, {}), ("conclude_notice", "officer", {})]
NOTICE_SUSP = [("notice_suspension", "officer", {"reason": "年度报告逾期未报送 / annual report overdue"})]
NOTICE_REVO = [("notice_revocation", "officer", {"reason": "隐瞒重大安全事故 / a serious incident was concealed"})]
STATEMENT = [("file_statement", "applicant", {"comment": "我司已整改，请求不予处理。/ We have remedied it."})]
HEARING = [("request_hearing", "applicant", {}),
           ("record_hearing", "officer", {"comment": "听证会已举行。/ The hearing was held.", "document": True})]

CASES: list[tuple[str, int, list]] = [
    ("ZX-Arm A1 (草稿)", 1, []),
    ("ZX-Guide G2 (已提交)", 2, [("submit", "applicant", {})]),
    ("ZX-Cargo C3 (补正)", 3, [("submit", "applicant", {}),
                             ("request_supplement", "officer", {"comment": "请补充：1. 强制性标准检测报告；2. 软件版本说明。"})]),
    ("ZX-Arm A2 (不予受理)", 1, [("submit", "applicant", {}),
                             ("not_accept", "officer", {"reason": "不属于本机关职责范围。/ Outside our remit."})]),
    ("ZX-Care H4 (已受理)", 4, [("submit", "applicant", {}), ("accept", "officer", {})]),
    ("ZX-Care H5 (分级审查, 移送沙盒)", 4, GRANT + [("refer", "officer", {})]),
    ("ZX-Cargo C4 (要求说明)", 3, GRANT + [("request_clarification", "officer",
                                          {"comment": "请说明最高速度的测试条件。"})]),
    ("ZX-Guide G3 (拟作决定)", 2, GRANT + CERT + [("propose_grant", "officer", {})]),
    ("ZX-Guide G4 (公示中)", 2, GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {})]),
    ("ZX-Arm A3 (已注册)", 1, REGISTER_T1),
    ("ZX-Cargo C5 (已注册)", 3, GRANT + CERT + [("propose_grant", "officer", {}), ("approve", "approver", {}),
                                             ("expire", None, {}), ("conclude_notice", "officer", {})]),
    ("ZX-Guide G5 (已注册)", 2, REGISTER_T2),
    ("ZX-Arm A4 (不予注册)", 1, GRANT + [("propose_refusal", "officer", {"reason": "申报信息与样机不符。"}),
                                      ("approve", "approver", {})]),
    ("ZX-Arm A5 (撤回)", 1, [("submit", "applicant", {}),
                           ("withdraw", "applicant", {"reason": "产品设计调整。/ Design change."})]),
    ("ZX-Arm A6 (暂停告知)", 1, REGISTER_T1 + NOTICE_SUSP),
    ("ZX-Arm A7 (拟暂停)", 1, REGISTER_T1 + NOTICE_SUSP + STATEMENT +
     [("propose_suspension", "officer", {"reason": "陈述理由不成立。"})]),
    ("ZX-Arm A8 (已暂停)", 1, REGISTER_T1 + NOTICE_SUSP + STATEMENT +
     [("propose_suspension", "officer", {"reason": "陈述理由不成立。"}), ("approve_suspension", "approver", {})]),
    ("ZX-Guide G6 (吊销告知)", 2, REGISTER_T2 + NOTICE_REVO),
    ("ZX-Guide G7 (听证)", 2, REGISTER_T2 + NOTICE_REVO + [("request_hearing", "applicant", {})]),
    ("ZX-Guide G8 (拟吊销)", 2, REGISTER_T2 + NOTICE_REVO + STATEMENT + HEARING +
     [("propose_revocation", "officer", {"reason": "经听证，事实清楚。"})]),
    ("ZX-Guide G9 (已吊销)", 2, REGISTER_T2 + NOTICE_REVO + STATEMENT + HEARING +
     [("propose_revocation", "officer", {"reason": "经听证，事实清楚。"}), ("approve_revocation", "approver", {})]),
    ("ZX-Arm A9 (拟撤销)", 1, REGISTER_T1 + [("propose_rescission", "officer", {"reason": "注册所依据的检测报告系伪造。"})]),
    ("ZX-Arm A10 (已撤销)", 1, REGISTER_T1 + [("propose_rescission", "officer", {"reason": "注册所依据的检测报告系伪造。"}),
                                            ("approve_rescission", "approver", {})]),
    ("ZX-Arm A11 (已注销)", 1, REGISTER_T1 + [("deregister", "officer",
                                             {"reason": "企业申请注销。", "ground": "firm_withdrawal"})]),
]


def load(*, users, bureau, market, firm_a, firm_b, **_: Any) -> None:
    """Idempotent: nothing happens when firm A already has robot models."""
    if db.session.execute(db.select(RobotModel.id).filter_by(firm_id=firm_a.id).limit(1)).first():
        return
    who = {"applicant": users["applicant@example.com"], "officer": users["officer@example.com"],
           "approver": users["approver@example.com"]}
    for name, tier, steps in CASES:
        reg = services.create_model(firm=firm_a, actor=who["applicant"], name=name, values=SPECS[tier])
        for trigger, role, inputs in steps:
            _step(reg, trigger, who[role] if role else None, dict(inputs))
    # Firm B has its own model (for the firm-separation demo).
    reg = services.create_model(firm=firm_b, actor=users["applicant-b@example.com"], name="YB-Arm 1",
                                values={**SPECS[1], "manufacturer": firm_b.name_zh})
    cases.fire(reg.case, "submit", actor=users["applicant-b@example.com"])


def _step(reg, trigger: str, actor, inputs: dict[str, Any]) -> None:
    case = reg.case
    if trigger == "cert":
        services.declare_certificate(reg, actor=actor, number=f"CR-2026-{case.id:05d}",
                                     body="浙江省机器人产品认证中心", evidence=DEMO_PDF,
                                     filename="certificate.pdf")
    elif trigger == "refer":
        services.refer_to_sandbox(reg, actor=actor, note="第四级：建议先入沙盒测试。/ Tier 4: sandbox first.")
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

