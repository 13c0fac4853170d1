"""What each registration decision states beyond the common furniture: read from the firing that
issues it and from the case's record (the prior notice, the statements of defence, the hearing,
the proposal and its reply to the defence, the grant it acts on).

Each function takes ``(case, firing)`` and returns values for the kind's template.  ``basis_extra``
names provisions that make the kind's basis precise for this case (Art. 69's paragraph, Art. 70's
item); it replaces the article it refines.
"""
from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext

from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.core.timeutil import local_date
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.registry.models import TIER_LABELS

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

# Under licence, the paragraph of 行政许可法 Art. 69 each ground of rescission falls under; the
# first paragraph's cases open the compensation path (Art. 69 ¶4), the second's do not.
RESCISSION_PROVISIONS = {"conditions_not_met": "licensing:69.1.4", "procedure_breached": "licensing:69.1.3",
                         "improper_means": "licensing:69.2"}
NO_COMPENSATION = frozenset({"improper_means"})
# Under licence, the item of 行政许可法 Art. 70 each ground of deregistration falls under.
DEREGISTRATION_ITEMS = {"expired": "licensing:70.0.1", "terminated": "licensing:70.0.3",
                        "rescinded": "licensing:70.0.4", "revoked": "licensing:70.0.4",
                        "force_majeure": "licensing:70.0.5", "other_by_law": "licensing:70.0.6"}


def _both(msgid: str) -> tuple[str, str]:
    """A label in Chinese and in English (a decision prints one language, chosen at issue)."""
    with force_locale("zh"):
        zh = gettext(msgid)
    return zh, msgid


def _licence() -> bool:
    return current_app.config.get("REGISTRATION_NATURE", "filing") == "licence"


def _events(case: Case, triggers: tuple[str, ...], *, after: int = 0) -> list[AuditEvent]:
    return list(db.session.execute(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(triggers),
                                    AuditEvent.action == "case.transition", AuditEvent.seq > after)
        .order_by(AuditEvent.seq)).scalars())


def _details(event: AuditEvent | None) -> dict[str, Any]:
    return json.loads(event.details) if event is not None and event.details else {}


def _day(ts) -> dict[str, str]:
    from supervision.decisions.services import date_text

    day = local_date(ts)
    return {"zh": date_text(day, "zh"), "en": date_text(day, "en")}


def _iso_day(value: Any) -> dict[str, str]:
    """A date input as recorded (ISO text) in both languages' words."""
    import datetime as dt

    from supervision.decisions.services import date_text

    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return {"zh": str(value or ""), "en": str(value or "")}
    return {"zh": date_text(day, "zh"), "en": date_text(day, "en")}


def tier_facts(case: Case, firing) -> dict[str, Any]:
    tier = firing.facts.get("tier")
    if tier is None:
        return {}
    zh, en = _both(TIER_LABELS[tier])
    return {"tier": tier, "tier_label_zh": zh, "tier_label_en": en}


def grant_facts(case: Case, firing) -> dict[str, Any]:
    facts = tier_facts(case, firing)
    tier = facts.get("tier")
    if tier:
        en = current_app.config.get("DECISION_LANGUAGE", "zh") == "en"
        facts["conditions"] = [pair[1 if en else 0] for t in range(1, min(int(tier), 3) + 1)
                               for pair in TIER_OBLIGATIONS[t]]
    if firing.trigger == "conclude_notice":
        facts.update(notice_facts(case))
    return facts


def notice_facts(case: Case) -> dict[str, Any]:
    """A grant issued at the end of public notice (公示) states the notice's period, the objections
    received in it by their reference numbers, and that each was answered in writing (the case
    cannot conclude the notice otherwise; a change of facts would have reopened the review)."""
    from supervision.cases.models import Deadline
    from supervision.decisions.services import chinese_number, date_text
    from supervision.registry.models import Objection

    notice = db.session.execute(
        db.select(Deadline).where(Deadline.case_id == case.id, Deadline.name == "public_notice")
        .order_by(Deadline.started_at.desc(), Deadline.id.desc()).limit(1)).scalar()
    if notice is None:
        return {}
    start = local_date(notice.started_at)
    refs = list(db.session.execute(
        db.select(Objection.reference).where(Objection.case_id == case.id, Objection.created_at >= notice.started_at)
        .order_by(Objection.id)).scalars())
    return {"notice_from_zh": date_text(start, "zh"), "notice_from_en": date_text(start, "en"),
            "notice_to_zh": date_text(notice.due_date, "zh"), "notice_to_en": date_text(notice.due_date, "en"),
            "objection_refs": "、".join(r for r in refs if r), "objection_refs_en": ", ".join(r for r in refs if r),
            "objection_count": len(refs), "objection_count_zh": chinese_number(len(refs)) if refs else ""}


