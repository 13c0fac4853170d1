"""The sandbox's decisions and notices (issue 12; DOMAIN §6.2, §8): one ``DecisionKind`` row
each, templates in ``templates/sandbox/decisions/``.  The implementing measure cited is an
example (the city has not adopted one yet) and says so; Art. 48 is cited for what it says."""
from __future__ import annotations

from typing import Any

from flask import current_app

from supervision.cases.models import Case
from supervision.decisions.kinds import DecisionKind

EXPLORED = ("regulation:48",)  # cited for what it says: the sandbox mechanism explored


def _measure(article: int) -> dict[str, Any]:
    """The basis: an article of the sandbox measure (an example until adopted), with Art. 48 as
    the context it implements."""
    return {"basis": (f"sandbox_measure:{article}",), "context": EXPLORED}


def _conditions(case: Case, firing) -> dict[str, Any]:
    """The conditions in force, printed on the admission and extension decisions."""
    from supervision.sandbox.services import current_conditions, test_of

    test = test_of(case)
    cs = current_conditions(test) if test else None
    if cs is None:
        return {}
    en = current_app.config.get("DECISION_LANGUAGE", "zh") == "en"
    period = f"{cs.period_start.isoformat()} – {cs.period_end.isoformat()}"
    rows = [
        ("测试期间：" + period, "Test period: " + period),
        ("测试单机（编码）：" + "、".join(cs.unit_codes), "Units (codes): " + ", ".join(cs.unit_codes)),
        (f"仅在批准的{len(cs.area_ids)}个电子围栏区域内运行，不得进入禁行区域。",
         f"Operate only inside the {len(cs.area_ids)} approved electronic-fence area(s), never in a prohibited zone."),
        ("安全保障措施：" + cs.safeguards, "Safeguards: " + cs.safeguards),
        (f"每{cs.reporting_cadence_days}日报送一次测试报告。", f"Submit a test report every {cs.reporting_cadence_days} days."),
        (f"发生事件后{cs.incident_report_hours}小时内报告。", f"Report any incident within {cs.incident_report_hours} hours."),
        ("暂停条件：" + cs.pause_condition, "Pause condition: " + cs.pause_condition),
    ]
    return {"conditions": [r[1 if en else 0] for r in rows], "conditions_version": cs.version}


def _tpl(name: str) -> str:
    return f"sandbox/decisions/{name}.html"


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind("sandbox_admission", "沙盒测试准入决定书", "Decision to Admit a Sandbox Test", "{dept}沙准",
                 _tpl("admission"), False, issued_on=("approve_admission", None), facts=_conditions,
                 decides=True, **_measure(12)),
    DecisionKind("sandbox_rejection_notice", "不予准入事先告知书", "Prior Notice of Intended Rejection",
                 "{dept}沙告", _tpl("notice"), False, defence=True, issued_on=("notice_rejection", None),
                 **_measure(11)),
    DecisionKind("sandbox_rejection", "不予准入决定书", "Decision to Reject a Sandbox Application", "{dept}沙不",
                 _tpl("adverse"), True, issued_on=("approve_rejection", None),
                 reason_from=("propose_rejection", "notice_rejection"),
                 decides=True, **_measure(11)),
    DecisionKind("sandbox_suspension_notice", "暂停测试事先告知书", "Prior Notice of Intended Suspension",
                 "{dept}沙告", _tpl("notice"), False, defence=True, issued_on=("notice_suspension", None),
                 **_measure(18)),
    DecisionKind("sandbox_suspension", "暂停测试决定书", "Decision to Suspend a Sandbox Test", "{dept}沙停",
                 _tpl("adverse"), True, issued_on=("approve_suspension", None),
                 reason_from=("propose_suspension", "notice_suspension"),
                 decides=True, **_measure(18)),
    DecisionKind("sandbox_lifting", "恢复测试决定书", "Decision to Lift the Suspension of a Sandbox Test",
                 "{dept}沙复", _tpl("decision"), False, issued_on=("approve_lifting", None),
                 reason_from=("propose_lifting",), ends={"sandbox_suspension": "superseded"},
                 decides=True, **_measure(19)),
    DecisionKind("sandbox_extension", "变更测试条件决定书", "Decision to Extend or Change a Sandbox Test",
                 "{dept}沙变", _tpl("decision"), False, issued_on=("grant_change", None), facts=_conditions,
                 decides=True, **_measure(15)),
    DecisionKind("sandbox_termination_notice", "终止测试事先告知书", "Prior Notice of Intended Termination",
                 "{dept}沙告", _tpl("notice"), False, defence=True, issued_on=("notice_termination", None),
                 **_measure(20)),
    DecisionKind("sandbox_termination", "终止测试决定书", "Decision to Terminate a Sandbox Test", "{dept}沙终",
                 _tpl("adverse"), True, issued_on=("approve_termination", None),
                 reason_from=("propose_termination", "notice_termination"),
                 ends={"sandbox_admission": "terminated", "sandbox_suspension": "superseded"},
                 decides=True, **_measure(20)),
    DecisionKind("sandbox_exit_termination", "终止测试决定书", "Decision to Terminate a Sandbox Test", "{dept}沙终",
                 _tpl("adverse"), True, issued_on=("approve_exit", ("terminated",)),
                 reason_from=("propose_exit_termination",), ends={"sandbox_admission": "terminated"},
                 decides=True, **_measure(21)),
    DecisionKind("sandbox_graduation", "沙盒测试结业决定书", "Decision on the Graduation of a Sandbox Test",
                 "{dept}沙结", _tpl("decision"), False, issued_on=("approve_exit", ("graduated",)),
                 reason_from=("propose_graduation",),
                 decides=True, **_measure(21)),
)
