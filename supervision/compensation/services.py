"""Compensation claim services: the only code that opens a claim and records what was proposed
and awarded.  Each public function checks before it writes, writes one audit event and flushes;
the unit of work of the request or command commits.

A claim may be filed only on a registration rescinded by a decision in force whose ground opens
the path (``registry.decision_facts.compensation_open``), within two years of that decision
(国家赔偿法 Art. 39), once per rescission while a claim is open or after one was decided.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from supervision.accounts.models import User
from supervision.audit.services import record
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.cases.types import Firing
from supervision.compensation.models import CompensationClaim
from supervision.core.timeutil import local_date, local_today
from supervision.decisions.models import Decision, DecisionStatus
from supervision.extensions import db
from supervision.registry.decision_facts import compensation_open
from workflows.base import N_
from workflows.compensation import COMPENSATION, parse_amount

RELATION = "claims_compensation_for"
LIMITATION_YEARS = 2   # 国家赔偿法 Art. 39: two years from knowing of the act
MAX_LOSS_LENGTH = 5000


class ClaimError(Exception):
    """A refused claim; ``message`` is N_-marked, ``params`` its fields."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message, self.params = message, params


def claim_of(case: Case) -> CompensationClaim | None:
    return db.session.execute(db.select(CompensationClaim).filter_by(case_id=case.id)).scalar()


def claims_on(reg_case: Case) -> list[CompensationClaim]:
    return list(db.session.execute(db.select(CompensationClaim).filter_by(registration_case_id=reg_case.id)
                                   .order_by(CompensationClaim.id)).scalars())


def rescission_in_force(reg_case: Case) -> Decision | None:
    return db.session.execute(
        db.select(Decision).where(Decision.case_id == reg_case.id, Decision.kind == "rescission",
                                  Decision.status == DecisionStatus.ISSUED.value)
        .order_by(Decision.id.desc()).limit(1)).scalar()


def limitation_ends(rescission: Decision) -> dt.date:
    day = local_date(rescission.issued_at)
    try:
        return day.replace(year=day.year + LIMITATION_YEARS)
    except ValueError:  # issued on 29 February
        return day.replace(year=day.year + LIMITATION_YEARS, day=28)


def may_claim(reg_case: Case) -> tuple[Decision | None, str | None]:
    """The rescission a claim would follow, or why none may be filed now (N_-marked)."""
    rescission = rescission_in_force(reg_case)
    if rescission is None or not compensation_open(reg_case):
        return None, N_("Compensation can be claimed only after a rescission that the decision says opens the "
                        "compensation path.")
    if local_today() > limitation_ends(rescission):
        return None, N_("The two years to claim compensation after the rescission have passed.")
    if any(c.case.state != "withdrawn" for c in claims_on(reg_case)):
        return None, N_("A compensation claim on this rescission has already been filed.")
    return rescission, None


def file_claim(reg_case: Case, *, actor: User, amount: str, loss: str) -> CompensationClaim:
    """The firm claims compensation for the loss the rescission caused it."""
    if reg_case.firm_id != actor.organisation_id:
        raise ClaimError(N_("Only the firm whose registration was rescinded may claim."))
    rescission, why_not = may_claim(reg_case)
    if why_not:
        raise ClaimError(why_not)
    value = parse_amount(amount)
    if value is None:
        raise ClaimError(N_("Enter the amount in yuan as a positive number with at most two decimals, e.g. 12500.00."))
    loss = (loss or "").strip()
    if not loss:
        raise ClaimError(N_("Describe the loss and how the rescission caused it."))
    if len(loss) > MAX_LOSS_LENGTH:
        raise ClaimError(N_("The description of the loss is too long (at most %(n)s characters)."), n=MAX_LOSS_LENGTH)
    case = cases.create_case(case_type=COMPENSATION.name, title=reg_case.title,
                             department_id=reg_case.department_id, firm_id=reg_case.firm_id, actor=actor)
    claim = CompensationClaim(case_id=case.id, registration_case_id=reg_case.id, rescission_id=rescission.id,
                              amount_claimed=value, loss=loss)
    db.session.add(claim)
    db.session.flush()
    cases.link_cases(case, reg_case, relation=RELATION, actor=actor)
    record("compensation.claim_filed", actor=actor, case=case, object_type="compensation_claim",
           object_id=claim.id, details={"amount_claimed": f"{value:.2f}", "rescission": rescission.number})
    return claim


# -- the engine's plug-ins --------------------------------------------------------------------

def facts(case: Case, actor: Any) -> dict[str, Any]:
    claim = claim_of(case)
    return {} if claim is None else {"claimed": f"{claim.amount_claimed:.2f}"}


def _proposed(case: Case, actor: Any, firing: Firing) -> None:
    claim = claim_of(case)
    claim.amount_proposed = parse_amount(firing.inputs.get("award_amount")) if firing.trigger == "propose_award" else None
    db.session.flush()


def _decided(case: Case, actor: Any, firing: Firing) -> None:
    claim = claim_of(case)
    if firing.to_state == "awarded":
        claim.amount_awarded = claim.amount_proposed
        db.session.flush()
        record("compensation.awarded", actor=actor, case=case, object_type="compensation_claim", object_id=claim.id,
               details={"amount_awarded": f"{claim.amount_awarded:.2f}"})


def _returned(case: Case, actor: Any, firing: Firing) -> None:
    claim_of(case).amount_proposed = None
    db.session.flush()


EFFECTS = {"propose_award": (_proposed,), "propose_refusal": (_proposed,), "approve": (_decided,),
           "return": (_returned,)}


def snapshot(case: Case) -> dict[str, Any]:
    """What the decision on the claim rests on: the rescission, the claim and the proposed amount."""
    claim = claim_of(case)
    if claim is None:
        return {"title": case.title, "firm_id": case.firm_id}
    return {"rescission": claim.rescission.number, "registration_case": claim.registration_case.number,
            "amount_claimed": f"{claim.amount_claimed:.2f}", "loss": claim.loss,
            "amount_proposed": None if claim.amount_proposed is None else f"{claim.amount_proposed:.2f}"}


def yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"
