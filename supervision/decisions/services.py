"""Issuing decisions: gap-free numbers, the snapshot hash, render → sign → store, and checks.

``issue_decision`` is the only code that creates a ``Decision``.  It runs inside the caller's
unit of work (the case engine's ``fire``) and only flushes.  An issued decision
is never regenerated: a correction is a new decision with a new number.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import rfc8785
from flask import current_app, render_template
from flask_babel import force_locale

from supervision.audit import services as audit
from supervision.audit.models import AuditEvent
from supervision.audit.services import record
from supervision.cases import types
from supervision.cases.models import Case
from supervision.core import limited
from supervision.core.database import lock_for_writing
from supervision.core.timeutil import SHANGHAI, utcnow
from supervision.decisions import kinds as kind_config
from supervision.decisions import qr, render, signing
from supervision.decisions import bases
from supervision.decisions.models import Decision, DecisionStatus, DocumentCounter
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.extensions import db
from workflows.base import N_

class DecisionError(Exception):
    """A decision cannot be issued (message is N_-marked)."""


# -- snapshot of what was decided on ---------------------------------------------------------


def facts_snapshot(case: Case) -> dict[str, Any]:
    """What a decision rests on and may change afterwards: the subject and the case's files."""
    docs = db.session.execute(
        db.select(Document.id, Document.sha256)
        .where(Document.case_id == case.id, Document.kind != "decision").order_by(Document.id)
    ).all()
    provider = types.get(case.case_type).snapshot
    subject = provider(case) if provider is not None else {"title": case.title, "firm_id": case.firm_id}
    return {"subject": subject, "documents": [{"id": d.id, "sha256": d.sha256} for d in docs]}


def canonical(doc: dict[str, Any]) -> bytes:
    return rfc8785.dumps(_jsonable(doc))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, bool, float)):
        return value
    return str(value)


def decision_snapshot(case: Case) -> dict[str, Any]:
    return {
        "case": {"number": case.number, "type": case.case_type, "workflow_version": case.workflow_version,
                 "state": case.state, "proposal": case.proposal, "firm_id": case.firm_id,
                 "department_id": case.department_id},
        "facts": facts_snapshot(case),
    }


def facts_sha256(case: Case) -> str:
    """The SHA-256 of the facts a decision on ``case`` would rest on now."""
    return hashlib.sha256(canonical({"f": facts_snapshot(case)})).hexdigest()


def approved_facts_sha256(case: Case) -> str | None:
    """The facts hash recorded by the case's latest approval (four eyes), if any."""
    import json

    from workflows.base import APPROVAL

    wf = types.workflow(case.case_type)
    approvals = sorted({tr.trigger for tr in wf.transitions if tr.kind == APPROVAL})
    details = db.session.execute(
        db.select(AuditEvent.details)
        .where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(approvals))
        .order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    return json.loads(details).get(APPROVED_FACTS) if details else None


def approved_facts_changed(case: Case) -> bool:
    """Have the facts changed since the case's latest approval?"""
    approved = approved_facts_sha256(case)
    return approved is not None and approved != facts_sha256(case)


APPROVED_FACTS = "approved_facts_sha256"  # the approval's audit detail naming what was approved


def changed_since(decision: Decision) -> bool:
    """Have the facts the decision rested on changed since it was issued?"""
    import json

    stored = json.loads(decision.snapshot).get("facts")
    return canonical({"f": stored}) != canonical({"f": facts_snapshot(decision.case)})


def changed_since_decision(case: Case) -> bool:
    """True when the facts under the case's latest decision whose kind cares about them differ
    from today's (a supplement or acceptance notice expects the firm to act: not counted)."""
    installed = kind_config.installed()
    matter = [k for k, kind in installed.items() if kind.facts_matter]
    latest = db.session.execute(
        db.select(Decision).where(Decision.case_id == case.id, Decision.kind.in_(matter))
        .order_by(Decision.id.desc()).limit(1)
    ).scalar()
    return latest is not None and changed_since(latest)