def supplement_facts(case: Case, firing) -> dict[str, Any]:
    """The items one by one, and the day by which to supplement them (the ``supplement`` clock
    started as the case entered ``supplement_requested``)."""
    from supervision.cases import clocks
    from supervision.decisions.services import date_text

    items = firing.inputs.get("items") or ()
    deadline = clocks.find(case, "supplement")
    day = deadline.due_date if deadline is not None else None
    return {"items": items if isinstance(items, str) else "\n".join(items),
            "deadline_zh": date_text(day, "zh") if day else "", "deadline_en": date_text(day, "en") if day else ""}


def non_acceptance_facts(case: Case, firing) -> dict[str, Any]:
    """Outside the authority's remit: the competent authority the firm should apply to."""
    return {"competent_authority": (firing.inputs.get("competent_authority") or "").strip()}


def registered_facts(case: Case, firing) -> dict[str, Any]:
    """What every later decision about a registration cites: the grant's document number and the
    registration number; for a prior notice, the facts and the evidence it states."""
    from supervision.registry.services import registration_of

    grant = db.session.execute(
        db.select(Decision.number).where(Decision.case_id == case.id, Decision.kind == "grant")
        .order_by(Decision.id.desc()).limit(1)).scalar()
    reg = registration_of(case)
    out: dict[str, Any] = {"grant_number": grant or "",
                           "registration_number": (reg.registration_number if reg else None) or ""}
    if firing.inputs.get("evidence"):
        out["evidence"] = firing.inputs["evidence"]
    return {**out, **penalty_case_facts(case)}


def penalty_case_facts(case: Case) -> dict[str, Any]:
    """A penalty's notice and decision name the case's two enforcement officers (行政处罚法 Art. 42)
    and the day the case was opened (立案, Art. 54); none of it where no penalty case was opened."""
    from supervision.registry import penalty

    opened = penalty.latest(case, ("approve_penalty_case",))
    if opened is None:
        return {}
    return {"officers": [u.name for u in penalty.officers_of(case)],
            "opened_zh": _day(opened.created_at)["zh"], "opened_en": _day(opened.created_at)["en"]}


def hearing_notice_facts(case: Case, firing) -> dict[str, Any]:
    """听证通知书 (行政处罚法 Art. 64): the prior notice it follows and the day the party asked for the
    hearing, the hearing's day, time and place, and its presiding officer."""
    from supervision.accounts.models import User
    from supervision.decisions.delivery import served_at
    from supervision.registry import penalty

    out = registered_facts(case, firing)
    out.pop("officers", None)  # the notice names who presides, not who investigated
    notice = db.session.execute(
        db.select(Decision).where(Decision.case_id == case.id, Decision.kind == "revocation_notice")
        .order_by(Decision.id.desc()).limit(1)).scalar()
    served = (served_at(notice.id) or notice.issued_at) if notice is not None else None
    requested = penalty.latest(case, ("request_hearing",))
    presiding = firing.inputs.get("presiding_officer")
    user = db.session.get(User, int(presiding)) if presiding else None
    day = _iso_day(firing.inputs.get("hearing_date"))
    out.update({
        "notice_number": notice.number if notice is not None else "",
        "notice_date": _day(served) if served is not None else {"zh": "此前", "en": "an earlier date"},
        "requested": _day(requested.created_at) if requested is not None else None,
        "hearing_day": day, "hearing_time": str(firing.inputs.get("hearing_time") or "").strip(),
        "hearing_place": firing.inputs.get("hearing_place") or "",
        "presiding": user.name if user is not None else "",
    })
    return out


