"""The units endpoints: report lifecycle events (``POST /api/v1/events``), list the firm's own
units (``GET /api/v1/units``), and the public record of a unit by its code
(``GET /api/v1/units/<code>``).  Thin adapters over ``supervision.units``' services: the token's
firm is the reporter, and it sees and acts on its own units only."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from supervision.api.endpoints import bp
from supervision.api.errors import ApiError
from supervision.api.framework import current_firm, endpoint
from supervision.extensions import db
from supervision.public.caching import cacheable
from supervision.units import events, public
from supervision.units.models import Unit
from supervision.units.schema import MAX_EVENTS, SUBMISSION_SCHEMA
from workflows.base import N_
from workflows.unit_lifecycle import UNIT_LIFECYCLE

EVENTS_MAX_BYTES = 20 * 1024 * 1024
PER_PAGE, MAX_PER_PAGE = 100, 1000

_PROBLEM = {"type": "object", "required": ["index", "field", "message"],
            "properties": {"index": {"type": ["integer", "null"]}, "field": {"type": "string"},
                           "message": {"type": "string"}}}
_RECORDED = {"type": "object", "required": ["recorded", "ids"],
             "properties": {"recorded": {"type": "integer"}, "ids": {"type": "array", "items": {"type": "integer"}}}}
_REJECTED = {"type": "object", "required": ["error", "status", "errors"],
             "properties": {"error": {"type": "string"}, "status": {"type": "integer"},
                            "errors": {"type": "array", "items": _PROBLEM}}}
_UNIT = {"type": "object", "properties": {
    "code": {"type": "string"}, "model": {"type": "object"}, "state": {"type": "string"},
    "stateLabel": {"type": "string"}, "transferPending": {"type": "boolean"},
    "recalled": {"type": "boolean"}, "updatedAt": {"type": "string", "format": "date-time"}}}
_UNIT_PAGE = {"type": "object", "required": ["units", "total", "page", "pages"], "properties": {
    "units": {"type": "array", "items": _UNIT}, "total": {"type": "integer"}, "page": {"type": "integer"},
    "pages": {"type": "integer"}, "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]}}}
_PUBLIC_UNIT = {"type": "object", "description": "Model, manufacturer, tier, registration, recall, and the "
                "unit's history without locations or any owner's personal data.",
                "properties": {"code": {"type": "string"}, "state": {"type": "string"},
                               "history": {"type": "array", "items": {"type": "object"}}}}


def _rejected(errors: list[dict]) -> ApiError:
    return ApiError(422, _("Nothing was recorded: %(n)s problem(s) in the events.", n=len(errors)),
                    errors=errors)


@endpoint(bp, "/events", method="POST", scope="events:write", idempotent=True, max_body=EVENTS_MAX_BYTES,
          summary=N_("Report lifecycle events of the firm's units (all or none)"),
          description=f"At most {MAX_EVENTS:,} events per request, each a GS1 EPCIS 2.0 ObjectEvent with "
                      "CBV 2.0 names. Either every event is recorded (201) or none (422, each problem with "
                      "its event's index and field).",
          body=SUBMISSION_SCHEMA,
          responses={201: (N_("Every event was recorded."), _RECORDED),
                     409: (N_("Nothing was recorded: a unit was changed by another request meanwhile. "
                              "Read the units again and send the events again."), None),
                     422: (N_("Nothing was recorded; each problem names the event and the field."), _REJECTED)})
def post_events(payload):
    if not isinstance(payload, dict):
        raise _rejected([{"index": None, "field": "events",
                          "message": _('The body must be a JSON object with the member "events".')}])
    unknown = sorted(set(payload) - {"events"})
    if unknown:
        raise _rejected([{"index": None, "field": name, "message": _("This member is not part of the request.")}
                         for name in unknown])
    try:
        ids = events.record(firm=current_firm(), actor=None, events=payload.get("events"), channel="api")
    except events.EventsRejected as err:  # a problem with a whole event names the event itself
        raise _rejected([{**e, "field": e["field"] or (f"events[{e['index']}]" if e["index"] is not None else "events")}
                         for e in err.errors]) from None
    except events.UnitsChanged:  # lost a race with another submission for the same units
        raise ApiError(409, _("A unit was changed by someone else meanwhile: nothing was recorded. "
                              "Read its state again and send the events again.")) from None
    return {"recorded": len(ids), "ids": ids}, 201


def _unit_row(unit: Unit) -> dict:
    return {"code": unit.code, "model": {"id": unit.model_id, "name": unit.model.name},
            "state": unit.state, "stateLabel": _(UNIT_LIFECYCLE.state_label(unit.state)),
            "transferPending": unit.transfer_pending, "recalled": unit.state == "recalled",
            "updatedAt": unit.updated_at.isoformat() + "Z"}


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, _("The parameter %(name)s must be a whole number from %(low)s to %(high)s.",
                              name=name, low=low, high=high), field=name)
    return int(raw)


@endpoint(bp, "/units", scope="units:read",
          summary=N_("The firm's own units, page by page"),
          query={"relation": (N_("held (default): units the firm holds; incoming: units offered to it by "
                                 "a transfer awaiting its acceptance."), {"type": "string", "enum": ["held", "incoming"]}),
                 "state": (N_("Only units in this lifecycle state."),
                           {"type": "string", "enum": list(UNIT_LIFECYCLE.states)}),
                 "page": (N_("The page, from 1."), {"type": "integer", "minimum": 1}),
                 "per_page": (N_("Units per page (default 100, at most 1000)."),
                              {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE})},
          responses={200: (N_("One page of the firm's units."), _UNIT_PAGE)})
def list_units():
    firm = current_firm()
    relation = request.args.get("relation", "held")
    if relation not in ("held", "incoming"):
        raise ApiError(400, _("The parameter %(name)s must be one of: %(values)s.", name="relation",
                              values="held, incoming"), field="relation")
    state = request.args.get("state")
    if state is not None and state not in UNIT_LIFECYCLE.states:
        raise ApiError(400, _("The parameter %(name)s must be one of: %(values)s.", name="state",
                              values=", ".join(UNIT_LIFECYCLE.states)), field="state")
    page, per_page = _int_arg("page", 1, 1, 10**6), _int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    owner = Unit.holder_id if relation == "held" else Unit.transfer_to_id
    query = db.select(Unit).where(owner == firm.id)
    if state is not None:
        query = query.where(Unit.state == state)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.order_by(Unit.id).limit(per_page).offset((page - 1) * per_page)).scalars()
    pages = max((total + per_page - 1) // per_page, 1)

    def link(n: int) -> str | None:
        if not 1 <= n <= pages:
            return None
        args = {k: v for k, v in request.args.items() if k != "page"}
        return url_for(".list_units", **args, page=n)

    return {"units": [_unit_row(u) for u in rows], "total": total, "page": page, "pages": pages,
            "next": link(page + 1), "previous": link(page - 1)}


@endpoint(bp, "/units/<code>", summary=N_("The public record of a unit, by the code on its label"),
          parameters={"code": N_("The unit code, e.g. HZR-A1B2C3-0001-00000001-K (case, spaces and "
                                 "full-width characters are normalised).")},
          responses={200: (N_("The unit's public record."), _PUBLIC_UNIT),
                     400: (N_("Not a code, or mistyped: its check character does not match."), None),
                     404: (N_("A well-formed code that was never issued."), None)})
@cacheable
def get_unit(code: str):
    try:
        return public.describe(code)
    except public.NotIssued as err:
        raise ApiError(404, _(err.msgid), code=err.text) from None
    except public.codes.CodeError as err:
        raise ApiError(400, _(err.msgid), code=code[:64]) from None
