"""Prohibited-conduct cases: opening one against a firm, the facts the table's guards read and
the effects of its triggers (findings, the remediation ordered and its deadline, the referral).

Everything flushes inside the caller's unit of work; the transitions themselves go through the
case engine (``supervision.cases.services.fire``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app

from supervision.accounts.models import Organisation
from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.cases.models import Case, DeadlineKind
from supervision.cases.types import Firing
from supervision.conduct.models import CATEGORY_LABELS, ConductCase
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units.models import Unit, UnitRecall
from workflows.unit_lifecycle import LIVE
from workflows.base import N_

CASE_TYPE = "conduct"
REMEDIATION_DEADLINE = "remediation"


class ConductError(Exception):
    """A conduct case cannot be opened as asked (message N_-marked)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_case(*, actor, firm_id: int, category: str, title: str, description: str,
              source: str = "") -> Case:
    """An officer opens a case against a firm for conduct Art. 43 prohibits."""
    firm = db.session.get(Organisation, firm_id)
    if firm is None or not firm.is_firm:
        raise ConductError(N_("Choose a firm."))
    if category not in CATEGORY_LABELS:
        raise ConductError(N_("Choose one of the listed options."))
    if not (title or "").strip() or not (description or "").strip():
        raise ConductError(N_("Fill in every required field."))
    case = cases.create_case(case_type=CASE_TYPE, title=title.strip(), department_id=actor.organisation_id,
                             actor=actor, firm_id=firm.id)
    db.session.add(ConductCase(case_id=case.id, category=category, description=description.strip(),
                               source=(source or "").strip()))
    db.session.flush()
    return case


def conduct_of(case: Case) -> ConductCase | None:
    return db.session.execute(db.select(ConductCase).filter_by(case_id=case.id)).scalar()


def authorities() -> dict[str, dict[str, Any]]:
    """The competent authorities with an office configured here: kind -> its office."""
    return dict(current_app.config.get("CONDUCT_REFERRAL_AUTHORITIES") or {})


def office_of(kind: str | None, language: str = "zh") -> str:
    office = authorities().get(kind or "") or {}
    return office.get("name_en" if language == "en" else "name_zh", "")


def firm_models(case: Case) -> dict[str, int]:
    """The firm's robot models with units that can be recalled, by name (what a recall order may
    name)."""
    live = db.select(Unit.id).where(Unit.model_id == RobotModel.id, Unit.state.in_(LIVE)).exists()
    return {name: id_ for id_, name in db.session.execute(
        db.select(RobotModel.id, RobotModel.name).where(RobotModel.firm_id == case.firm_id, live)).all()}


def units_to_recall(case: Case) -> int:
    row = conduct_of(case)
    if row is None or row.recall_model_id is None:
        return 0
    return db.session.execute(db.select(db.func.count(Unit.id)).where(
        Unit.model_id == row.recall_model_id, Unit.state.in_(LIVE))).scalar_one()


def recall_of(case: Case) -> UnitRecall | None:
    """The recall the case's order made, if any."""
    return db.session.execute(db.select(UnitRecall).filter_by(order_case_id=case.id)
                              .order_by(UnitRecall.id.desc()).limit(1)).scalar()


def units_still_recalled(case: Case) -> int:
    recall = recall_of(case)
    if recall is None:
        return 0
    return db.session.execute(db.select(db.func.count(Unit.id)).where(
        Unit.recall_id == recall.id, Unit.state == "recalled")).scalar_one()


def facts(case: Case, actor) -> dict[str, Any]:
    out: dict[str, Any] = {"today": local_today(), "authorities": tuple(authorities())}
    if case.state == "findings":
        out["firm_models"] = tuple(firm_models(case))
    elif case.state == "recall_noticed":
        out["statement_filed"] = "file_statement" in cases.triggers_since(case, ("notice_recall",))
    elif case.state == "recall_proposed":
        out["units_to_recall"] = units_to_recall(case)
    elif case.state == "recall_ordered":
        out["units_still_recalled"] = units_still_recalled(case)
    return out


# -- effects of the table's triggers -------------------------------------------------------------


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _findings(case: Case, actor, firing: Firing) -> None:
    conduct_of(case).findings = firing.inputs["reason"]


def _propose_remediation(case: Case, actor, firing: Firing) -> None:
    row = conduct_of(case)
    row.measures = [str(m) for m in firing.inputs["measures"]]
    row.deadline = _as_date(firing.inputs["deadline"])


def _order_remediation(case: Case, actor, firing: Firing) -> None:
    """The order is issued: the firm runs against its deadline (to the end of that day)."""
    clocks.add_due_item(case, name=REMEDIATION_DEADLINE, kind=DeadlineKind.REMEDIATION.value, actor=actor,
                        label=N_("Remediation deadline"), due_at=conduct_of(case).deadline)


def _completed(case: Case, actor, firing: Firing) -> None:
    clocks.close(case, REMEDIATION_DEADLINE, actor=actor)


def _sent_back(case: Case, actor, firing: Firing) -> None:
    row = conduct_of(case)
    row.deadline = _as_date(firing.inputs["deadline"])
    clocks.add_due_item(case, name=REMEDIATION_DEADLINE, kind=DeadlineKind.REMEDIATION.value, actor=actor,
                        label=N_("Remediation deadline"), due_at=row.deadline)


def _propose_referral(case: Case, actor, firing: Firing) -> None:
    conduct_of(case).authority = firing.inputs["authority"]


def _notice_recall(case: Case, actor, firing: Firing) -> None:
    conduct_of(case).recall_model_id = firm_models(case)[firing.inputs["model"].strip()]


def _propose_recall(case: Case, actor, firing: Firing) -> None:
    conduct_of(case).measures = [str(m) for m in firing.inputs["measures"]]


def _order_recall(case: Case, actor, firing: Firing) -> None:
    """The order is issued: every live unit of the model is recalled and every holder told."""
    from supervision.units.recalls import order_recall

    row = conduct_of(case)
    model = db.session.get(RobotModel, row.recall_model_id)
    order_recall(model, case=case, actor=actor, reason=row.findings or case.title,
                 measures="；".join(row.measures))


def _dropped(case: Case, actor, firing: Firing) -> None:
    row = conduct_of(case)
    row.recall_model_id, row.measures = None, []


def _returned(case: Case, actor, firing: Firing) -> None:
    """A returned proposal leaves nothing proposed behind (a returned recall keeps its notice)."""
    row = conduct_of(case)
    if firing.from_state == "referral_proposed":
        row.authority = None
    elif firing.from_state == "recall_proposed":
        row.measures = []
    else:
        row.measures, row.deadline = [], None


EFFECTS = {
    "record_findings": (_findings,),
    "propose_remediation": (_propose_remediation,),
    "approve_remediation": (_order_remediation,),
    "report_completion": (_completed,),
    "send_back": (_sent_back,),
    "propose_referral": (_propose_referral,),
    "return_proposal": (_returned,),
    "notice_recall": (_notice_recall,),
    "propose_recall": (_propose_recall,),
    "approve_recall": (_order_recall,),
    "drop_action": (_dropped,),
}

