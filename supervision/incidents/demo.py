"""Demo incidents (``flask demo load``), made through the services so the audit trails are real:
the fence breach in firm A's West Lake test has opened one already (the sandbox demo ran first);
firm A reports a collision (severity 2) that runs to remediation ordered; the regulator opens one
about firm B (dismissed); and a severity-2 incident closed after verified remediation, published."""
from __future__ import annotations

import datetime as dt
from typing import Any

from supervision.cases import services as cases
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.incidents import services
from supervision.incidents.models import Incident


def _report(firm, actor, bureau, *, title: str, what: str, severity: int, hours_ago: int,
            source: str = "firm", **extra: Any) -> Incident:
    now = utcnow()
    values = {"what": what, "occurred_at": now - dt.timedelta(hours=hours_ago + 1),
              "aware_at": now - dt.timedelta(hours=hours_ago), "immediate_measures": "现场停机，人工接管。",
              **extra}
    return services.report_incident(actor=actor, firm_id=firm.id, department_id=bureau.id, severity=severity,
                                    values=values, source=source, title=title)


def load(*, users, bureau, firm_a, firm_b, **_: Any) -> None:
    if db.session.execute(db.select(Incident.id).where(Incident.source != "breach").limit(1)).first():
        return
    applicant, officer = users["applicant@example.com"], users["officer@example.com"]
    collision = _report(firm_a, applicant, bureau, title="配送机器人与行人轻微碰撞",
                        what="配送机器人在人行道避让不及，与一名行人轻微碰撞，行人手臂擦伤。", severity=2, hours_ago=5,
                        place="文三路人行道 Wensan Road", lon=120.131, lat=30.279, injuries="一人轻微擦伤 one minor graze",
                        data_categories=["images"], people_affected=1)
    for trigger, inputs in (("triage", {"severity": "2", "comment": "确认为2级。"}),
                            ("start_investigation", {}),
                            ("order_remediation", {"measures": ("更新避障算法并复测", "加装低速区域限速"),
                                                   "deadline": (utcnow() + dt.timedelta(days=20)).date().isoformat(),
                                                   "reason": "避障距离设置不当。"})):
        cases.fire(collision.case, trigger, actor=officer, **inputs)
    other = _report(firm_b, officer, bureau, title="群众投诉：仓储机器人噪声",
                    what="群众投诉夜间噪声。", severity=4, hours_ago=30, source="regulator")
    cases.fire(other.case, "dismiss", actor=officer, reason="经核实不属于安全事件。")
    done = _report(firm_a, applicant, bureau, title="巡逻机器人跌落台阶",
                   what="巡逻机器人在台阶处跌落，无人员受伤，设备损坏。", severity=2, hours_ago=24 * 40,
                   damage="一台设备外壳损坏")
    steps = (("triage", officer, {"severity": "2", "comment": "确认。"}), ("start_investigation", officer, {}),
             ("order_remediation", officer, {"measures": ("台阶边缘识别升级",), "reason": "感知缺陷。",
                                             "deadline": (utcnow() + dt.timedelta(days=5)).date().isoformat()}),
             ("report_remediation", applicant, {"comment": "已升级并复测（见附件）。", "document": _evidence(done, applicant)}),
             ("verify_remediation", officer, {"comment": "核实完成。"}),
             ("close", officer, {"publish": "yes", "comment": "结案。",
                                 "public_summary": "巡逻机器人在台阶处跌落，无人员受伤；企业已升级台阶边缘识别并复测。"}))
    for trigger, actor, inputs in steps:
        cases.fire(done.case, trigger, actor=actor, **inputs)


def _evidence(incident: Incident, actor):
    from supervision.documents.services import add_document

    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
           b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return add_document(data=pdf, filename="remediation.pdf", classification="confidential", actor=actor,
                        case=incident.case, firm_id=incident.firm_id)