# -- numbering -------------------------------------------------------------------------------


def _take_serial(department_id: int, kind: str, year: int) -> int:
    """The next serial, gap-free: the counter row is locked until the transaction ends."""
    bind = db.session.get_bind()
    values = {"department_id": department_id, "kind": kind, "year": year, "last_serial": 0}
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(DocumentCounter).values(**values).on_conflict_do_nothing(
        index_elements=["department_id", "kind", "year"]))
    counter = db.session.execute(
        db.select(DocumentCounter).filter_by(department_id=department_id, kind=kind, year=year)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    counter.last_serial += 1
    db.session.flush()
    return counter.last_serial


def format_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial}号"


def _lock_order() -> None:
    """Take the audit log's lock before the counter's, as every writer does (no deadlock)."""
    lock_for_writing(audit._PG_LOCK_KEY)


# -- issuing ---------------------------------------------------------------------------------


def date_text(day: dt.date, language: str) -> str:
    return f"{day.day} {day:%B} {day.year}" if language == "en" else f"{day.year}年{day.month}月{day.day}日"


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int | str) -> str:
    """A count in Chinese numerals as body text writes it (GB/T 9704: 五个工作日, 二十日, 一百零五):
    0-9999; anything else (or not a count) is returned as it was given."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return str(n)
    if not 0 <= n < 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + ("" if unit == "十" and digit == 1 and not out else _DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _lines(text_value: str | None) -> list[str]:
    import re

    out = []
    for line in (text_value or "").splitlines():
        line = re.sub(r"^\s*(?:\d+[.、．)]|[（(]\d+[)）]|[-*•])\s*", "", line).strip()
        if line:
            out.append(line)
    return out


def verify_url(token: str) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/verify/{token}"


def document_facts(kind: kind_config.DecisionKind, case: Case, firing) -> dict[str, Any]:
    """What a decision issued by ``firing`` states: the reasons given (or, for a kind that acts
    on an earlier proposal or notice, the reasons recorded then) and the kind's own facts."""
    reason = firing.inputs.get("reason") or firing.inputs.get("comment")
    if not reason and kind.reason_from:
        reason = db.session.execute(
            db.select(AuditEvent.reason)
            .where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(kind.reason_from),
                   AuditEvent.reason.is_not(None))
            .order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    facts: dict[str, Any] = {"reason": reason}
    if kind.facts is not None:
        facts.update(kind.facts(case, firing))
    return facts


# Decisions that take effect notwithstanding a challenge say so (行政处罚法 Art. 73 for
# penalties; 行政复议法 Art. 42, 行政诉讼法 Art. 56 otherwise).
NOT_SUSPENDED = {
    True: ("依据《中华人民共和国行政处罚法》第七十三条的规定，当事人申请行政复议或者提起行政诉讼的，行政处罚不停止执行，法律另有规定的除外。",
           "Under Article 73 of the Administrative Penalty Law, applying for reconsideration or bringing a "
           "lawsuit does not stop the execution of the penalty, unless the law provides otherwise."),
    False: ("依据《中华人民共和国行政复议法》第四十二条、《中华人民共和国行政诉讼法》第五十六条的规定，行政复议或者行政诉讼期间，本决定不停止执行。",
            "Under Article 42 of the Administrative Reconsideration Law and Article 56 of the Administrative "
            "Litigation Law, this decision is executed during reconsideration or litigation."),
}


def _registered_ref(facts: dict[str, Any], en: bool) -> str:
    """"（注册编号：…；准予注册决定书：…号）": what every later decision about a registration cites."""
    reg, grant = facts.get("registration_number"), facts.get("grant_number")
    if not (reg or grant):
        return ""
    if en:
        parts = ([f"registration number {reg}"] if reg else []) + ([f"granted by decision {grant}"] if grant else [])
        return " (" + "; ".join(parts) + ")"
    parts = ([f"注册编号：{reg}"] if reg else []) + ([f"准予注册决定书文号：{grant}"] if grant else [])
    return "（" + "；".join(parts) + "）"


