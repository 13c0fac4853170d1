"""Change and renewal of a registration (DOMAIN §6.1; 行政许可法 Arts. 49-50 under licence, a filed
change 备案变更 under filing).

What a registration decided is frozen: a firm that wants a registered model's particulars changed
(name, form factor, scenarios, intelligence level …) applies for a **change**; a registration with a
term is **renewed** (延续) on an application made before it expires.  The officer proposes, an
approver decides (four eyes); a grant applies the change or extends the term in the same unit of
work (``supervision.changes``).  Under licence a renewal not decided before the registration
expires is deemed granted (Art. 50 ¶2): the system fires ``deem_renewed``.
"""
from __future__ import annotations

from workflows.base import (APPROVAL, COMMENT, OPINION, PROPOSAL, REASON, RETURN, Clock, Context, N_, State,
                            Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"
SYSTEM = "system"
CHANGE, RENEWAL = "change", "renewal"
KINDS = {CHANGE: N_("Change of particulars"), RENEWAL: N_("Renewal")}
DECIDED, SUBMISSION = "decision", "submission"
DECISION = Clock("decision", 20, N_("Decision on the application"))

STATES = (
    State("submitted", N_("Submitted"), clock=DECISION),
    State("decision_proposed", N_("Decision proposed"), clock=DECISION),
    State("change_granted", N_("Change granted"), final=True),
    State("change_refused", N_("Change refused"), final=True),
    State("renewed", N_("Renewed"), final=True),
    State("renewal_refused", N_("Renewal refused"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
)

TRANSITIONS = (
    t("propose_grant", "submitted", "decision_proposed", [OFFICER], N_("Propose grant"),
      guards=["renewable_now"], kind=PROPOSAL, proposes="grant"),
    t("propose_refusal", "submitted", "decision_proposed", [OFFICER], N_("Propose refusal"),
      fields=[REASON], kind=PROPOSAL, proposes="refusal"),
    *(t("approve", "decision_proposed", dest, [APPROVER], N_("Approve"), guards=["four_eyes", "renewable_now"],
        when=when, fields=[OPINION], kind=APPROVAL, tags=[DECIDED])
      for when, dest in (("grant_of_change", "change_granted"), ("refusal_of_change", "change_refused"),
                         ("grant_of_renewal", "renewed"), ("refusal_of_renewal", "renewal_refused"))),
    t("return", "decision_proposed", "submitted", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("withdraw", ("submitted", "decision_proposed"), "withdrawn", [APPLICANT], N_("Withdraw application"),
      fields=[REASON], danger=True, tags=[SUBMISSION]),
    # 行政许可法 Art. 50 ¶2 (licence): not decided before expiry, the renewal is deemed granted.
    t("deem_renewed", ("submitted", "decision_proposed"), "renewed", [SYSTEM],
      N_("Deemed renewed (not decided before expiry)"), guards=["deemed_renewal_due"], tags=[DECIDED]),
)


def _renewable_now(ctx: Context) -> str | None:
    """A renewal is granted only before the registration expires (a refusal may follow after)."""
    if ctx.facts.get("kind") != RENEWAL or ctx.facts.get("proposal", "grant") == "refusal":
        return None
    if ctx.facts.get("expired"):
        return N_("The registration has expired: it can no longer be renewed. Refuse the renewal; "
                  "the firm may apply for a new registration.")
    return None


def _deemed_renewal_due(ctx: Context) -> str | None:
    if ctx.facts.get("kind") != RENEWAL or ctx.facts.get("nature") != "licence":
        return N_("Only a renewal under licence is deemed granted.")
    if not ctx.facts.get("expired"):
        return N_("The registration has not expired yet.")
    return None


def _when(kind: str, proposal: str):
    def condition(ctx: Context) -> str | None:
        return None if ctx.facts.get("kind") == kind and ctx.facts.get("proposal") == proposal else "no"
    return condition


REGISTRATION_CHANGE = Workflow(
    name="registration_change",
    version=1,
    label=N_("Change or renewal of a registration"),
    initial="submitted",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"four_eyes": four_eyes, "renewable_now": _renewable_now, "deemed_renewal_due": _deemed_renewal_due},
    conditions={"grant_of_change": _when(CHANGE, "grant"), "refusal_of_change": _when(CHANGE, "refusal"),
                "grant_of_renewal": _when(RENEWAL, "grant"), "refusal_of_renewal": _when(RENEWAL, "refusal")},
)