def _procedure_facts(case: Case, since: int) -> dict[str, Any]:
    """The hearing (its notice, presiding officer, record and the party's confirmation: Arts. 64-65),
    the legal review (Art. 58) and the collective discussion (Art. 57) since the prior notice."""
    from supervision.accounts.models import User
    from supervision.registry import penalty

    def name(user_id) -> str:
        user = db.session.get(User, int(user_id)) if user_id else None
        return user.name if user is not None else ""

    out: dict[str, Any] = {}
    notified = penalty.latest(case, ("schedule_hearing",), after=since)
    recorded = penalty.latest(case, ("record_hearing",), after=since)
    confirmed = penalty.latest(case, ("confirm_hearing_record",), after=since)
    refused = penalty.latest(case, ("note_refusal_to_sign",), after=since)
    absent = penalty.latest(case, ("record_non_attendance",), after=since)
    if notified is not None:
        d = _details(notified)
        held = _iso_day(d.get("hearing_date"))
        out["hearing"] = {"date_zh": held["zh"], "date_en": held["en"], "place": d.get("hearing_place", ""),
                          "presiding": name(d.get("presiding_officer")),
                          "record": recorded.reason if recorded is not None else "",
                          "objections": (confirmed.reason or "") if confirmed is not None
                          and _details(confirmed).get("confirmation") == "objections" else "",
                          "confirmed": confirmed is not None,
                          # Art. 64(8): the presiding officer's note of the party's refusal to sign.
                          "refused_to_sign": (refused.reason or "") if refused is not None else "",
                          # Art. 64(6): the party did not attend; the hearing was given up and ended.
                          "absent": (absent.reason or "") if absent is not None else ""}
    proposal = penalty.latest(case, penalty.PROPOSALS, after=since)
    after = proposal.seq if proposal is not None else since
    review = penalty.latest(case, ("legal_review",), after=after)
    if review is not None:
        out["legal_review"] = {"date": _day(review.created_at), "reviewer": name(review.actor_id),
                               "text": review.reason or ""}
    discussion = penalty.latest(case, ("record_discussion",), after=after)
    if discussion is not None:
        d = _details(discussion)
        met = _iso_day(d.get("discussion_date"))
        out["discussion"] = {"date_zh": met["zh"], "date_en": met["en"], "participants": d.get("participants", ""),
                             "conclusion": d.get("conclusion", "")}
    return out


def after_notice(notice_kind: str, notice_trigger: str):
    """A decision that follows a prior notice (行政处罚法 Art. 59 for penalties): the notice, the
    facts and evidence it stated, every statement of defence and hearing since, and the proposal's
    reply to them and requirements."""

    def facts(case: Case, firing) -> dict[str, Any]:
        out = registered_facts(case, firing)
        notice = db.session.execute(
            db.select(Decision).where(Decision.case_id == case.id, Decision.kind == notice_kind)
            .order_by(Decision.id.desc()).limit(1)).scalar()
        noticed = (_events(case, (notice_trigger,)) or [None])[-1]
        since = noticed.seq if noticed is not None else 0
        statements = [{"date": _day(e.created_at), "text": e.reason or ""}
                      for e in _events(case, ("file_statement",), after=since) if e.reason]
        hearings = [{"date": _day(e.created_at), "text": e.reason or ""}
                    for e in _events(case, ("record_hearing",), after=since)]
        proposal = (_events(case, ("propose_suspension", "propose_revocation", "propose_rescission"),
                            after=since) or [None])[-1]
        details = _details(proposal)
        # The date the prior notice was served on the firm (its recorded service; its issue
        # date while no service is on record).
        from supervision.decisions.delivery import served_at

        when = (served_at(notice.id) or notice.issued_at) if notice is not None else None
        out.update({
            "notice_number": notice.number if notice is not None else "",
            "notice_date_zh": _day(when)["zh"] if when is not None else "此前",
            "notice_date_en": _day(when)["en"] if when is not None else "an earlier date",
            "found_facts": noticed.reason if noticed is not None else "",
            "evidence": _details(noticed).get("evidence", ""),
            "statements": statements, "hearings": hearings,
            "defence_reply": details.get("defence_reply", ""),
            "requirements": details.get("requirements", ""),
            "proposal_reason": proposal.reason if proposal is not None else "",
            **_procedure_facts(case, since),
        })
        return out

    return facts