def not_suspended(kind: kind_config.DecisionKind) -> tuple[str, str] | None:
    """The sentence on execution during a challenge, for kinds that restrict (suspend, revoke)."""
    return NOT_SUSPENDED[kind.is_penalty()] if kind.restricts else None


TYPE_AREA_PT = 225 / 25.4 * 72   # the type area's height (GB/T 9704-2012 §5.2.2)
# Lines a page: 22 for Chinese (§5.2.2), 30 for English in 12 pt; up to four steps of two more
# lines are tried when a document would leave its last page for the tail.
LINES = {"zh": 22, "en": 30}
TIGHTER = (2, 4, 6, 8)


def _context(case: Case, kind: kind_config.DecisionKind, *, number: str, token: str, language: str,
             day: dt.date, facts: dict[str, Any], line_pt: float = round(TYPE_AREA_PT / 22, 2)) -> dict[str, Any]:
    """The template's values: what every decision prints, then the kind's own facts."""
    en = language == "en"
    department, firm = case.department, case.firm
    party = firm if kind.to_firm else None
    basis, context = bases.cited(kind.key, language, facts.get("basis_extra") or ())
    reason_lines = _lines(facts.get("reason"))
    url = verify_url(token)
    return {
        **facts,
        "kind": kind, "language": language, "number": number,
        "authority": department.name_en if en else department.name_zh,
        "addressee": (firm.name_en if en else firm.name_zh) if firm else "",
        "party_credit_code": party.credit_code if party else "",
        # An English decision falls back on the Chinese address: the party is named where it is registered.
        "party_address": ((party.address_en or party.address_zh) if en else party.address_zh) or "" if party else "",
        "subject": facts.get("subject") or case.title, "case_number": case.number,
        "legal_basis": basis + ("," if en else "，"), "legal_context": context,
        "context_phrase": bases.context_phrase(kind.key, language),
        "sample": bases.is_sample(kind.key), "penalty": kind.is_penalty(), "nature": kind.nature(),
        "reason_lines": reason_lines, "items": _lines(facts.get("items")) or reason_lines,
        "conditions": facts.get("conditions") or [],
        "reconsideration_body": current_app.config["RECONSIDERATION_BODY_EN" if en else "RECONSIDERATION_BODY_ZH"],
        "not_suspended": not_suspended(kind) if kind.appealable else None,
        "copy_to": current_app.config.get("DECISION_COPY_TO_EN" if en else "DECISION_COPY_TO_ZH") or "",
        "letter": kind.in_letter_format(), "line_pt": line_pt, "line": f"{line_pt}pt", "defence_days": facts.get("defence_days", 5),
        "date_text": date_text(day, language), "verify_url": url, "qr_svg": qr.qr_svg(url),
        "t": (lambda zh, en_text: en_text if en else zh), "lines": _lines, "cn": chinese_number,
        "registered_ref": _registered_ref(facts, en),
    }


def render_decision_html(case: Case, kind_key: str, *, number: str, token: str, language: str = "zh",
                         day: dt.date | None = None, facts: dict[str, Any] | None = None,
                         lines_per_page: int | None = None) -> str:
    kind = kind_config.get(kind_key)
    day = day or dt.datetime.now(SHANGHAI).date()
    ctx = _context(case, kind, number=number, token=token, language=language, day=day, facts=facts or {},
                   line_pt=round(TYPE_AREA_PT / (lines_per_page or LINES.get(language, 22)), 2))
    with force_locale(language):
        return render_template(kind.template_path(), **ctx)


