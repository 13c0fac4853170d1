"""What the regulators' queue shows and searches of a prohibited-conduct case, as SQL on
``Case``: the robot model a recall order is about (none for conduct that concerns no model), and
the cases such a model's name, model code or unit code names.  Conduct has no tier."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.cases.types import QueueSubject
from supervision.conduct.models import ConductCase
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.registry.queue import models_named


def model_name():
    return (db.select(RobotModel.name).join(ConductCase, ConductCase.recall_model_id == RobotModel.id)
            .where(ConductCase.case_id == Case.id).scalar_subquery())


def search(term: str):
    return Case.id.in_(db.select(ConductCase.case_id).where(ConductCase.recall_model_id.in_(models_named(term))))


QUEUE_SUBJECT = QueueSubject(model=model_name, search=search)
