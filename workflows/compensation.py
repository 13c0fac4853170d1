"""A claim for compensation after a registration was rescinded (行政许可法 Art. 69 ¶4 under licence;
the rescission decision tells the firm of this path only where the ground was the authority's own
error, Art. 69 ¶1 — never for a registration obtained by improper means, ¶2).

The firm files the claim (the amount and the loss, 国家赔偿法 Art. 12); the officer proposes an
award (the amount, at most what was claimed) or a refusal with reasons; an approver decides (four
eyes).  The authority decides within two months of receiving the claim (国家赔偿法 Art. 13): the
clock counts 59 calendar days, the shortest two months there are, so it never runs past the legal
limit.  The decision on compensation is challenged in court within three months of the decision
(Art. 14), not by reconsideration: its remedy notice says so.

| state             | transition      | to                | who       |
|-------------------|-----------------|-------------------|-----------|
| submitted         | propose_award   | decision_proposed | officer   |
| submitted         | propose_refusal | decision_proposed | officer   |
| decision_proposed | approve         | awarded / refused | approver  |
| decision_proposed | return          | submitted         | approver  |
| submitted, decision_proposed | withdraw | withdrawn     | applicant |
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from workflows.base import (APPROVAL, COMMENT, OPINION, PROPOSAL, REASON, RETURN, Clock, Context, Field, N_,
                            State, Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"
DECIDED = "decision"
DECISION = Clock("decision", 59, N_("Decision on the claim (two months)"), unit="calendar_days")
AMOUNT = Field("award_amount", "line", N_("Amount awarded (yuan)"), max_length=20)

STATES = (
    State("submitted", N_("Claim received"), clock=DECISION),
    State("decision_proposed", N_("Decision proposed"), clock=DECISION),
    State("awarded", N_("Compensation awarded"), final=True),
    State("refused", N_("Compensation refused"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
)

TRANSITIONS = (
    t("propose_award", "submitted", "decision_proposed", [OFFICER], N_("Propose compensation"),
      fields=[AMOUNT, REASON], guards=["amount_allowed"], kind=PROPOSAL, proposes="award"),
    t("propose_refusal", "submitted", "decision_proposed", [OFFICER], N_("Propose refusal"),
      fields=[REASON], kind=PROPOSAL, proposes="refusal"),
    t("approve", "decision_proposed", "awarded", [APPROVER], N_("Approve"), guards=["four_eyes"],
      when="award_proposed", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("approve", "decision_proposed", "refused", [APPROVER], N_("Approve"), guards=["four_eyes"],
      when="refusal_proposed", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return", "decision_proposed", "submitted", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("withdraw", ("submitted", "decision_proposed"), "withdrawn", [APPLICANT], N_("Withdraw the claim"),
      fields=[REASON], danger=True),
)


def parse_amount(text: object) -> Decimal | None:
    """An amount in yuan as typed (``12,500.5``, full-width digits are not accepted): a positive
    number with at most two decimals, else None."""
    try:
        value = Decimal(str(text or "").replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value


def _amount_allowed(ctx: Context) -> str | None:
    """The award is a positive amount in yuan and not more than the firm claimed."""
    if ctx.probe:
        return None
    amount = parse_amount(ctx.inputs.get("award_amount"))
    if amount is None:
        return N_("Enter the amount in yuan as a positive number with at most two decimals, e.g. 12500.00.")
    claimed = ctx.facts.get("claimed")
    if claimed is not None and amount > Decimal(claimed):
        return N_("The award cannot exceed the amount claimed.")
    return None


def _proposed(what: str):
    def condition(ctx: Context) -> str | None:
        return None if ctx.facts.get("proposal") == what else "no"
    return condition


COMPENSATION = Workflow(
    name="compensation",
    version=1,
    label=N_("Compensation claim after rescission"),
    initial="submitted",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"four_eyes": four_eyes, "amount_allowed": _amount_allowed},
    conditions={"award_proposed": _proposed("award"), "refusal_proposed": _proposed("refusal")},
)
