"""The firm's list of its robot models: each model with its current version, its latest
application (state, tier, number, due date), whether it holds a valid certificate and what the
firm owes on it, those it owes something on first.

Read as plain rows in two statements whatever the number of models: one counts the firm's
models, one reads a page of them, ordered and paged in SQL (what the firm owes is a SQL
expression built from the same table, ``OWED_IN_STATE``, as the texts it shows).  Labels and
texts are translated once per language (``Texts``), not once per row.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from sqlalchemy import and_, case as sql_case, func, or_

from supervision.cases.models import Case
from supervision.cases.queries import page_bounds
from supervision.certificates import services as certificates
from supervision.core.i18n import label
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import ModelVersion, Registration, RobotModel
from supervision.registry.services import CERTIFICATE_STATES
from workflows.base import N_
from workflows.registration import REGISTRATION

PAGE_SIZE = 50

# The states of an application in which it is the firm's turn, with what it has to do.
OWED_IN_STATE = {
    "draft": N_("Complete the application and submit it."),
    "supplement_requested": N_("Supplement everything listed in the notice (edit the model if needed), then submit the supplement."),
    "clarification_requested": N_("Answer the clarification request."),
    "suspension_noticed": N_("You may state your defence against the intended suspension."),
    "revocation_noticed": N_("You may state your defence against the intended revocation or request a hearing."),
    "hearing_recorded": N_("Read the hearing record and confirm it or state your objections."),
}
# Before the decision a model of tier 2 and above needs a valid certificate.
CERTIFICATE_OWED = N_("Tier 2 and above need a valid certificate: your certification body records it for this model on the platform.")


def owed_msgid(state: str, tier: int | None, certified: bool) -> str | None:
    """What the firm owes on an application in ``state`` (an N_-marked text; None: nothing)."""
    if state in OWED_IN_STATE:
        return OWED_IN_STATE[state]
    if state in CERTIFICATE_STATES and (tier or 0) >= 2 and not certified:
        return CERTIFICATE_OWED
    return None


def _owing(certified):
    """SQL: the firm owes something on the row's application (``owed_msgid`` is not None)."""
    return or_(Case.state.in_(tuple(OWED_IN_STATE)),
               and_(Case.state.in_(tuple(CERTIFICATE_STATES)), Registration.tier >= 2, ~certified))


@dataclass(frozen=True)
class FirmRow:
    model_id: int
    name: str
    version: int
    draft: bool                    # the current version is not frozen (not yet submitted)
    case_id: int | None            # the latest application (None: none yet)
    number: str | None
    state: str | None
    due_date: dt.date | None
    tier: int | None
    registration_number: str | None
    certified: bool
    owes: str | None               # N_-marked: what the firm has to do now


@dataclass(frozen=True)
class FirmPage:
    rows: list[FirmRow]
    page: int
    pages: int
    total: int


def count(firm_id: int) -> int:
    return db.session.execute(db.select(func.count(RobotModel.id)).where(RobotModel.firm_id == firm_id)).scalar_one()


def firm_page(firm_id: int, page: int | None, *, size: int | None = None, day: dt.date | None = None) -> FirmPage:
    """One page of the firm's models, those it owes something on first, then in the order they
    were created; ``page`` is clamped to the pages there are.  Two statements."""
    size = size or PAGE_SIZE
    total = count(firm_id)
    page, pages = page_bounds(total, page or 1, size)
    return FirmPage(_rows(firm_id, day or local_today(), limit=size, offset=(page - 1) * size),
                    page, pages, total)


def _rows(firm_id: int, day: dt.date, *, limit: int, offset: int) -> list[FirmRow]:
    latest = (db.select(Registration.model_id, func.max(Registration.id).label("reg_id"))
              .join(RobotModel, RobotModel.id == Registration.model_id)
              .where(RobotModel.firm_id == firm_id).group_by(Registration.model_id).subquery())
    current = (db.select(ModelVersion.model_id, func.max(ModelVersion.number).label("number"))
               .join(RobotModel, RobotModel.id == ModelVersion.model_id)
               .where(RobotModel.firm_id == firm_id).group_by(ModelVersion.model_id).subquery())
    certified = certificates.valid_condition(RobotModel.id, day)
    q = (db.select(RobotModel.id, RobotModel.name, ModelVersion.number, ModelVersion.frozen_at,
                   Case.id, Case.number, Case.state, Case.due_date, Registration.tier,
                   Registration.registration_number, certified)
         .select_from(RobotModel)
         .join(current, current.c.model_id == RobotModel.id)
         .join(ModelVersion, and_(ModelVersion.model_id == RobotModel.id, ModelVersion.number == current.c.number))
         .outerjoin(latest, latest.c.model_id == RobotModel.id)
         .outerjoin(Registration, Registration.id == latest.c.reg_id)
         .outerjoin(Case, Case.id == Registration.case_id)
         .where(RobotModel.firm_id == firm_id)
         .order_by(sql_case((_owing(certified), 0), else_=1), RobotModel.id)
         .limit(limit).offset(offset))
    return [FirmRow(model_id, name, version, frozen_at is None, case_id, number, state, due, tier, reg_number,
                    bool(valid), owed_msgid(state, tier, bool(valid)) if state else None)
            for (model_id, name, version, frozen_at, case_id, number, state, due, tier, reg_number, valid)
            in db.session.execute(q)]


class Texts:
    """The list's state labels and "what you owe" texts in the current language, translated
    once per language in a worker's life; its links built once a page and joined around each
    row's id (not one ``url_for`` a link)."""

    def __init__(self) -> None:
        self._texts = _texts(str(get_locale()))
        self._model = _url_parts("registry.show_model", "model_id")
        self._case = _url_parts("cases.show", "case_id")

    def model_url(self, model_id: int) -> str:
        return f"{self._model[0]}{model_id}{self._model[1]}"

    def case_url(self, case_id: int) -> str:
        return f"{self._case[0]}{case_id}{self._case[1]}"

    def state(self, state: str) -> str:
        return self._texts.get(("state", state), state)

    def owes(self, msgid: str | None) -> str:
        return self._texts.get(("owes", msgid), "") if msgid else ""


_SAMPLE_ID = 918273645


def _url_parts(endpoint: str, key: str) -> tuple[str, str]:
    before, _sep, after = url_for(endpoint, **{key: _SAMPLE_ID}).partition(str(_SAMPLE_ID))
    return before, after


@functools.lru_cache(maxsize=8)
def _texts(_locale: str) -> dict[tuple[str, str], str]:
    out = {("state", name): label(REGISTRATION.state_label(name)) for name in REGISTRATION.states}
    out.update({("owes", msgid): label(msgid) for msgid in (*OWED_IN_STATE.values(), CERTIFICATE_OWED)})
    return out
