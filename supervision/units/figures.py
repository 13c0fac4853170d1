"""What the units domain contributes to the firm's home page (the codes issued to it: each
model's code with its units by state) and to the statistics (units by lifecycle state)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func

from supervision.cases.types import Period, Statistic
from supervision.core.navigation import PortalTab
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units.models import ModelCode, Unit, UnitBatch
from workflows.base import N_
from workflows.unit_lifecycle import UNIT_LIFECYCLE


def portal_rows(firm_id: int) -> dict[str, Any]:
    """The firm's models with their code (issued or not) and their units by state, as plain
    rows: two statements whatever the number of models or units."""
    codes = db.session.execute(
        db.select(RobotModel.id, RobotModel.name, ModelCode.code, ModelCode.last_serial, ModelCode.unit_limit)
        .outerjoin(ModelCode, ModelCode.model_id == RobotModel.id)
        .where(RobotModel.firm_id == firm_id).order_by(RobotModel.id)).all()
    states: dict[int, dict[str, int]] = {}
    for model_id, state, n in db.session.execute(
            db.select(Unit.model_id, Unit.state, func.count()).where(Unit.manufacturer_id == firm_id)
            .group_by(Unit.model_id, Unit.state)):
        states.setdefault(model_id, {})[state] = n
    return {"codes": codes, "states": states, "state_names": list(UNIT_LIFECYCLE.states)}


PORTAL_TAB = PortalTab("codes", N_("Codes issued"), "units/_portal_codes.html", portal_rows, order=20)


def by_state(period: Period) -> list[tuple[str, int]]:
    counts = dict(db.session.execute(db.select(Unit.state, func.count()).group_by(Unit.state)).all())
    return [(st.label, counts[name]) for name, st in UNIT_LIFECYCLE.states.items() if counts.get(name)]


def coded(period: Period) -> list[tuple[str, int]]:
    """Units coded in the period (by the day their batch was issued)."""
    q = db.select(func.coalesce(func.sum(UnitBatch.size), 0))
    if period.start is not None:
        q = q.where(func.date(UnitBatch.created_at) >= period.start)
    if period.end is not None:
        q = q.where(func.date(UnitBatch.created_at) <= period.end)
    return [(N_("Units coded"), int(db.session.execute(q).scalar() or 0))]


STATISTICS = (
    Statistic("units_by_state", N_("Robot units by lifecycle state"), by_state, scope="industry"),
    Statistic("units_coded", N_("Robot units coded"), coded, scope="industry", periodic=True),
)
