"""Looking up instruments and provisions, checking that a basis may be acted on, and the
administrators' changes (one audit event each)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from flask import current_app

from supervision.audit.services import record
from supervision.extensions import db
from supervision.legal import catalogue
from supervision.legal.model import ADOPTED, KEY, STATUSES, Instrument, Provision
from supervision.legal.models import LegalInstrument, LegalProvision
from workflows.base import N_


class LegalError(Exception):
    """A legal configuration cannot be used or saved (message is N_-marked, with params)."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


def _from_row(row: LegalInstrument) -> Instrument:
    return Instrument(row.key, row.title_zh, row.title_en, row.issuing_body_zh, row.issuing_body_en,
                      row.document_number or "", row.adopted_on, row.status, national=row.national)


def instruments() -> dict[str, Instrument]:
    """Every known instrument by key: the catalogue, with administrators' rows over it."""
    out = {i.key: i for i in catalogue.INSTRUMENTS}
    for row in db.session.execute(db.select(LegalInstrument)).scalars():
        out[row.key] = _from_row(row)
    return out


def instrument(key: str) -> Instrument | None:
    row = db.session.get(LegalInstrument, key)
    if row is not None:
        return _from_row(row)
    return next((i for i in catalogue.INSTRUMENTS if i.key == key), None)


def provisions() -> dict[str, Provision]:
    """Every known provision by key, each with its instrument."""
    insts = instruments()
    out = {p.key: p for p in catalogue.PROVISIONS}
    for row in db.session.execute(db.select(LegalProvision)).scalars():
        out[row.key] = Provision(row.key, row.instrument_key, row.article, row.paragraph, row.item,
                                 row.text_zh, row.text_en)
    return {k: Provision(**{**p.__dict__, "of": insts[p.instrument]}) for k, p in out.items()
            if p.instrument in insts}


def resolve(keys: Iterable[str]) -> list[Provision]:
    """The provisions named by ``keys``, in order; an unknown key is an error."""
    known = provisions()
    missing = [k for k in keys if k not in known]
    if missing:
        raise LegalError(N_("Unknown provision: %(keys)s. Record it on the legal-bases page first."),
                         keys=", ".join(missing))
    return [known[k] for k in keys]


def may_empower(provision: Provision) -> bool:
    """Whether ``provision`` may be cited as the power to decide (``catalogue.NEVER_A_BASIS``)."""
    return provision.instrument not in catalogue.NEVER_A_BASIS and provision.key not in catalogue.NEVER_A_BASIS


def not_adopted(cited: Iterable[Provision]) -> list[Instrument]:
    """The instruments among ``cited`` that are not adopted, each once, in citing order."""
    out: list[Instrument] = []
    for p in cited:
        if p.of is not None and not p.of.adopted and p.of not in out:
            out.append(p.of)
    return out


def enforcing() -> bool:
    """Whether issuing on a provision that is not adopted is refused (production only)."""
    return current_app.config.get("ENV_NAME") == "production"


def issuing_refusal(cited: Iterable[Provision]) -> tuple[str, dict] | None:
    """Why a decision citing ``cited`` may not be issued here and now (production), or None."""
    pending = not_adopted(cited)
    if not pending or not enforcing():
        return None
    return (N_("This decision cannot be issued: its legal basis cites %(titles)s, which is not "
               "adopted. An administrator must record the adopted instrument (issuing body, document "
               "number, adoption date) on the legal-bases page, or base the decision kind on adopted "
               "provisions."),
            {"titles": "、".join(i.cited("zh") for i in pending)})


def is_adopted(key: str) -> bool:
    """Whether the instrument ``key`` exists and is adopted (e.g. to bind a ruleset to it)."""
    found = instrument(key)
    return found is not None and found.adopted


