"""What anyone may learn about a unit from its code (the QR target, ``GET /units/<code>`` and
the API's ``GET /api/v1/units/<code>``): model, manufacturer, tier, registration, certificate
and sandbox status where known, recall, and its history without locations, reporters' people or
any owner's personal data.

Other packages add what they know about a unit or its model (certificates, sandbox) with
``add_status_provider(name, fn)``: ``fn(unit) -> dict | None``, JSON-ready, public facts only;
the answer always carries the key (``None``: nothing to say).
"""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext
from sqlalchemy.orm import joinedload

from supervision.core.timeutil import to_local
from supervision.extensions import db
from supervision.registry.models import TIER_LABELS, ModelVersion
from supervision.units import codes
from supervision.units.models import Unit, UnitEvent, UnitEventUnit, UnitRecall, UnitSubmission
from supervision.units.services import registration_of_model
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


def history(unit: Unit, *, reporters: bool = False) -> list[dict]:
    """The unit's events, oldest first; a declared-erroneous event stays, marked as such.
    ``reporters``: with who reported each (the reporting firm, EPCIS "who") and through which
    channel — for the regulators' and the firms' pages, never the public one."""
    rows = db.session.execute(
        db.select(UnitEvent, UnitEventUnit, UnitSubmission.channel)
        .join(UnitEventUnit, UnitEventUnit.event_id == UnitEvent.id)
        .join(UnitSubmission, UnitSubmission.id == UnitEvent.submission_id)
        .where(UnitEventUnit.unit_id == unit.id).order_by(UnitEvent.id)
        .options(joinedload(UnitEvent.reporter))).all()
    declared = {e.declares_error_of_id for e, _r, _c in rows if e.declares_error_of_id}
    out = []
    for event, row, channel in rows:
        doc = event.document
        step = UNIT_LIFECYCLE.row_of(event.trigger).label if event.trigger else N_("Error declaration")
        out.append({
            "eventID": event.event_id,
            "eventTime": doc["eventTime"],
            "recordTime": doc["recordTime"],
            "eventTimeText": f"{doc['eventTime'][:16].replace('T', ' ')} ({doc['eventTimeZoneOffset']})",
            "recordTimeText": doc["recordTime"][:16].replace("T", " ") + " UTC",
            "step": event.trigger or "error_declaration",
            "stepLabel": gettext(step),
            "bizStep": event.biz_step,
            "disposition": event.disposition,
            "fromState": row.from_state,
            "toState": row.to_state,
            "toStateLabel": gettext(UNIT_LIFECYCLE.state_label(row.to_state)),
            "declaredErroneous": event.id in declared,
            "declaresErrorOf": doc.get("errorDeclaration", {}).get("eventID"),
        })
        if reporters:
            out[-1]["reporter"] = {"name_zh": event.reporter.name_zh, "name_en": event.reporter.name_en,
                                   "creditCode": event.reporter.credit_code}
            out[-1]["channel"] = channel
            out[-1]["channelLabel"] = gettext(CHANNEL_LABELS.get(channel, channel))
    return out


def describe(code_text: str) -> dict:
    """The public JSON of a unit (see the module docstring)."""
    unit = find(code_text)
    model = unit.model
    declared = db.session.execute(db.select(ModelVersion.manufacturer).filter_by(model_id=model.id)
                                  .order_by(ModelVersion.number.desc()).limit(1)).scalar()
    reg = registration_of_model(model)
    answer: dict[str, Any] = {
        "code": unit.code,
        "codingRule": unit.rule_version,
        "state": unit.state,
        "stateLabel": gettext(UNIT_LIFECYCLE.state_label(unit.state)),
        "transferPending": unit.transfer_pending,
        "model": {"name": model.name, "manufacturerDeclared": declared},
        "manufacturer": {"name_zh": unit.manufacturer.name_zh, "name_en": unit.manufacturer.name_en,
                         "creditCode": unit.manufacturer.credit_code},
        "tier": None,
        "registration": None,
        "recall": None,
    }
    if reg is not None:
        registration, case = reg
        answer["tier"] = registration.tier
        answer["tierLabel"] = gettext(TIER_LABELS[registration.tier]) if registration.tier else None
        answer["registration"] = {
            "number": registration.registration_number,
            "registeredOn": registration.registered_on.isoformat() if registration.registered_on else None,
            "status": case.state,
            "statusLabel": gettext(REGISTRATION.state_label(case.state)),
        }
    recall = _recall_of(unit)
    if recall is not None:
        answer["recall"] = {"reportedOn": to_local(recall.created_at).date().isoformat(),
                            "reason": recall.reason, "measures": recall.measures,
                            "open": unit.state == "recalled", "ordered": recall.order_case_id is not None}
    for name, fn in _PROVIDERS.items():
        answer[name] = fn(unit)
    answer["history"] = history(unit)
    return answer


def _recall_of(unit: Unit) -> UnitRecall | None:
    if unit.recall_id is not None:
        return db.session.get(UnitRecall, unit.recall_id)
    return None