# What a rescission finds, in the words of 行政许可法 Art. 69 (legal text in both languages).
RESCISSION_FINDINGS = {
    "conditions_not_met": ("对不符合注册条件的申请准予注册", "registration was granted although the conditions were not met"),
    "procedure_breached": ("违反法定程序准予注册", "registration was granted in breach of the legal procedure"),
    "improper_means": ("以欺骗、贿赂等不正当手段取得注册", "registration was obtained by fraud, bribery or other improper means"),
}


def _rescission_ground(case: Case, firing, out: dict[str, Any]) -> dict[str, Any]:
    """The ground the prior notice states (this firing's, or the recorded notice's): its words, the
    compensation path (Art. 69 ¶4, for ¶1 cases only) and, under licence, the paragraph cited."""
    notice = (_events(case, ("notice_rescission",)) or [None])[-1]
    ground = firing.inputs.get("rescission_ground") or _details(notice).get("rescission_ground") or ""
    zh, en = RESCISSION_FINDINGS.get(ground, ("", ""))
    out.update({"ground_zh": zh, "ground_en": en, "compensation": ground not in NO_COMPENSATION})
    if _licence() and ground in RESCISSION_PROVISIONS:
        out["basis_extra"] = [RESCISSION_PROVISIONS[ground]]
    return out


def rescission_ground(case: Case) -> str:
    """The ground of rescission the latest prior notice on ``case`` stated ("" when none)."""
    notice = (_events(case, ("notice_rescission",)) or [None])[-1]
    return str(_details(notice).get("rescission_ground") or "")


def compensation_open(case: Case) -> bool:
    """Whether the rescission of ``case``'s registration opens the compensation path (Art. 69 ¶4:
    the authority's own error, ¶1; never a registration obtained by improper means, ¶2)."""
    ground = rescission_ground(case)
    return bool(ground) and ground not in NO_COMPENSATION


def rescission_notice_facts(case: Case, firing) -> dict[str, Any]:
    return _rescission_ground(case, firing, registered_facts(case, firing))


def rescission_facts(case: Case, firing) -> dict[str, Any]:
    """The rescission decision: the prior notice, its facts and evidence, the defence and the
    reply (``after_notice``), and the ground with its consequences."""
    return _rescission_ground(case, firing, after_notice("rescission_notice", "notice_rescission")(case, firing))


# What a deregistration decision finds, in the words of 行政许可法 Art. 70 (legal text, written here
# in both languages like the templates' wording, not through the UI catalogue).
DEREGISTRATION_FINDINGS = {
    "expired": ("该产品注册有效期届满，你单位未申请延续", "the registration's term has expired and you did not apply to renew it"),
    "terminated": ("你单位已依法终止", "your firm has been terminated according to law"),
    "rescinded": ("该产品注册已被依法撤销", "the registration has been rescinded according to law"),
    "revoked": ("该产品注册已被依法吊销", "the registration has been revoked according to law"),
    "force_majeure": ("因不可抗力导致注册事项无法实施", "force majeure makes the registered activity impossible"),
    "other_by_law": ("存在法律、法规规定的应当注销注册的其他情形", "a law or regulation requires the registration to be deregistered"),
    "firm_withdrawal": ("你单位已书面申请撤回该产品的备案", "you have applied in writing to withdraw the filing"),
}


def ground_facts(case: Case, firing) -> dict[str, Any]:
    """The ground of a deregistration: the one its (approved) proposal chose."""
    out = registered_facts(case, firing)
    proposal = (_events(case, ("propose_deregistration",)) or [None])[-1]
    ground = firing.inputs.get("ground") or _details(proposal).get("ground") or ""
    zh, en = DEREGISTRATION_FINDINGS.get(ground, ("该产品注册依法应予注销", "the registration must be deregistered"))
    out.update({"ground_zh": zh, "ground_en": en})
    if _licence() and ground in DEREGISTRATION_ITEMS:
        out["basis_extra"] = [DEREGISTRATION_ITEMS[ground]]
    return out
