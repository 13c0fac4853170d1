"""Codes for robot units: manufacturer prefixes (administrators), model codes (the regulator,
on registration or sandbox admission) and batches of codes a firm requests for its model.

Serials are gap-free and unique per model: a batch takes the next ones under the model code
row's lock (PostgreSQL ``SELECT … FOR UPDATE``; SQLite's write lock), in the same transaction
as its units, so a rolled-back batch leaves no gap.  Each change is one audit event.
"""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, insert

from supervision.accounts.models import Organisation
from supervision.audit.services import record as audit
from supervision.cases.models import Case
from supervision.core.database import is_postgres, lock_for_writing
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.registry.models import Registration, RobotModel
from supervision.units import codes
from supervision.units.models import MAX_BATCH, ManufacturerPrefix, ModelCode, Unit, UnitBatch
from workflows.base import N_
from workflows.registration import ENDED, ON_REGISTER, REGISTRATION

_LOCK_MODEL_CODES = 0x4D4F444C  # "MODL": one assigner of model codes at a time
_LOCK_PREFIXES = 0x50524658     # "PRFX"


class CodingRefused(Exception):
    """A refused request; ``msgid`` is N_-marked, ``params`` fill its %(name)s fields."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid % params if params else msgid)
        self.msgid, self.params = msgid, params

    @property
    def message(self) -> str:
        return gettext(self.msgid, **self.params)


# -- manufacturer prefixes (administrators) -----------------------------------------------------

def prefix_of(firm: Organisation) -> str | None:
    return db.session.execute(db.select(ManufacturerPrefix.prefix).filter_by(firm_id=firm.id)).scalar()


def assign_prefix(firm: Organisation, *, actor, prefix: str) -> ManufacturerPrefix:
    """Give ``firm`` its manufacturer prefix (once; a prefix is never reused)."""
    prefix = codes.normalise(prefix)
    rule = codes.CURRENT
    if not firm.is_firm:
        raise CodingRefused(N_("Only a firm receives a manufacturer prefix."))
    if not codes.valid_segment(prefix, rule.prefix_length):
        raise CodingRefused(N_("A manufacturer prefix is %(n)s characters of 0-9 and A-Z."), n=rule.prefix_length)
    lock_for_writing(_LOCK_PREFIXES)
    if prefix_of(firm):
        raise CodingRefused(N_("This firm already has its manufacturer prefix."))
    if db.session.execute(db.select(ManufacturerPrefix.id).filter_by(prefix=prefix)).first():
        raise CodingRefused(N_("This prefix is already assigned to another firm."))
    row = ManufacturerPrefix(firm_id=firm.id, prefix=prefix, assigned_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    audit("units.prefix_assigned", actor=actor, object_type="organisation", object_id=firm.id,
          details={"prefix": prefix, "firm": firm.name_en})
    return row


# -- model codes (the regulator) -----------------------------------------------------------------

def model_code_of(model: RobotModel) -> ModelCode | None:
    return db.session.execute(db.select(ModelCode).filter_by(model_id=model.id)).scalar()


def assign_model_code(model: RobotModel, *, actor, source: str = "registration",
                      unit_limit: int | None = None) -> ModelCode:
    """The model's code, assigned now if it has none.  ``source="sandbox"`` (a model admitted to
    or applying for a sandbox) bounds its codes by ``unit_limit``, the units applied for; a
    registration lifts that bound.  Called by the registration's effect and the sandbox."""
    existing = model_code_of(model)
    if existing is not None:
        if source == "registration" and existing.unit_limit is not None:
            existing.unit_limit, existing.source = None, "registration"
            audit("units.model_code_unbounded", actor=actor, object_type="robot_model", object_id=model.id,
                  details={"model_code": existing.code})
        elif source == "sandbox" and existing.unit_limit is not None and unit_limit:
            existing.unit_limit = max(existing.unit_limit, unit_limit)
        return existing
    lock_for_writing(_LOCK_MODEL_CODES)
    last = db.session.execute(db.select(func.max(ModelCode.code))).scalar()
    code = codes.to_base36((codes.from_base36(last) if last else 0) + 1, codes.CURRENT.model_length)
    row = ModelCode(model_id=model.id, code=code, source=source,
                    unit_limit=unit_limit if source == "sandbox" else None,
                    assigned_by_id=getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None)
    db.session.add(row)
    db.session.flush()
    audit("units.model_code_assigned", actor=actor, object_type="robot_model", object_id=model.id,
          details={"model_code": code, "source": source, "unit_limit": row.unit_limit})
    return row


