"""Change and renewal of a registration (DOMAIN §6.1; 行政许可法 Arts. 49-50 under licence, a filed
change 备案变更 under filing).

What a registration decided is frozen: a firm that wants a registered model's particulars changed
(name, form factor, scenarios, intelligence level …) applies for a **change**; a registration with a
term is **renewed** (延续) on an application made before it expires.  The application is first
accepted, refused acceptance or sent back once for a supplement, exactly as a registration is
(行政许可法 Art. 32 under licence; the measure under filing): the same clocks, the same deemed
acceptance and lapse.  Then the officer proposes, an approver decides (four eyes); a grant applies
the change or extends the term in the same unit of work (``supervision.changes``).  Under licence a
renewal not decided before the registration expires is deemed granted (Art. 50 ¶2): the system
fires ``deem_renewed``.  A decision set aside on reconsideration or by a court takes the case back
to be decided anew (``restore_after_set_aside``).
"""
from __future__ import annotations

from workflows.base import (APPROVAL, ATTACHMENT, COMMENT, OPINION, PROPOSAL, REASON, RETURN, Context, N_, State,
                            Workflow, four_eyes, t)
from workflows.registration import (ACCEPTANCE, ANSWER, COMPETENT_AUTHORITY, DECISION, INFO, ITEMS, SUPPLEMENT,
                                    _decision_set_aside, _no_previous_supplement)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"
SYSTEM = "system"
CHANGE, RENEWAL = "change", "renewal"
KINDS = {CHANGE: N_("Change of particulars"), RENEWAL: N_("Renewal")}
DECIDED, SUBMISSION = "decision", "submission"

STATES = (
    State("submitted", N_("Submitted"), clock=ACCEPTANCE),
    State("supplement_requested", N_("Supplement requested"), clock=SUPPLEMENT),
    State("not_accepted", N_("Not accepted"), final=True),
    State("lapsed", N_("Lapsed"), final=True),
    State("accepted", N_("Accepted"), clock=DECISION),
    State("decision_proposed", N_("Decision proposed"), clock=DECISION),
    State("change_granted", N_("Change granted"), final=True),
    State("change_refused", N_("Change refused"), final=True),
    State("renewed", N_("Renewed"), final=True),
    State("renewal_refused", N_("Renewal refused"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
)

TRANSITIONS = (
    # Acceptance (行政许可法 Art. 32), as for a registration: accept, refuse to accept (naming the
    # competent authority when outside the remit), or one notice of everything to supplement;
    # silence for five working days is deemed acceptance, a missed supplement lapses.
    t("accept", "submitted", "accepted", [OFFICER], N_("Accept"), tags=[DECIDED]),
    t("not_accept", "submitted", "not_accepted", [OFFICER], N_("Do not accept"),
      fields=[REASON, COMPETENT_AUTHORITY], danger=True, tags=[DECIDED]),
    t("request_supplement", "submitted", "supplement_requested", [OFFICER], N_("Send supplement notice"),
      guards=["no_previous_supplement"], fields=[ITEMS], tags=[INFO]),
    t("supplement", "supplement_requested", "submitted", [APPLICANT], N_("Submit supplement"),
      fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("deem_accepted", "submitted", "accepted", [SYSTEM], N_("Deemed accepted (no decision within the period)"),
      tags=[DECIDED]),
    t("lapse", "supplement_requested", "lapsed", [SYSTEM], N_("Lapse (no supplement within the period)"),
      tags=[DECIDED]),
    t("propose_grant", "accepted", "decision_proposed", [OFFICER], N_("Propose grant"),
      guards=["renewable_now"], kind=PROPOSAL, proposes="grant"),
    t("propose_refusal", "accepted", "decision_proposed", [OFFICER], N_("Propose refusal"),
      fields=[REASON], kind=PROPOSAL, proposes="refusal"),
    *(t("approve", "decision_proposed", dest, [APPROVER], N_("Approve"), guards=["four_eyes", "renewable_now"],
        when=when, fields=[OPINION], kind=APPROVAL, tags=[DECIDED])
      for when, dest in (("grant_of_change", "change_granted"), ("refusal_of_change", "change_refused"),
                         ("grant_of_renewal", "renewed"), ("refusal_of_renewal", "renewal_refused"))),
    t("return", "decision_proposed", "accepted", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("withdraw", ("submitted", "supplement_requested", "accepted", "decision_proposed"), "withdrawn", [APPLICANT],
      N_("Withdraw application"), fields=[REASON], danger=True, tags=[SUBMISSION]),
    # 行政许可法 Art. 50 ¶2 (licence): not decided before expiry, the renewal is deemed granted.
    t("deem_renewed", ("submitted", "accepted", "decision_proposed"), "renewed", [SYSTEM],
      N_("Deemed renewed (not decided before expiry)"), guards=["deemed_renewal_due"], tags=[DECIDED]),
    # A decision set aside on reconsideration or by a court (``decisions.outcomes``): the case goes
    # back to where the decision found it, to be decided anew (a granted change is undone on the
    # registration by the case type's effect).
    *(t("restore_after_set_aside", source, dest, [OFFICER], N_("Restore after the decision was set aside"),
        guards=["decision_set_aside"], tags=[DECIDED])
      for source, dest in (("not_accepted", "submitted"), ("change_granted", "accepted"),
                           ("change_refused", "accepted"), ("renewed", "accepted"),
                           ("renewal_refused", "accepted"))),
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
    guards={"four_eyes": four_eyes, "renewable_now": _renewable_now, "deemed_renewal_due": _deemed_renewal_due,
            "no_previous_supplement": _no_previous_supplement, "decision_set_aside": _decision_set_aside},
    conditions={"grant_of_change": _when(CHANGE, "grant"), "refusal_of_change": _when(CHANGE, "refusal"),
                "grant_of_renewal": _when(RENEWAL, "grant"), "refusal_of_renewal": _when(RENEWAL, "refusal")},
)
