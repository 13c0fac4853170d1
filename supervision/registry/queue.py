"""What the regulators' queue shows and searches of a registration: its robot model's name, the
tier in force, and the cases a model name, model code or unit code names (as SQL on ``Case``)."""
from __future__ import annotations

from sqlalchemy import or_

from supervision.cases.models import Case
from supervision.cases.types import QueueSubject
from supervision.core import textsearch
from supervision.extensions import db
from supervision.registry.models import Registration, RobotModel


def model_name():
    return (db.select(RobotModel.name).join(Registration, Registration.model_id == RobotModel.id)
            .where(Registration.case_id == Case.id).scalar_subquery())


def tier():
    return db.select(Registration.tier).where(Registration.case_id == Case.id).scalar_subquery()


def tier_is(n: int):
    """The registrations whose tier in force is ``n`` (index ``ix_registrations_tier_case``)."""
    return Case.id.in_(db.select(Registration.case_id).where(Registration.tier == n))


def models_named(term: str):
    """Ids of the robot models a term names: part of the name (through an index,
    ``core.textsearch``), or exactly a model or unit code."""
    from supervision.units.models import ModelCode, Unit

    code = term.strip().upper()
    return db.select(RobotModel.id).where(or_(
        textsearch.contains(RobotModel.name, term),
        RobotModel.id.in_(db.select(ModelCode.model_id).where(ModelCode.code == code)),
        RobotModel.id.in_(db.select(Unit.model_id).where(Unit.code == code)),
    ))


def search(term: str):
    return Case.id.in_(db.select(Registration.case_id).where(Registration.model_id.in_(models_named(term))))


QUEUE_SUBJECT = QueueSubject(model=model_name, tier=tier, search=search, tier_is=tier_is)