def render_fitting(case: Case, kind_key: str, *, pdf_variant: str | None = None, **kw) -> render.Rendered:
    """Render at 22 lines a page (English: 30); when the document spills onto one more page, set
    it at up to eight more lines a page if that saves the page (GB/T 9704-2012 §7.3.5.1: where
    the space left cannot hold the seal and date, adjust the line spacing).  Raises
    ``limited.LimitExceeded``."""
    rendered = render.render_pdf(render_decision_html(case, kind_key, **kw), pdf_variant=pdf_variant)
    base = LINES.get(kw.get("language", "zh"), 22)
    for more in TIGHTER:
        if rendered.pages == 1:
            break
        tighter = render.render_pdf(render_decision_html(case, kind_key, lines_per_page=base + more, **kw),
                                    pdf_variant=pdf_variant)
        if tighter.pages < rendered.pages:
            return tighter
    return rendered


def _refusal(case: Case, kind: kind_config.DecisionKind, approved: str | None) -> str | None:
    """Why a decision of ``kind`` may not be issued on ``case`` now (None: it may)."""
    from workflows.base import DECISIONS_WITHHELD

    if kind.decides:
        state = types.workflow(case.case_type).states.get(case.state)
        if state is not None and DECISIONS_WITHHELD in state.tags:
            return "No decision is issued while the case is in public notice."
    if kind.on_approved_facts:
        approved = approved or approved_facts_sha256(case)
        if approved is not None and approved != facts_sha256(case):
            return "The facts differ from those approved: the decision cannot be signed."
    if kind.to_firm and (kind.is_penalty() or kind.restricts) and case.firm is not None \
            and not (case.firm.address_zh or "").strip():
        # 行政处罚法 Art. 59: a penalty decision states the party's address; a decision that
        # restricts a right in force is held to the same standard.  Other documents say the
        # address is not on record.
        return N_("The firm has no address on record, and this decision must state the party's address "
                  "(Administrative Penalty Law, Art. 59): record the firm's address before issuing it.")
    if kind.contradicts:
        clash = db.session.execute(
            db.select(Decision.number).where(
                Decision.case_id == case.id, Decision.status == DecisionStatus.ISSUED.value,
                Decision.kind.in_([k for k in kind.contradicts if k not in kind.ends])).limit(1)).scalar()
        if clash is not None:
            return f"A contradictory decision is in force on this case: {clash}."
    return None


def issue_decision(case: Case, kind_key: str, *, actor, language: str = "zh",
                   facts: dict[str, Any] | None = None, pdf_variant: str | None = None,
                   approved_facts: str | None = None) -> Decision:
    """Number, render, sign and store a decision of ``kind_key`` on ``case``; one audit event.

    Refused (``DecisionError``) for a deciding kind while the case is in public notice, for a
    kind signed on the approved facts when the facts differ from the hash ``approved_facts``
    (default: the one the latest approval recorded; a case without any approval on record has
    nothing to compare), and beside a contradictory decision in force."""
    if kind_key not in kind_config.installed():
        raise DecisionError("Unknown decision kind.")
    if language not in ("zh", "en"):
        raise DecisionError("Unknown language.")
    kind = kind_config.get(kind_key)
    refusal = bases.issuing_refusal(kind.key)
    if refusal is not None:
        raise DecisionError(refusal[0] % refusal[1])
    why = _refusal(case, kind, approved_facts)
    if why:
        raise DecisionError(why)
    department = case.department
    now = utcnow()
    day = now.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date()
    snapshot = decision_snapshot(case)
    snapshot_bytes = canonical(snapshot)

    _lock_order()
    serial = _take_serial(department.id, kind.key, day.year)
    prefix = kind.number_pattern.format(dept=department.doc_prefix or department.name_zh)
    number = format_number(prefix, day.year, serial)
    token = secrets.token_urlsafe(24)
    try:
        rendered = render_fitting(case, kind.key, number=number, token=token, language=language,
                                  day=day, facts=facts, pdf_variant=pdf_variant)
    except limited.LimitExceeded:
        raise DecisionError(N_("The decision's document could not be rendered within the time and memory "
                               "allowed: shorten the texts it prints and try again.")) from None
    authority = department.name_en if language == "en" else department.name_zh
    pdf = signing.sign_pdf(
        rendered.pdf, department=department, box=rendered.seal_box,
        stamp=signing.StampText(authority=authority),
        reason=f"{kind.title_zh} {number}")
    digest = storage.put(pdf)
    document = Document(sha256=digest, filename=f"{number}.pdf", content_type="application/pdf",
                        size=len(pdf), classification="internal", case_id=case.id,
                        firm_id=case.firm_id, uploaded_by_id=getattr(actor, "id", None), kind="decision")
    db.session.add(document)
    db.session.flush()
    decision = Decision(case_id=case.id, kind=kind.key, number=number, serial=serial, year=day.year,
                        department_id=department.id, language=language,
                        snapshot=snapshot_bytes.decode(), snapshot_sha256=hashlib.sha256(snapshot_bytes).hexdigest(),
                        document_id=document.id, pdf_sha256=digest, token=token, issued_at=now,
                        issued_by_id=getattr(actor, "id", None))
    db.session.add(decision)
    db.session.flush()
    ended = _end_earlier(case, kind, decision, now)
    from supervision.decisions import delivery

    delivery.on_issue(decision, actor=actor)
    record("decision.issue", actor=actor, case=case, object_type="decision", object_id=decision.id,
           details={"number": number, "kind": kind.key, "pdf_sha256": digest, "document_id": document.id,
                    "snapshot_sha256": decision.snapshot_sha256, "language": language,
                    "ended": ", ".join(ended) if ended else None})
    return decision


