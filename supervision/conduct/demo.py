"""Demo prohibited-conduct cases (``flask demo load``): firm B asked for information about
face images its robots kept, and firm A ordered to remediate after a finding on unsafe
delivery robots.  Made through the services, so the audit trails and the order are real."""
from __future__ import annotations

import datetime as dt
from typing import Any

from supervision.cases import services as cases
from supervision.conduct import services
from supervision.conduct.models import ConductCase
from supervision.core.timeutil import local_today
from supervision.extensions import db


def load(*, users, firm_a, firm_b, **_: Any) -> None:
    if db.session.execute(db.select(ConductCase.id).limit(1)).first():
        return
    officer, approver = users["officer@example.com"], users["approver@example.com"]
    privacy = services.open_case(
        actor=officer, firm_id=firm_b.id, category="privacy",
        title="仓储机器人留存人脸图像",
        description="投诉称仓储机器人在未告知的情况下拍摄并留存员工人脸图像。\n"
                    "A complaint says the warehouse robots photograph and keep workers' faces without notice.",
        source="12345 热线投诉")
    cases.fire(privacy, "start_investigation", actor=officer)
    cases.fire(privacy, "request_info", actor=officer,
               comment="请说明人脸图像的采集目的、保存期限和告知方式，并提供数据处理记录。\n"
                       "Explain why face images are collected, how long they are kept and how people are told; "
                       "provide the processing records.")

    delivery = services.open_case(
        actor=officer, firm_id=firm_a.id, category="persons_property",
        title="配送机器人在人行道高速行驶",
        description="巡查发现配送机器人在人行道上以约15公里/小时行驶，两次险些碰撞行人。\n"
                    "An inspection saw delivery robots at about 15 km/h on pavements, twice nearly hitting pedestrians.",
        source="现场巡查")
    cases.fire(delivery, "start_investigation", actor=officer)
    cases.fire(delivery, "file_statement", actor=users["applicant@example.com"],
               comment="限速参数在一次固件升级后被误改，已回滚。\nA firmware update changed the speed limit by mistake; it was rolled back.")
    cases.fire(delivery, "record_findings", actor=officer,
               reason="经调取运行日志，3月2日至3月9日期间12台配送机器人在人行道上的最高速度为14.8公里/小时。\n"
                      "The logs show 12 delivery robots at up to 14.8 km/h on pavements from 2 to 9 March.")
    cases.fire(delivery, "propose_remediation", actor=officer,
               measures=("将人行道限速恢复为6公里/小时并锁定参数",
                         "固件升级前增加限速回归测试"),
               deadline=(local_today() + dt.timedelta(days=30)).isoformat(),
               reason="上述行为危害行人人身安全，应当限期整改。\nThe conduct endangers pedestrians and must be remedied.")
    cases.fire(delivery, "approve_remediation", actor=approver)
