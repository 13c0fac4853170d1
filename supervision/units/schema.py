"""The shape of one lifecycle event as firms send it (GS1 EPCIS 2.0 ``ObjectEvent``, CBV 2.0
names), written once as a JSON-Schema dict: ``events.validate`` checks submissions against the
same limits, and the API's OpenAPI document publishes ``EVENT_SCHEMA`` as it is."""
from __future__ import annotations

from workflows.unit_lifecycle import CBV

MAX_EVENTS = 10_000          # events in one submission (form, CSV file, API request)
MAX_CODES_PER_EVENT = 1_000  # unit codes one event names
MAX_CODES_PER_SUBMISSION = 100_000  # unit codes all events of one submission name
MAX_TEXT = 500               # read point, business location, address
MAX_DETAILS_BYTES = 4_000    # the free details, as JSON
ERROR_REASONS = ("incorrect_data", "did_not_occur")

BIZ_STEPS = tuple(sorted({step for step, _d, _a in CBV.values()}))
DISPOSITIONS = tuple(sorted({disp for _s, disp, _a in CBV.values()}))
OFFSET_PATTERN = r"^[+-](0\d|1[0-4]):[0-5]\d$"
EVENT_ID_PATTERN = r"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

_LOCATION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "maxLength": MAX_TEXT,
               "description": "An identifier of the place, e.g. a geo URI 'geo:30.2741,120.1551'."},
        "address": {"type": "string", "maxLength": MAX_TEXT},
    },
}

EVENT_SCHEMA: dict = {
    "title": "Robot unit lifecycle event (GS1 EPCIS 2.0 ObjectEvent)",
    "type": "object",
    "additionalProperties": False,
    "description": (
        "What (epcList: unit codes), when (eventTime with its offset; recordTime is set by the "
        "platform), where (readPoint, bizLocation: never public), why (bizStep and disposition, "
        "CBV 2.0 names; each pair names one lifecycle step), who (the reporting firm: the token's "
        "or the signed-in user's), and free details.  An event with errorDeclaration declares an "
        "earlier event of the same firm erroneous and puts its units back where they were; it "
        "takes no bizStep or disposition."),
    "required": ["eventTime"],
    "properties": {
        "type": {"type": "string", "enum": ["ObjectEvent"]},
        "eventID": {"type": "string", "pattern": EVENT_ID_PATTERN,
                    "description": "Optional; the platform assigns one when absent."},
        "action": {"type": "string", "enum": ["ADD", "OBSERVE", "DELETE"]},
        "epcList": {"type": "array", "minItems": 1, "maxItems": MAX_CODES_PER_EVENT,
                    "items": {"type": "string", "maxLength": 64,
                              "description": "A unit code, e.g. HZR-A1B2C3-0001-00000001-K"}},
        "eventTime": {"type": "string", "format": "date-time",
                      "description": "RFC 3339 with a time-zone offset, not in the future."},
        "eventTimeZoneOffset": {"type": "string", "pattern": OFFSET_PATTERN},
        "bizStep": {"type": "string", "enum": list(BIZ_STEPS)},
        "disposition": {"type": "string", "enum": list(DISPOSITIONS)},
        "readPoint": _LOCATION,
        "bizLocation": _LOCATION,
        "destinationList": {
            "type": "array", "maxItems": 1,
            "description": "For a transfer: the receiving firm's unified social credit code.",
            "items": {"type": "object", "required": ["type", "destination"], "additionalProperties": False,
                      "properties": {"type": {"type": "string", "enum": ["owning_party"]},
                                     "destination": {"type": "string", "minLength": 18, "maxLength": 18}}},
        },
        "errorDeclaration": {
            "type": "object", "required": ["eventID", "reason"], "additionalProperties": False,
            "properties": {"eventID": {"type": "string", "pattern": EVENT_ID_PATTERN},
                           "reason": {"type": "string", "enum": list(ERROR_REASONS)},
                           "explanation": {"type": "string", "maxLength": 2000}},
        },
        "details": {"type": "object", "description": f"Free details (at most {MAX_DETAILS_BYTES} bytes as JSON)."},
    },
}

SUBMISSION_SCHEMA: dict = {
    "type": "object", "required": ["events"], "additionalProperties": False,
    "properties": {"events": {"type": "array", "minItems": 1, "maxItems": MAX_EVENTS, "items": EVENT_SCHEMA}},
}
