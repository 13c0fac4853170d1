"""Checking one submitted event on its own (shape, time, codes, CBV names, destination, error
declaration), before ``events.record`` runs the lifecycle over the whole submission.  Every
problem is collected as ``{"index", "field", "message"}`` (message in the current locale)."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

import rfc8785
from flask_babel import gettext

from supervision.accounts.models import OrgKind, Organisation
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units import codes, schema
from supervision.units.models import UnitEvent
from workflows.base import N_
from workflows.unit_lifecycle import CBV, TRANSFER_TRIGGERS, TRIGGER_BY_CBV

CLOCK_SKEW = dt.timedelta(minutes=5)  # an event time this far ahead of ours is still accepted
_QUERY_CHUNK = 900

M_NOT_A_LIST = N_("Send a list of events.")
M_TOO_MANY = N_("At most %(limit)s events at once.")
M_TOO_MANY_CODES = N_("At most %(limit)s unit codes in one submission.")
M_NOT_AN_OBJECT = N_("Each event must be an object.")
M_UNKNOWN_FIELD = N_("This field is not part of an event.")
M_REQUIRED = N_("This field is required.")
M_CHOICE = N_("Not one of the allowed values.")
M_TEXT = N_("Must be text of at most %(limit)s characters.")
M_TIME = N_("Must be a date and time with its time-zone offset, e.g. 2026-12-01T09:30:00+08:00.")
M_FUTURE = N_("The event time is in the future.")
M_OFFSET = N_("Does not match the offset of the event time.")
M_CODES = N_("Must be a list of 1 to %(limit)s unit codes.")
M_PAIR = N_("This business step and disposition do not name a lifecycle step.")
M_ACTION = N_("The action of this step is %(action)s.")
M_NOT_ISSUED = N_("This code was never issued.")
M_DUPLICATE_CODE = N_("This code appears twice in the event.")
M_NOT_HELD = N_("Your firm does not hold this unit.")
M_IMPOSSIBLE = N_("A unit that is %(state)s cannot be reported %(step)s.")
M_DESTINATION = N_("A transfer names the receiving firm's unified social credit code.")
M_NO_DESTINATION = N_("Only a transfer names a receiving firm.")
M_UNKNOWN_FIRM = N_("No firm with this unified social credit code is known.")
M_SELF = N_("A firm cannot transfer a unit to itself.")
M_DETAILS = N_("Free details must be an object of at most %(limit)s bytes as JSON.")
M_EVENT_ID_TAKEN = N_("This event identifier is already recorded.")
M_NOT_DECLARABLE = N_("No event of your firm with this identifier can be declared erroneous.")
M_ALREADY_DECLARED = N_("This event was already declared erroneous.")
M_NOT_LATEST = N_("Only the latest change of unit %(code)s can be declared erroneous; declare the later ones first.")
M_DECLARATION_ONLY = N_("An error declaration takes no business step, disposition or units of its own.")
M_GEO = N_("A geo URI must be geo:latitude,longitude within range.")

_LOCATION_FIELDS = ("id", "address")


@dataclass
class Checked:
    """One event that passed its own checks, ready to be simulated and written."""

    index: int
    raw: dict
    trigger: str | None
    codes: list[str]
    event_time: dt.datetime         # aware
    offset: str
    destination: Organisation | None = None
    declared: UnitEvent | None = None
    where: dict | None = None
    details: dict = field(default_factory=dict)


class Errors(list):
    """The problems found, each translated once; with ``limit``, only the first ``limit`` are
    kept (``total`` counts them all)."""

    def __init__(self, limit: int | None = None):
        super().__init__()
        self.limit, self.total = limit, 0

    def add(self, index: int | None, field_: str, msgid: str, **params: Any) -> None:
        self.total += 1
        if self.limit is None or len(self) < self.limit:
            self.append({"index": index, "field": field_, "message": gettext(msgid, **params)})

    def __bool__(self) -> bool:
        return self.total > 0


# -- one event's own checks ------------------------------------------------------------------

def _text(value: Any, limit: int = schema.MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= limit


def check_shape(i: int, raw: Any, firm: Organisation, errors: Errors,
                firms: dict[str, Organisation | None] | None = None) -> Checked | None:
    """``firms``: receiving firms already looked up in this submission, by credit code."""
    if not isinstance(raw, dict):
        errors.add(i, "", M_NOT_AN_OBJECT)
        return None
    before = errors.total
    props = schema.EVENT_SCHEMA["properties"]
    for key in raw:
        if key not in props:
            errors.add(i, str(key)[:64], M_UNKNOWN_FIELD)
    if "type" in raw and raw["type"] != "ObjectEvent":
        errors.add(i, "type", M_CHOICE)
    if "action" in raw and raw["action"] not in ("ADD", "OBSERVE", "DELETE"):
        errors.add(i, "action", M_CHOICE)
    event_time, offset = _check_time(i, raw, errors)
    where = _check_where(i, raw, errors)
    details = raw.get("details", {})
    if not isinstance(details, dict) or (details and len(canonical(details)) > schema.MAX_DETAILS_BYTES):
        errors.add(i, "details", M_DETAILS, limit=schema.MAX_DETAILS_BYTES)
    if "eventID" in raw and not (_text(raw["eventID"], 64) and _is_uuid_urn(raw["eventID"])):
        errors.add(i, "eventID", M_CHOICE)
    if "errorDeclaration" in raw:
        checked = _check_declaration(i, raw, firm, errors)
    else:
        checked = _check_step(i, raw, firm, errors, firms)
    if checked is None or errors.total > before:
        return None
    checked.event_time, checked.offset, checked.where, checked.details = event_time, offset, where, details
    return checked


def _check_time(i: int, raw: dict, errors: Errors) -> tuple[Any, str]:
    value = raw.get("eventTime")
    if value is None:
        errors.add(i, "eventTime", M_REQUIRED)
        return None, ""
    try:
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        errors.add(i, "eventTime", M_TIME)
        return None, ""
    if when.astimezone(dt.timezone.utc).replace(tzinfo=None) > utcnow() + CLOCK_SKEW:
        errors.add(i, "eventTime", M_FUTURE)
    minutes = int(when.utcoffset().total_seconds() // 60)
    offset = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if "eventTimeZoneOffset" in raw and raw["eventTimeZoneOffset"] != offset:
        errors.add(i, "eventTimeZoneOffset", M_OFFSET)
    return when, offset


def _check_where(i: int, raw: dict, errors: Errors) -> dict | None:
    where = {}
    for key in ("readPoint", "bizLocation"):
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, dict) or any(k not in _LOCATION_FIELDS for k in value):
            errors.add(i, key, M_UNKNOWN_FIELD)
            continue
        for sub, text in value.items():
            if not _text(text):
                errors.add(i, f"{key}.{sub}", M_TEXT, limit=schema.MAX_TEXT)
            elif sub == "id" and text.lower().startswith("geo:") and geo_point(text) is None:
                errors.add(i, f"{key}.id", M_GEO)
        where[key] = value
    return where or None


def geo_point(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a ``geo:lat,lon`` URI, or None."""
    try:
        lat, lon = (float(p) for p in text[4:].split(";")[0].split(",")[:2])
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _check_codes(i: int, raw: dict, errors: Errors) -> list[str]:
    values = raw.get("epcList")
    if values is None:
        errors.add(i, "epcList", M_REQUIRED)
        return []
    if not isinstance(values, list) or not 1 <= len(values) <= schema.MAX_CODES_PER_EVENT:
        errors.add(i, "epcList", M_CODES, limit=schema.MAX_CODES_PER_EVENT)
        return []
    out: list[str] = []
    for j, value in enumerate(values):
        try:
            code = codes.parse(value if isinstance(value, str) else "").text
        except codes.CodeError as err:
            errors.add(i, f"epcList[{j}]", err.msgid)
            continue
        if code in out:
            errors.add(i, f"epcList[{j}]", M_DUPLICATE_CODE)
        out.append(code)
    return out


