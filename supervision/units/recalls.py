"""Voluntary recalls reported by a manufacturer (the regulation gives the city no recall power
of its own), and recalls ordered by a decision on adopted law (``order_recall``): every live unit of the model (or of one batch) is reported ``recalled`` in one
submission, each holder firm's people are told in their inbox, and the units stay on the
holders' to-do list until each is reported repaired, returned or scrapped."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from supervision.accounts.models import Organisation, User, UserRole
from supervision.audit.services import record as audit
from supervision.core.timeutil import SHANGHAI
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.registry.models import RobotModel
from supervision.units import events
from supervision.units.models import Unit, UnitBatch, UnitRecall
from supervision.units.schema import MAX_CODES_PER_EVENT
from supervision.units.services import CodingRefused
from workflows.base import N_
from workflows.unit_lifecycle import CBV, LIVE, OWED, UNIT_LIFECYCLE

SUBJECT = N_("Recall of %(model)s")
BODY = N_("%(firm)s recalls %(model)s: %(reason)s Measures: %(measures)s Your firm holds %(count)s of "
          "its units; report each one repaired, returned or scrapped.")
ORDERED_BODY = N_("By order of the regulator (%(case)s), %(firm)s recalls %(model)s: %(reason)s Measures: "
                  "%(measures)s Your firm holds %(count)s of its units; report each one repaired, returned or "
                  "scrapped.")
OWED_STATES = UNIT_LIFECYCLE.tagged(OWED)


def report_recall(model: RobotModel, *, firm: Organisation, actor, reason: str, measures: str,
                  batch: UnitBatch | None = None) -> UnitRecall:
    """Record the recall of ``model`` (or ``batch``) and recall its live units."""
    if model.firm_id != firm.id:
        raise CodingRefused(N_("Only the model's manufacturer reports its recall."))
    if batch is not None and batch.model_id != model.id:
        raise CodingRefused(N_("This batch is not of this model."))
    return _recall(model, firm=firm, actor=actor, reason=reason, measures=measures, batch=batch)


def order_recall(model: RobotModel, *, case, actor, reason: str, measures: str) -> UnitRecall:
    """Recall every live unit of ``model`` by the order that ``case`` issued (a decision with its
    own basis in adopted law, ``supervision.conduct``); the manufacturer's events, as a recall it
    reported would be, and the same notice to every holder, naming the order."""
    if model.firm_id != case.firm_id:
        raise CodingRefused(N_("The model is not the firm's."))
    return _recall(model, firm=model.firm, actor=actor, reason=reason, measures=measures, batch=None,
                   order_case=case)


def _recall(model: RobotModel, *, firm: Organisation, actor, reason: str, measures: str,
            batch: UnitBatch | None, order_case=None) -> UnitRecall:
    if not reason.strip() or not measures.strip():
        raise CodingRefused(N_("Give the reason for the recall and the measures taken."))
    query = db.select(Unit.code, Unit.holder_id).where(Unit.model_id == model.id, Unit.state.in_(LIVE))
    if batch is not None:
        query = query.where(Unit.batch_id == batch.id)
    units = db.session.execute(query.order_by(Unit.serial)).all()
    if not units:
        raise CodingRefused(N_("No unit of this model is in a state that can be recalled."))
    recall = UnitRecall(firm_id=firm.id, model_id=model.id, batch_id=batch.id if batch else None,
                        reason=reason.strip(), measures=measures.strip(), units_recalled=len(units),
                        reported_by_id=getattr(actor, "id", None),
                        order_case_id=order_case.id if order_case is not None else None)
    db.session.add(recall)
    db.session.flush()
    now = dt.datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
    step, disposition, _action = CBV["recall"]
    codes = [code for code, _h in units]
    batch_events = [{"epcList": codes[i:i + MAX_CODES_PER_EVENT], "eventTime": now, "bizStep": step,
                     "disposition": disposition, "details": {"recall": recall.id}}
                    for i in range(0, len(codes), MAX_CODES_PER_EVENT)]
    events.record(firm=firm, actor=actor, events=batch_events, channel="recall", recall_id=recall.id)
    audit("units.recall_ordered" if order_case is not None else "units.recall_reported", actor=actor,
          case=order_case, object_type="unit_recall", object_id=recall.id, reason=reason,
          details={"model_id": model.id, "batch_id": recall.batch_id, "units": len(units), "measures": measures})
    _notify_holders(recall, model, firm, [h for _c, h in units], order_case)
    return recall


def _notify_holders(recall: UnitRecall, model: RobotModel, firm: Organisation, holders: list[int],
                    order_case=None) -> None:
    counts: dict[int, int] = {}
    for holder in holders:
        counts[holder] = counts.get(holder, 0) + 1
    people = db.session.execute(
        db.select(User.id, User.organisation_id).join(UserRole).where(
            User.organisation_id.in_(counts), User.active.is_(True), UserRole.role == "applicant")).all()
    key = uuid.uuid4().hex
    for user_id, org_id in people:
        params = {"values": {"model": model.name, "firm": firm.name_zh if firm.name_zh else firm.name_en,
                             "reason": recall.reason, "measures": recall.measures, "count": counts[org_id],
                             "case": order_case.number if order_case is not None else ""}}
        db.session.add(InboxItem(event_key=key, user_id=user_id, case_id=None, event="units.recall",
                                 rule="units.recall_holders", subject=SUBJECT,
                                 body=ORDERED_BODY if order_case is not None else BODY,
                                 params=json.dumps(params, ensure_ascii=False)))
    db.session.flush()


def todo(firm: Organisation) -> list[Unit]:
    """The firm's recalled units still waiting for its report."""
    return list(db.session.execute(
        db.select(Unit).where(Unit.holder_id == firm.id, Unit.state.in_(OWED_STATES))
        .order_by(Unit.code)).scalars())