def _end_earlier(case: Case, kind: kind_config.DecisionKind, decision: Decision, now: dt.datetime) -> list[str]:
    if not kind.ends:
        return []
    earlier = db.session.execute(
        db.select(Decision).where(Decision.case_id == case.id, Decision.id != decision.id,
                                  Decision.kind.in_(list(kind.ends)),
                                  Decision.status == DecisionStatus.ISSUED.value)
    ).scalars().all()
    for old in earlier:
        old.status = kind.ends[old.kind]
        old.status_changed_at = now
        old.status_changed_by_decision_id = decision.id
    return [f"{old.number}:{old.status}" for old in earlier]


# -- reading and verifying -------------------------------------------------------------------


def decisions_of(case: Case) -> list[Decision]:
    return list(db.session.execute(
        db.select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)).scalars())


def by_token(token: str) -> Decision | None:
    if not token or len(token) > 64:
        return None
    return db.session.execute(db.select(Decision).filter_by(token=token)).scalar()


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕",
                           "【": "〔", "】": "〕", "［": "〔", "］": "〕", "〖": "〔", "〗": "〕"})


def normalise_number(number: str) -> str:
    """A document number as people type it — 杭经信登(2026)7号, 杭经信登（2026）7号, with
    spaces — in its official form 杭经信登〔2026〕7号."""
    return "".join((number or "").split()).translate(_BRACKETS)


def by_number(number: str) -> Decision | None:
    number = normalise_number(number)
    if not number or len(number) > 64:
        return None
    return db.session.execute(db.select(Decision).filter_by(number=number)).scalar()


@dataclass(frozen=True)
class UploadVerdict:
    authentic: bool
    decision: Decision | None
    known_hash: bool
    signature: signing.SignatureCheck | None


def verify_upload(data: bytes) -> UploadVerdict:
    """Is ``data`` exactly a PDF we issued, with an intact signature by a key our CA certified?"""
    if not data or not data.startswith(b"%PDF"):
        return UploadVerdict(False, None, False, None)
    digest = hashlib.sha256(data).hexdigest()
    decision = db.session.execute(db.select(Decision).filter_by(pdf_sha256=digest)).scalar()
    check = signing.validate(data)
    return UploadVerdict(decision is not None and check.valid, decision, decision is not None, check)