def _check_step(i: int, raw: dict, firm: Organisation, errors: Errors,
                firms: dict[str, Organisation | None] | None) -> Checked | None:
    unit_codes = _check_codes(i, raw, errors)
    step, disp = raw.get("bizStep"), raw.get("disposition")
    for key, value in (("bizStep", step), ("disposition", disp)):
        if value is None:
            errors.add(i, key, M_REQUIRED)
    trigger = TRIGGER_BY_CBV.get((step, disp))
    if step is not None and disp is not None and trigger is None:
        errors.add(i, "bizStep", M_PAIR)
    if trigger is not None and "action" in raw and raw["action"] != CBV[trigger][2]:
        errors.add(i, "action", M_ACTION, action=CBV[trigger][2])
    destination = _check_destination(i, raw, firm, trigger, errors, {} if firms is None else firms)
    return Checked(i, raw, trigger, unit_codes, None, "", destination=destination)


def _check_destination(i: int, raw: dict, firm: Organisation, trigger: str | None,
                       errors: Errors, firms: dict[str, Organisation | None]) -> Organisation | None:
    given = raw.get("destinationList")
    if trigger != "transfer":
        if given:
            errors.add(i, "destinationList", M_NO_DESTINATION)
        return None
    try:
        credit_code = given[0]["destination"]
        ok = given[0].get("type", "owning_party") == "owning_party" and len(given) == 1 and _text(credit_code, 18)
    except (TypeError, KeyError, IndexError, AttributeError):
        ok = False
    if not ok:
        errors.add(i, "destinationList", M_DESTINATION)
        return None
    key = credit_code.strip().upper()
    if key not in firms:
        firms[key] = db.session.execute(db.select(Organisation).filter_by(
            credit_code=key, kind=OrgKind.FIRM.value)).scalar()
    org = firms[key]
    if org is None:
        errors.add(i, "destinationList[0].destination", M_UNKNOWN_FIRM)
    elif org.id == firm.id:
        errors.add(i, "destinationList[0].destination", M_SELF)
    return org