def save_instrument(key: str, *, title_zh: str, title_en: str, issuing_body_zh: str, issuing_body_en: str,
                    document_number: str, adopted_on: dt.date | None, status: str, actor) -> Instrument:
    """Record an instrument (or replace the catalogue's entry of the same key)."""
    if not KEY.match(f"{key}:1"):
        raise LegalError(N_("An instrument key has lower-case letters, digits and underscores."))
    if status not in STATUSES:
        raise LegalError(N_("Unknown status."))
    if not (title_zh.strip() and title_en.strip() and issuing_body_zh.strip() and issuing_body_en.strip()):
        raise LegalError(N_("Give the title and the issuing body in Chinese and in English."))
    if status == ADOPTED and (adopted_on is None or not document_number.strip()):
        raise LegalError(N_("An adopted instrument needs its document number and adoption date."))
    before = instrument(key)
    row = db.session.get(LegalInstrument, key) or LegalInstrument(key=key)
    row.title_zh, row.title_en = title_zh.strip(), title_en.strip()
    row.issuing_body_zh, row.issuing_body_en = issuing_body_zh.strip(), issuing_body_en.strip()
    row.document_number, row.adopted_on, row.status = document_number.strip(), adopted_on, status
    row.national = before.national if before is not None else False
    row.updated_by_id = getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    record("legal.instrument", actor=actor, object_type="legal_instrument", object_id=key,
           details={"status": status, "document_number": row.document_number,
                    "adopted_on": adopted_on.isoformat() if adopted_on else None,
                    "before_status": before.status if before else None, "title_zh": row.title_zh})
    return _from_row(row)


def save_provision(key: str, *, text_zh: str, text_en: str, actor) -> Provision:
    """Record a provision of a known instrument with a short statement of what it says."""
    try:
        parsed = Provision.parse(key.strip())
    except ValueError:
        raise LegalError(N_("A provision is written instrument:article[.paragraph[.item]], e.g. measure:10.1.")) from None
    if instrument(parsed.instrument) is None:
        raise LegalError(N_("Unknown instrument: %(keys)s."), keys=parsed.instrument)
    if not (text_zh.strip() and text_en.strip()):
        raise LegalError(N_("Say briefly, in Chinese and in English, what the provision says."))
    row = db.session.get(LegalProvision, parsed.key) or LegalProvision(key=parsed.key)
    row.instrument_key, row.article, row.paragraph, row.item = (parsed.instrument, parsed.article,
                                                                parsed.paragraph, parsed.item)
    row.text_zh, row.text_en, row.updated_by_id = text_zh.strip(), text_en.strip(), getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    record("legal.provision", actor=actor, object_type="legal_provision", object_id=parsed.key,
           details={"text_zh": row.text_zh})
    return provisions()[parsed.key]


def seed_catalogue(*, actor=None, keys: Iterable[str] | None = None) -> int:
    """Write catalogue instruments and their provisions as rows (the demo shows its example
    measure this way); existing rows are kept.  Returns the number of rows written."""
    wanted = set(keys) if keys is not None else {i.key for i in catalogue.INSTRUMENTS}
    written = 0
    for inst in catalogue.INSTRUMENTS:
        if inst.key in wanted and db.session.get(LegalInstrument, inst.key) is None:
            db.session.add(LegalInstrument(
                key=inst.key, title_zh=inst.title_zh, title_en=inst.title_en,
                issuing_body_zh=inst.issuing_body_zh, issuing_body_en=inst.issuing_body_en,
                document_number=inst.document_number, adopted_on=inst.adopted_on, status=inst.status,
                national=inst.national, updated_by_id=getattr(actor, "id", None)))
            written += 1
    for p in catalogue.PROVISIONS:
        if p.instrument in wanted and db.session.get(LegalProvision, p.key) is None:
            db.session.add(LegalProvision(key=p.key, instrument_key=p.instrument, article=p.article,
                                          paragraph=p.paragraph, item=p.item, text_zh=p.text_zh,
                                          text_en=p.text_en, updated_by_id=getattr(actor, "id", None)))
            written += 1
    db.session.flush()
    return written
