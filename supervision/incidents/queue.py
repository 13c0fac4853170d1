"""What the regulators' queue shows and searches of an incident, as SQL on ``Case`` read with
the page (nothing per row): its severity, the robot model involved (a model named in the report,
else the model of a unit involved), and the incidents a unit code, a model code or a model's
name names."""
from __future__ import annotations

from sqlalchemy import Integer, or_, true

from supervision.cases.models import Case
from supervision.cases.types import QueueColumn, QueueSubject
from supervision.core.database import json_elements
from supervision.extensions import db
from supervision.incidents.models import Incident
from supervision.registry.models import RobotModel
from supervision.registry.queue import models_named
from supervision.units.models import Unit
from workflows.base import N_


def severity():
    return db.select(Incident.severity).where(Incident.case_id == Case.id).scalar_subquery()


def _models_involved():
    """Ids of the robot models the incident of the outer case names, directly or by its units."""
    models, model_id = json_elements(Incident.model_ids, Integer)
    units, code = json_elements(Incident.unit_codes)
    # Correlated with the queue's row two levels up (auto-correlation reaches one level only).
    named = (db.select(model_id).select_from(Incident).join(models, true())
             .where(Incident.case_id == Case.id).correlate(Case))
    of_units = (db.select(Unit.model_id).select_from(Incident).join(units, true()).join(Unit, Unit.code == code)
                .where(Incident.case_id == Case.id).correlate(Case))
    return named, of_units


def model_name():
    named, of_units = _models_involved()
    return (db.select(RobotModel.name).where(or_(RobotModel.id.in_(named), RobotModel.id.in_(of_units)))
            .order_by(RobotModel.name).limit(1).scalar_subquery())


def search(term: str):
    """Incidents that name a unit by the term (its code), or a model the term names (its name,
    a model code, a unit code), directly or through a unit of that model."""
    code = term.strip().upper()
    units, unit_code = json_elements(Incident.unit_codes)
    models, model_id = json_elements(Incident.model_ids, Integer)
    matching = models_named(term)
    by_unit = (db.select(Incident.case_id).select_from(Incident).join(units, true())
               .where(or_(unit_code == code,
                          unit_code.in_(db.select(Unit.code).where(Unit.model_id.in_(matching))))))
    by_model = (db.select(Incident.case_id).select_from(Incident).join(models, true())
                .where(model_id.in_(matching)))
    return or_(Case.id.in_(by_unit), Case.id.in_(by_model))


QUEUE_SUBJECT = QueueSubject(model=model_name, search=search)
QUEUE_COLUMNS = (QueueColumn("severity", N_("Severity"), sql=severity),)