def _check_declaration(i: int, raw: dict, firm: Organisation, errors: Errors) -> Checked | None:
    decl = raw["errorDeclaration"]
    if any(k in raw for k in ("bizStep", "disposition", "epcList", "destinationList")):
        errors.add(i, "errorDeclaration", M_DECLARATION_ONLY)
    if not isinstance(decl, dict):
        errors.add(i, "errorDeclaration", M_REQUIRED)
        return None
    for key in decl:
        if key not in ("eventID", "reason", "explanation"):
            errors.add(i, f"errorDeclaration.{str(key)[:40]}", M_UNKNOWN_FIELD)
    if decl.get("reason") not in schema.ERROR_REASONS:
        errors.add(i, "errorDeclaration.reason", M_CHOICE)
    if "explanation" in decl and not _text(decl["explanation"], 2000):
        errors.add(i, "errorDeclaration.explanation", M_TEXT, limit=2000)
    target = None
    if isinstance(decl.get("eventID"), str):
        target = db.session.execute(db.select(UnitEvent).filter_by(event_id=decl["eventID"])).scalar()
    if target is None or target.reporter_id != firm.id or target.trigger is None \
            or target.trigger in TRANSFER_TRIGGERS:
        errors.add(i, "errorDeclaration.eventID", M_NOT_DECLARABLE)
        return None
    if db.session.execute(db.select(UnitEvent.id).filter_by(declares_error_of_id=target.id)).first():
        errors.add(i, "errorDeclaration.eventID", M_ALREADY_DECLARED)
        return None
    return Checked(i, raw, None, list(target.document["epcList"]), None, "", declared=target)


def _is_uuid_urn(text: str) -> bool:
    try:
        return text.startswith("urn:uuid:") and str(uuid.UUID(text[9:])) == text[9:].lower()
    except ValueError:
        return False


def check_event_ids(checked: list[Checked], errors: Errors, seen: set[str] | None = None) -> None:
    """Given event identifiers must be new: not recorded, not given twice (``seen``: those the
    submission's earlier chunks gave)."""
    given = [c for c in checked if "eventID" in c.raw]
    taken: set[str] = set()
    for part in chunks([c.raw["eventID"] for c in given]):
        taken |= set(db.session.execute(db.select(UnitEvent.event_id).where(UnitEvent.event_id.in_(part))).scalars())
    seen = set() if seen is None else seen
    for c in given:
        if c.raw["eventID"] in taken or c.raw["eventID"] in seen:
            errors.add(c.index, "eventID", M_EVENT_ID_TAKEN)
        seen.add(c.raw["eventID"])



def chunks(values: Iterable, size: int = _QUERY_CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]



def canonical(value: Any) -> str:
    """RFC 8785 canonical JSON text.

    Events hold strings, integers, booleans and null: for those the standard's text is Python's
    compact JSON with sorted keys (the same escapes; keys in the Basic Multilingual Plane sort the
    same by code point as by UTF-16 unit), written by the C encoder instead of the pure-Python
    ``rfc8785``, which takes over for anything else (floats, astral keys, integers beyond
    2^53 - 1, lone surrogates: its own text or its refusal)."""
    if _plain(value):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            pass
    return rfc8785.dumps(value).decode("utf-8")


def canonical_strings(value: Any) -> str:
    """``canonical`` of a value made only of text, None, lists and objects with ASCII keys (an
    event's document once its free details are known to be ``plain``), without walking it first:
    the C encoder's text is the standard's, and a lone surrogate still goes to ``rfc8785``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return rfc8785.dumps(value).decode("utf-8")


def plain(value: Any) -> bool:
    """Whether ``canonical`` may write ``value`` with the C encoder."""
    return _plain(value)


_SAFE_INT = 2 ** 53 - 1


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only what the C encoder writes as RFC 8785 does (exact types: a
    subclass goes to ``rfc8785``)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -_SAFE_INT <= value <= _SAFE_INT
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) < "\U00010000") or not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        return all(map(_plain, value))
    return False
