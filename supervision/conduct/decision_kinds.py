"""The decisions of a prohibited-conduct case (DOMAIN "Legal nature", §8): the remediation order
to the firm and the referral letter to the competent authority.  Neither is a penalty: the
regulation refers liability to other laws (Art. 43 ¶2), so Art. 43 is cited only for what it
says (``context``), never as the power.  The power is the implementing measure — an example
until the city adopts one, so production refuses both until an administrator records it."""
from __future__ import annotations

from typing import Any

from flask import current_app

from supervision.cases.models import Case
from supervision.decisions.kinds import DecisionKind

ART_43 = ("regulation:43",)

# Art. 43 ¶1 as the documents cite it, per category (legal wording stays with the kinds).
CATEGORY_TEXT = {
    "national_security": ("《杭州市促进具身智能机器人产业发展条例》第四十三条第一款第一项规定的提供危害国家安全或者社会公共安全的产品和服务的行为",
                          "Article 43(1)(i) of the Regulation: providing products or services that endanger national or public security"),
    "persons_property": ("《杭州市促进具身智能机器人产业发展条例》第四十三条第一款第二项规定的提供危害用户人身或者财产安全的产品和服务的行为",
                         "Article 43(1)(ii) of the Regulation: providing products or services that endanger users' persons or property"),
    "privacy": ("《杭州市促进具身智能机器人产业发展条例》第四十三条第一款第二项规定的提供侵害个人隐私或者个人信息权益的产品和服务的行为",
                "Article 43(1)(ii) of the Regulation: providing products or services that infringe privacy or personal-information rights"),
    "competition": ("《杭州市促进具身智能机器人产业发展条例》第四十三条第一款第三项规定的实施垄断或者不正当竞争的行为",
                    "Article 43(1)(iii) of the Regulation: monopoly or unfair competition"),
    "other_law": ("《杭州市促进具身智能机器人产业发展条例》第四十三条第一款第四项规定的其他违反有关法律、法规和公序良俗的行为",
                  "Article 43(1)(iv) of the Regulation: other conduct in breach of laws, regulations or public order and good morals"),
}


def _category(row) -> dict[str, str]:
    zh, en = CATEGORY_TEXT[row.category]
    return {"category_text_zh": zh, "category_text_en": en}


def _language() -> str:
    return current_app.config.get("DECISION_LANGUAGE", "zh")


def _remediation(case: Case, firing) -> dict[str, Any]:
    from supervision.conduct.services import conduct_of

    row = conduct_of(case)
    from supervision.decisions.services import date_text

    return {"findings": row.findings or "", "measures": list(row.measures or []), **_category(row),
            "deadline_text": date_text(row.deadline, _language()) if row.deadline else ""}


def _referral(case: Case, firing) -> dict[str, Any]:
    from supervision.conduct.services import authorities, conduct_of

    row = conduct_of(case)
    office = authorities().get(row.authority or "") or {}
    return {"findings": row.findings or "", **_category(row), "firm_credit_code": case.firm.credit_code,
            "referral_office": office.get("name_en" if _language() == "en" else "name_zh", ""),
            # A provision that makes this referral precise (行政处罚法 Art. 27 ¶1 for a suspected crime).
            "basis_extra": tuple(office.get("basis_extra") or ())}


def _recall(case: Case, firing) -> dict[str, Any]:
    from supervision.conduct.services import conduct_of, recall_of, units_to_recall
    from supervision.extensions import db
    from supervision.registry.models import RobotModel

    row = conduct_of(case)
    model = db.session.get(RobotModel, row.recall_model_id) if row.recall_model_id else None
    recall = recall_of(case)  # the order has recalled them by the time it is rendered
    return {"findings": row.findings or "", **_category(row), "model_name": model.name if model else "",
            "measures": list(row.measures or []),
            "units": recall.units_recalled if recall is not None else units_to_recall(case)}


def _tpl(name: str) -> str:
    return f"conduct/decisions/{name}.html"


# A recall order rests on adopted law: the administrative departments' power over defective goods
# (消费者权益保护法 Art. 33 ¶2); an administrator may cite another (e.g. the recall rules).
RECALL_BASIS = ("consumer:33.2",)

KINDS: tuple[DecisionKind, ...] = (
    DecisionKind("conduct_remediation", "整改通知书", "Remediation Order", "{dept}违整", _tpl("remediation"),
                 True, basis=("conduct_measure:12",), context=ART_43, issued_on=("approve_remediation", None),
                 reason_from=("propose_remediation",), facts=_remediation, decides=True,
                 # A 通知书 like the incident's 责令整改通知书: the letter format (§10.1), so a typical
                 # order fits one page; the 文件格式 header left it seven lines of body there.
                 letter=True),
    DecisionKind("conduct_referral", "案件移送函", "Letter of Referral", "{dept}违移", _tpl("referral"),
                 False, basis=("conduct_measure:13",), context=ART_43, issued_on=("approve_referral", None),
                 reason_from=("propose_referral",), facts=_referral, decides=True, to_firm=False),
    DecisionKind("conduct_recall_notice", "责令召回事先告知书", "Prior Notice of an Intended Recall Order", "{dept}违告",
                 _tpl("recall_notice"), False, defence=True, basis=RECALL_BASIS, context=ART_43,
                 issued_on=("notice_recall", None), facts=_recall),
    DecisionKind("conduct_recall_order", "责令召回决定书", "Recall Order", "{dept}违召", _tpl("recall_order"), True,
                 basis=RECALL_BASIS, context=ART_43, issued_on=("approve_recall", None),
                 reason_from=("propose_recall", "notice_recall"), facts=_recall, decides=True),
)
