"""What anyone may learn about a unit from its code (the QR target, ``GET /units/<code>`` and
the API's ``GET /api/v1/units/<code>``): model, manufacturer, tier, registration, certificate
and sandbox status where known, recall, and its history without locations, reporters' people or
any owner's personal data.

Other packages add what they know about a unit or its model (certificates, sandbox) with
``add_status_provider(name, fn)``: ``fn(unit) -> dict | None``, JSON-ready, public facts only;
``unit`` is a plain row with ``id``, ``code`` and ``model_id``; the answer always carries the key
(``None``: nothing to say).

The answer is read as plain rows, not ORM objects: one statement for the unit with its model,
manufacturer, newest registration and recall, one for its history, one per status provider
(the page is the QR target and is read far more often than anything else; the public-page cache
of ``supervision.public.caching`` keeps it between changes).  Labels are translated once per
language.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Callable

from flask_babel import get_locale, gettext
from sqlalchemy.orm import joinedload

from supervision.accounts.models import Organisation
from supervision.cases.models import Case
from supervision.core.timeutil import to_local
from supervision.extensions import db
from supervision.registry.models import TIER_LABELS, ModelVersion, Registration, RobotModel
from supervision.units import codes
from supervision.units.models import Unit, UnitEvent, UnitEventUnit, UnitRecall, UnitSubmission
from workflows.base import N_
from workflows.registration import REGISTRATION
from workflows.unit_lifecycle import UNIT_LIFECYCLE

Mistyped = codes.Mistyped
NotACode = codes.NotACode

_PROVIDERS: dict[str, Callable[[Any], dict | None]] = {}


class NotIssued(codes.CodeError):
    msgid = N_("This code is well formed but was never issued.")


def add_status_provider(name: str, fn: Callable[[Any], dict | None]) -> None:
    """Add a public status of a unit (e.g. ``"certificate"``, ``"sandbox"``) to the answer."""
    _PROVIDERS[name] = fn


def find(code_text: str) -> Unit:
    """The unit with this code; ``NotACode`` / ``Mistyped`` (a ``CodeError``) or ``NotIssued``."""
    code = codes.parse(code_text)
    unit = db.session.execute(db.select(Unit).filter_by(code=code.text).options(
        joinedload(Unit.model), joinedload(Unit.manufacturer))).scalar()
    if unit is None:
        raise NotIssued(code.text)
    return unit


CHANNEL_LABELS = {"form": N_("Form"), "csv": N_("CSV upload"), "api": N_("API"), "recall": N_("Recall"),
                  "demo": N_("Demo data")}


@functools.lru_cache(maxsize=16)
def _labels(locale: str) -> dict[str, dict[str, str]]:
    """The lifecycle's, registration's, tiers' and channels' labels in ``locale`` (the language
    of the request that first asks; the catalogues do not change while the process runs)."""
    steps = {tr.trigger: gettext(tr.label) for tr in reversed(UNIT_LIFECYCLE.transitions)}
    return {"state": {name: gettext(UNIT_LIFECYCLE.state_label(name)) for name in UNIT_LIFECYCLE.states},
            "step": {**steps, None: gettext(N_("Error declaration"))},
            "registration": {name: gettext(REGISTRATION.state_label(name)) for name in REGISTRATION.states},
            "tier": {tier: gettext(text) for tier, text in TIER_LABELS.items()},
            "channel": {name: gettext(text) for name, text in CHANNEL_LABELS.items()}}


def labels() -> dict[str, dict[str, str]]:
    return _labels(str(get_locale()))


@functools.cache
def _statements() -> dict[str, Any]:
    """The page's statements, built once (their SQL is compiled once per dialect and cached)."""
    newest_registration = (db.select(db.func.max(Registration.id))
                           .where(Registration.model_id == Unit.model_id,
                                  Registration.registration_number.is_not(None))
                           .correlate(Unit).scalar_subquery())
    declared = (db.select(ModelVersion.manufacturer).where(ModelVersion.model_id == Unit.model_id)
                .order_by(ModelVersion.number.desc()).limit(1).correlate(Unit).scalar_subquery())
    unit = (db.select(Unit.id, Unit.code, Unit.rule_version, Unit.state, Unit.model_id,
                      (Unit.transfer_to_id.is_not(None)).label("transfer_pending"),
                      RobotModel.name.label("model_name"), declared.label("declared"),
                      Organisation.name_zh, Organisation.name_en, Organisation.credit_code,
                      Registration.registration_number, Registration.registered_on, Registration.tier,
                      Case.state.label("registration_state"),
                      UnitRecall.created_at.label("recalled_at"), UnitRecall.reason.label("recall_reason"),
                      UnitRecall.measures.label("recall_measures"), UnitRecall.order_case_id)
            .join(RobotModel, RobotModel.id == Unit.model_id)
            .join(Organisation, Organisation.id == Unit.manufacturer_id)
            .outerjoin(Registration, Registration.id == newest_registration)
            .outerjoin(Case, Case.id == Registration.case_id)
            .outerjoin(UnitRecall, UnitRecall.id == Unit.recall_id)
            .where(Unit.code == db.bindparam("code")))
    history = (db.select(UnitEvent.id, UnitEvent.event_id, UnitEvent.trigger, UnitEvent.biz_step,
                         UnitEvent.disposition, UnitEvent.declares_error_of_id, UnitEvent.canonical,
                         UnitEventUnit.from_state, UnitEventUnit.to_state)
               .join(UnitEventUnit, UnitEventUnit.event_id == UnitEvent.id)
               .where(UnitEventUnit.unit_id == db.bindparam("unit_id")).order_by(UnitEvent.id))
    with_reporters = (history.add_columns(Organisation.name_zh, Organisation.name_en, Organisation.credit_code,
                                          UnitSubmission.channel)
                      .join(Organisation, Organisation.id == UnitEvent.reporter_id)
                      .join(UnitSubmission, UnitSubmission.id == UnitEvent.submission_id))
    return {"unit": unit, "history": history, "with_reporters": with_reporters}


