"""The registration procedure's decisions and notices (DOMAIN §6.1, §8): one ``DecisionKind``
row each, with its template in ``templates/registry/decisions/`` and the facts it prints.

The implementing measure cited is an example (the city has not adopted one yet) and says so.
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext

from supervision.cases.models import Case
from supervision.core.timeutil import local_date
from supervision.decisions.kinds import (LICENSING_EN, LICENSING_ZH, PENALTY_EN, PENALTY_ZH, REGULATION_EN,
                                         REGULATION_ZH, DecisionKind, basis)
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.registry.models import TIER_LABELS
from workflows.registration import DEREGISTRATION_GROUNDS

MEASURE_ZH = "《杭州市具身智能机器人注册管理办法》（示例，待市人民政府依条例第四十九条制定）"
MEASURE_EN = ("the Hangzhou Measures for the Registration of Embodied-Intelligence Robots "
              "(example; to be adopted by the city government under Art. 49 of the Regulation)")
R48_ZH, R48_EN = REGULATION_ZH + "第四十八条", REGULATION_EN + ", Art. 48"
R43_ZH, R43_EN = REGULATION_ZH + "第四十三条", REGULATION_EN + ", Art. 43"

# What each tier obliges a registered firm to do (DOMAIN §4, default ruleset v1); printed as the
# grant's conditions.
TIER_OBLIGATIONS = {
    1: [("对产品单机进行编码并报送注册备案信息。", "Code each unit and file the registration information.")],
    2: [("取得并保持有效的认证证书。", "Obtain and keep a valid certificate."),
        ("注册信息依法公告。", "The registration is publicly announced."),
        ("每年报送年度报告。", "Submit an annual report every year.")],
    3: [("在批准的电子围栏范围内运行。", "Operate only within the approved electronic fence."),
        ("发生事件后24小时内报告。", "Report any incident within 24 hours."),
        ("每季度报送运行报告。", "Submit a quarterly operating report."),
        ("投保相应保险并保持有效。", "Hold and maintain the required insurance.")],
}


def _both(msgid: str) -> tuple[str, str]:
    """A label in Chinese and in English (a decision prints one language, chosen at issue)."""
    with force_locale("zh"):
        zh = gettext(msgid)
    return zh, msgid


def _tier(case: Case, firing) -> dict[str, Any]:
    tier = firing.facts.get("tier")
    if tier is None:
        return {}
    zh, en = _both(TIER_LABELS[tier])
    return {"tier": tier, "tier_label_zh": zh, "tier_label_en": en}


def _grant(case: Case, firing) -> dict[str, Any]:
    facts = _tier(case, firing)
    tier = facts.get("tier")
    if tier:
        from flask import current_app

        en = current_app.config.get("DECISION_LANGUAGE", "zh") == "en"
        facts["conditions"] = [pair[1 if en else 0] for t in range(1, min(int(tier), 3) + 1)
                               for pair in TIER_OBLIGATIONS[t]]
    return facts


def _supplement(case: Case, firing) -> dict[str, Any]:
    return {"items": firing.inputs.get("comment")}


def _ground(case: Case, firing) -> dict[str, Any]:
    label = dict(DEREGISTRATION_GROUNDS).get(firing.inputs.get("ground") or "")
    if label is None:
        return {"ground_zh": "注册依法应予注销", "ground_en": "the registration must be deregistered"}
    zh, en = _both(label)
    return {"ground_zh": zh, "ground_en": en}


def _after_notice(notice_kind: str):
    """The date on which the prior notice this decision follows was issued."""
    from supervision.decisions.services import date_text

    def facts(case: Case, firing) -> dict[str, Any]:
        issued = db.session.execute(
            db.select(Decision.issued_at).where(Decision.case_id == case.id, Decision.kind == notice_kind)
            .order_by(Decision.id.desc()).limit(1)).scalar()
        day = local_date(issued) if issued else None
        return {"notice_date_zh": date_text(day, "zh") if day else "此前",
                "notice_date_en": date_text(day, "en") if day else "an earlier date"}

    return facts


def _tpl(name: str) -> str:
    return f"registry/decisions/{name}.html"


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind(
        "acceptance", "受理通知书", "Notice of Acceptance", "{dept}登受", _tpl("acceptance"), False,
        issued_on=("accept", None),
        **basis([R48_ZH, LICENSING_ZH + "第三十二条第一款第（五）项", MEASURE_ZH + "第十条"],
                [R48_EN, LICENSING_EN + ", Art. 32(1)(5)", MEASURE_EN + ", Art. 10"])),
    DecisionKind(
        "non_acceptance", "不予受理决定书", "Decision not to Accept an Application", "{dept}登不受",
        _tpl("non_acceptance"), True, issued_on=("not_accept", None),
        **basis([R48_ZH, LICENSING_ZH + "第三十二条第一款", MEASURE_ZH + "第十条"],
                [R48_EN, LICENSING_EN + ", Art. 32(1)", MEASURE_EN + ", Art. 10"])),
    DecisionKind(
        "supplement_notice", "补正通知书", "Notice to Supplement Application Materials", "{dept}登补",
        _tpl("supplement_notice"), False, issued_on=("request_supplement", None), facts=_supplement,
        **basis([LICENSING_ZH + "第三十二条第一款第（四）项", MEASURE_ZH + "第九条"],
                [LICENSING_EN + ", Art. 32(1)(4)", MEASURE_EN + ", Art. 9"])),
    DecisionKind(
        "grant", "准予注册决定书", "Decision to Grant Registration", "{dept}登", _tpl("grant"), False,
        issued_on=("approve", ("public_notice", "registered")), ends={"grant": "superseded"}, facts=_grant,
        **basis([R48_ZH, LICENSING_ZH + "第三十八条第一款", MEASURE_ZH + "第十四条"],
                [R48_EN, LICENSING_EN + ", Art. 38(1)", MEASURE_EN + ", Art. 14"])),
    DecisionKind(
        "refusal", "不予注册决定书", "Decision to Refuse Registration", "{dept}登不", _tpl("refusal"), True,
        issued_on=("approve", ("refused",)), reason_from=("propose_refusal",), facts=_tier,
        **basis([R48_ZH, LICENSING_ZH + "第三十八条第二款", MEASURE_ZH + "第十五条"],
                [R48_EN, LICENSING_EN + ", Art. 38(2)", MEASURE_EN + ", Art. 15"])),
    DecisionKind(
        "suspension_notice", "暂停注册事先告知书", "Prior Notice of Intended Suspension",
        "{dept}登停告", _tpl("suspension_notice"), False, defence=True,
        issued_on=("notice_suspension", None),
        **basis([R43_ZH, R48_ZH, PENALTY_ZH + "第四十四条、第四十五条", MEASURE_ZH + "第二十条"],
                [R43_EN, R48_EN, PENALTY_EN + ", Arts. 44 and 45", MEASURE_EN + ", Art. 20"])),
    DecisionKind(
        "revocation_notice", "吊销注册事先告知书", "Prior Notice of Intended Revocation",
        "{dept}罚告", _tpl("revocation_notice"), False, defence=True, hearing=True,
        issued_on=("notice_revocation", None),
        **basis([R43_ZH, PENALTY_ZH + "第九条第（三）项、第四十四条、第四十五条、第六十三条",
                 MEASURE_ZH + "第二十二条"],
                [R43_EN, PENALTY_EN + ", Arts. 9(3), 44, 45 and 63", MEASURE_EN + ", Art. 22"])),
    DecisionKind(
        "suspension", "暂停注册决定书", "Decision to Suspend Registration", "{dept}登停",
        _tpl("suspension"), True, issued_on=("approve_suspension", None),
        reason_from=("propose_suspension", "notice_suspension"), facts=_after_notice("suspension_notice"),
        **basis([R43_ZH, R48_ZH, PENALTY_ZH + "第九条第（三）项", MEASURE_ZH + "第二十条"],
                [R43_EN, R48_EN, PENALTY_EN + ", Art. 9(3)", MEASURE_EN + ", Art. 20"])),
    DecisionKind(
        "lifting", "恢复注册决定书", "Decision to Lift the Suspension of Registration", "{dept}登复",
        _tpl("lifting"), False, issued_on=("lift_suspension", None), ends={"suspension": "superseded"},
        **basis([R48_ZH, MEASURE_ZH + "第二十一条"], [R48_EN, MEASURE_EN + ", Art. 21"])),
    DecisionKind(
        "revocation", "吊销注册决定书", "Decision to Revoke Registration", "{dept}罚",
        _tpl("revocation"), True, issued_on=("approve_revocation", None),
        reason_from=("propose_revocation", "notice_revocation"), facts=_after_notice("revocation_notice"),
        ends={"grant": "revoked", "suspension": "superseded"},
        **basis([R43_ZH, PENALTY_ZH + "第九条第（三）项", MEASURE_ZH + "第二十二条"],
                [R43_EN, PENALTY_EN + ", Art. 9(3)", MEASURE_EN + ", Art. 22"])),
    DecisionKind(
        "rescission", "撤销注册决定书", "Decision to Rescind Registration", "{dept}登撤",
        _tpl("rescission"), True, issued_on=("approve_rescission", None),
        reason_from=("propose_rescission",), ends={"grant": "rescinded", "suspension": "superseded"},
        **basis([LICENSING_ZH + "第六十九条", MEASURE_ZH + "第二十三条"],
                [LICENSING_EN + ", Art. 69", MEASURE_EN + ", Art. 23"])),
    DecisionKind(
        "deregistration", "注销注册决定书", "Decision to Deregister", "{dept}登注",
        _tpl("deregistration"), True, issued_on=("deregister", None), facts=_ground,
        ends={"grant": "superseded", "suspension": "superseded"},
        **basis([LICENSING_ZH + "第七十条", MEASURE_ZH + "第二十四条"],
                [LICENSING_EN + ", Art. 70", MEASURE_EN + ", Art. 24"])),
)
