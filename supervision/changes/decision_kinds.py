"""The decisions on a change or renewal application (准予变更/不予变更, 准予延续/不予延续): one
``DecisionKind`` row each, with its template in ``templates/changes/decisions/``.

Their basis is configuration like every other kind's (``supervision.legal``; administrators may set
another list on ``/admin/legal-bases``): under filing the measure's articles on a filed change and
on renewal; under licence 行政许可法 Art. 49 (change) or Art. 50 (renewal) with the law-level basis.
Every one cites the registration number and the grant it acts on; refusals carry the remedy notice.

The application is accepted (受理通知书), refused acceptance (不予受理决定书) or sent back once for a
supplement (补正通知书) as a registration is, on the same provisions (行政许可法 Art. 32 under
licence; the measure's articles under filing).  A renewal deemed granted because it was not
decided before expiry (Art. 50 ¶2, licence only) is certified in writing (视为准予延续通知书): the
term runs on by operation of law, and the firm holds a served document that says until when.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import force_locale, gettext

from supervision.cases.models import Case
from supervision.decisions.kinds import DecisionKind
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.registry.models import FORM_FACTORS, SCENARIOS

NATURE = "REGISTRATION_NATURE"


def _by_nature(filing: tuple[str, ...], licence: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {"filing": filing, "licence": licence}


def _tpl(name: str) -> str:
    return f"changes/decisions/{name}.html"


# The particulars a change may touch, in the decision's words (legal text in both languages).
FIELD_WORDS = {
    "name": ("产品名称", "product name"),
    "manufacturer": ("制造商", "manufacturer"),
    "form_factor": ("产品形态", "form factor"),
    "intelligence_level": ("智能化等级", "intelligence level"),
    "scenarios": ("应用场景", "application scenarios"),
    "mass_kg": ("整机质量（千克）", "mass (kg)"),
    "max_speed_mps": ("最大运行速度（米/秒）", "maximum speed (m/s)"),
    "public_space": ("是否在公共空间运行", "operates in public space"),
    "vulnerable_contact": ("是否与弱势群体近距离接触", "close contact with vulnerable people"),
    "personal_data": ("是否采集个人或生物识别信息", "collects personal or biometric data"),
    "ota_learning": ("是否远程更新或现场学习", "updated over the air or learns in the field"),
    "standards": ("声明符合的强制性标准", "mandatory standards declared"),
    "software_version": ("软件（模型）版本", "software (model) version"),
}


def _both(msgid: str) -> tuple[str, str]:
    with force_locale("zh"):
        zh = gettext(msgid)
    return zh, msgid


def _value(field: str, value: Any) -> tuple[str, str]:
    if value is None or value == "" or value == []:
        return "无", "none"
    if isinstance(value, bool):
        return ("是", "yes") if value else ("否", "no")
    if field == "form_factor":
        return _both(FORM_FACTORS.get(value, value))
    if field == "intelligence_level":
        return f"L{value}", f"L{value}"
    if field == "scenarios":
        pairs = [_both(SCENARIOS[s][1]) if s in SCENARIOS else (s, s) for s in value]
        return "、".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)
    if field in ("mass_kg", "max_speed_mps"):
        return f"{value:.2f}", f"{value:.2f}"
    return str(value), str(value)


def changed_rows(app) -> list[dict[str, str]]:
    """What the application changes: each particular that differs, before and after."""
    from supervision.changes.services import particulars

    if app.version is None:
        return []
    before = {"name": app.previous_name, **particulars(app.previous_version)}
    after = {"name": app.name, **particulars(app.version)}
    rows = []
    for field, (zh, en) in FIELD_WORDS.items():
        old, new = _value(field, before[field]), _value(field, after[field])
        if old != new:
            rows.append({"label_zh": zh, "label_en": en, "old_zh": old[0], "old_en": old[1],
                         "new_zh": new[0], "new_en": new[1]})
    return rows


def change_facts(case: Case, firing) -> dict[str, Any]:
    """The registration acted on (its number and grant), what is changed or how long renewed."""
    from supervision.changes.services import application_of, renewed_term
    from supervision.decisions.services import date_text

    app = application_of(case)
    reg = app.registration
    grant = db.session.execute(
        db.select(Decision.number).where(Decision.case_id == reg.case_id, Decision.kind == "grant")
        .order_by(Decision.id.desc()).limit(1)).scalar()
    out: dict[str, Any] = {"subject": app.previous_name, "grant_number": grant or "",
                           "registration_number": reg.registration_number or "",
                           "registration_case": reg.case.number, "changes": changed_rows(app)}
    ends = app.previous_expires_on
    if ends is not None:
        # The last day in force (``expires_on`` is the first day no longer in force).
        last, new_last = ends - dt.timedelta(days=1), (app.new_expires_on or renewed_term(ends)) - dt.timedelta(days=1)
        out.update({"until_zh": date_text(last, "zh"), "until_en": date_text(last, "en"),
                    "new_until_zh": date_text(new_last, "zh"), "new_until_en": date_text(new_last, "en")})
    return out


# How each notice names the application, in its language.
APPLICATION_WORDS = {"change": ("注册变更申请", "to change the registration of"),
                     "renewal": ("注册延续申请", "to renew the registration of")}


def acceptance_facts(case: Case, firing) -> dict[str, Any]:
    """What an acceptance-stage notice states: the registration acted on and which application;
    for a supplement notice its items and deadline, for a non-acceptance the competent authority
    (the registration's own acceptance facts)."""
    from supervision.changes.services import application_of
    from supervision.registry.decision_facts import non_acceptance_facts, supplement_facts

    out = change_facts(case, firing)
    zh, en = APPLICATION_WORDS[application_of(case).kind]
    out.update({"application_zh": zh, "application_en": en, "renewal": application_of(case).kind == "renewal"})
    if firing.trigger == "request_supplement":
        out.update(supplement_facts(case, firing))
    if firing.trigger == "not_accept":
        out.update(non_acceptance_facts(case, firing))
    return out


KINDS: tuple[DecisionKind, ...] = (
    DecisionKind(
        "change_acceptance", "受理通知书", "Notice of Acceptance", "{dept}登变受", _tpl("acceptance"), False,
        issued_on=(("accept", "deem_accepted"), None), facts=acceptance_facts, facts_matter=False,
        nature_setting=NATURE, basis=_by_nature(("measure:10",), ("licensing:32.1.5", "measure:10"))),
    DecisionKind(
        "change_non_acceptance", "不予受理决定书", "Decision not to Accept an Application", "{dept}登变不受",
        _tpl("non_acceptance"), True, issued_on=("not_accept", None), facts=acceptance_facts, decides=True,
        letter=True, nature_setting=NATURE, basis=_by_nature(("measure:11",), ("licensing:32.1.2", "measure:11"))),
    DecisionKind(
        "change_supplement_notice", "补正通知书", "Notice to Supplement Application Materials", "{dept}登变补",
        _tpl("supplement_notice"), False, issued_on=("request_supplement", None), facts=acceptance_facts,
        facts_matter=False, nature_setting=NATURE,
        basis=_by_nature(("measure:9",), ("licensing:32.1.4", "measure:9"))),
    # Issued only under licence (the transition's guard); the filing row is never used.
    DecisionKind(
        "renewal_deemed", "视为准予延续通知书", "Notice that a Renewal is Deemed Granted", "{dept}登视续",
        _tpl("renewal_deemed"), False, issued_on=("deem_renewed", ("renewed",)), facts=change_facts,
        nature_setting=NATURE, basis=_by_nature(("measure:19",), ("law_example:1", "licensing:50.2", "measure:19"))),
    DecisionKind(
        "change_grant", "准予变更决定书", "Decision to Grant a Change of Registration", "{dept}登变",
        _tpl("change_grant"), False, issued_on=("approve", ("change_granted",)), facts=change_facts,
        decides=True, challengeable=True, on_approved_facts=True, nature_setting=NATURE,
        basis=_by_nature(("measure:18",), ("law_example:1", "licensing:49", "measure:18"))),
    DecisionKind(
        "change_refusal", "不予变更决定书", "Decision to Refuse a Change of Registration", "{dept}登不变",
        _tpl("change_refusal"), True, issued_on=("approve", ("change_refused",)), facts=change_facts,
        reason_from=("propose_refusal",), decides=True, on_approved_facts=True, nature_setting=NATURE,
        basis=_by_nature(("measure:18",), ("law_example:1", "licensing:49", "measure:18"))),
    DecisionKind(
        "renewal_grant", "准予延续决定书", "Decision to Renew a Registration", "{dept}登续",
        _tpl("renewal_grant"), False, issued_on=("approve", ("renewed",)), facts=change_facts,
        decides=True, challengeable=True, on_approved_facts=True, nature_setting=NATURE,
        basis=_by_nature(("measure:19",), ("law_example:1", "licensing:50", "measure:19"))),
    DecisionKind(
        "renewal_refusal", "不予延续决定书", "Decision to Refuse the Renewal of a Registration", "{dept}登不续",
        _tpl("renewal_refusal"), True, issued_on=("approve", ("renewal_refused",)), facts=change_facts,
        reason_from=("propose_refusal",), decides=True, on_approved_facts=True, nature_setting=NATURE,
        basis=_by_nature(("measure:19",), ("law_example:1", "licensing:50", "measure:19"))),
)