def history(unit: Any, *, reporters: bool = False) -> list[dict]:
    """The events of ``unit`` (anything with an ``id``), oldest first; a declared-erroneous event
    stays, marked as such.  ``reporters``: with who reported each (the reporting firm, EPCIS
    "who") and through which channel — for the regulators' and the firms' pages, never the
    public one."""
    rows = db.session.execute(_statements()["with_reporters" if reporters else "history"],
                              {"unit_id": unit.id}).all()
    text = labels()
    declared = {r.declares_error_of_id for r in rows if r.declares_error_of_id}
    out = []
    for r in rows:
        doc = json.loads(r.canonical)
        out.append({
            "eventID": r.event_id,
            "eventTime": doc["eventTime"],
            "recordTime": doc["recordTime"],
            "eventTimeText": f"{doc['eventTime'][:16].replace('T', ' ')} ({doc['eventTimeZoneOffset']})",
            "recordTimeText": doc["recordTime"][:16].replace("T", " ") + " UTC",
            "step": r.trigger or "error_declaration",
            "stepLabel": text["step"].get(r.trigger, r.trigger),
            "bizStep": r.biz_step,
            "disposition": r.disposition,
            "fromState": r.from_state,
            "toState": r.to_state,
            "toStateLabel": text["state"].get(r.to_state, r.to_state),
            "declaredErroneous": r.id in declared,
            "declaresErrorOf": doc.get("errorDeclaration", {}).get("eventID"),
        })
        if reporters:
            out[-1]["reporter"] = {"name_zh": r.name_zh, "name_en": r.name_en, "creditCode": r.credit_code}
            out[-1]["channel"] = r.channel
            out[-1]["channelLabel"] = text["channel"].get(r.channel, r.channel)
    return out


def describe(code_text: str) -> dict:
    """The public JSON of a unit (see the module docstring)."""
    code = codes.parse(code_text)
    unit = db.session.execute(_statements()["unit"], {"code": code.text}).first()
    if unit is None:
        raise NotIssued(code.text)
    text = labels()
    answer: dict[str, Any] = {
        "code": unit.code,
        "codingRule": unit.rule_version,
        "state": unit.state,
        "stateLabel": text["state"].get(unit.state, unit.state),
        "transferPending": bool(unit.transfer_pending),
        "model": {"name": unit.model_name, "manufacturerDeclared": unit.declared},
        "manufacturer": {"name_zh": unit.name_zh, "name_en": unit.name_en, "creditCode": unit.credit_code},
        "tier": None,
        "registration": None,
        "recall": None,
    }
    if unit.registration_number is not None:
        answer["tier"] = unit.tier
        answer["tierLabel"] = text["tier"][unit.tier] if unit.tier else None
        answer["registration"] = {
            "number": unit.registration_number,
            "registeredOn": unit.registered_on.isoformat() if unit.registered_on else None,
            "status": unit.registration_state,
            "statusLabel": text["registration"].get(unit.registration_state, unit.registration_state),
        }
    if unit.recalled_at is not None:
        answer["recall"] = {"reportedOn": to_local(unit.recalled_at).date().isoformat(),
                            "reason": unit.recall_reason, "measures": unit.recall_measures,
                            "open": unit.state == "recalled", "ordered": unit.order_case_id is not None}
    for name, fn in _PROVIDERS.items():
        answer[name] = fn(unit)
    answer["history"] = history(unit)
    return answer