def registration_of_model(model: RobotModel) -> tuple[Registration, Case] | None:
    """The model's registration that carries a number (the newest), with its case."""
    row = db.session.execute(
        db.select(Registration, Case).join(Case, Case.id == Registration.case_id)
        .where(Registration.model_id == model.id, Registration.registration_number.is_not(None))
        .order_by(Registration.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


REGISTERED_STATES = REGISTRATION.tagged(ON_REGISTER)
ENDED_STATES = REGISTRATION.tagged(ENDED)


def batch_refusal(model: RobotModel, firm: Organisation) -> CodingRefused | None:
    """Why ``firm`` may not request codes for ``model`` now (None: it may)."""
    if model.firm_id != firm.id:
        return CodingRefused(N_("Codes are requested by the firm that owns the model."))
    if prefix_of(firm) is None:
        return CodingRefused(N_("Your firm has no manufacturer prefix yet: ask the administrators to assign one."))
    mc = model_code_of(model)
    reg = registration_of_model(model)
    if reg is not None and reg[1].state in ENDED_STATES:
        return CodingRefused(N_("The registration of this model is %(state)s: no new codes can be issued."),
                             state=gettext(REGISTRATION.state_label(reg[1].state)))
    if mc is None:
        return CodingRefused(N_("This model has no model code: codes are issued once it is registered "
                                "or in a submitted sandbox application."))
    if mc.source == "registration" and (reg is None or reg[1].state not in REGISTERED_STATES):
        return CodingRefused(N_("This model is not registered."))
    return None


def request_batch(model: RobotModel, *, firm: Organisation, actor, size: int) -> UnitBatch:
    """Issue ``size`` (1–10,000) new codes for ``model``: the units exist in ``code_assigned``."""
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_BATCH:
        raise CodingRefused(N_("A batch has 1 to %(max)s units."), max=f"{MAX_BATCH:,}")
    why = batch_refusal(model, firm)
    if why is not None:
        raise why
    mc = _locked_model_code(model)
    if mc.unit_limit is not None and mc.last_serial + size > mc.unit_limit:
        raise CodingRefused(N_("The sandbox application covers %(limit)s units; %(left)s codes are left."),
                            limit=mc.unit_limit, left=max(mc.unit_limit - mc.last_serial, 0))
    rule = codes.CURRENT
    first = mc.last_serial + 1
    last = mc.last_serial + size
    if last > rule.max_serial:
        raise CodingRefused(N_("This model has no serials left."))
    mc.last_serial = last
    batch = UnitBatch(firm_id=firm.id, model_id=model.id, size=size, first_serial=first, last_serial=last,
                      requested_by_id=getattr(actor, "id", None))
    db.session.add(batch)
    db.session.flush()
    prefix = prefix_of(firm)
    now = utcnow()
    db.session.execute(insert(Unit), [
        {"code": rule.compose(prefix, mc.code, serial).text, "rule_version": rule.version,
         "model_id": model.id, "batch_id": batch.id, "serial": serial, "manufacturer_id": firm.id,
         "holder_id": firm.id, "state": "code_assigned", "version": 1, "updated_at": now}
        for serial in range(first, last + 1)])
    audit("units.batch_issued", actor=actor, object_type="unit_batch", object_id=batch.id,
          details={"model_id": model.id, "model_code": mc.code, "size": size,
                   "first_serial": first, "last_serial": last})
    return batch


def _locked_model_code(model: RobotModel) -> ModelCode:
    """The model code row, locked until the transaction ends (and fresh from the database)."""
    if is_postgres():
        stmt = db.select(ModelCode).filter_by(model_id=model.id).with_for_update()
    else:
        lock_for_writing(_LOCK_MODEL_CODES)
        stmt = db.select(ModelCode).filter_by(model_id=model.id)
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def batch_units(batch: UnitBatch) -> list[Unit]:
    return list(db.session.execute(db.select(Unit).filter_by(batch_id=batch.id).order_by(Unit.serial)).scalars())
