"""Market-access measure assessment (市场准入措施评估, Art. 47; DOMAIN §6.4).

A department's officer carries a proposed new or changed market-access measure through the
three assessments the law names (necessity, safety, effectiveness — the last with its own
fair-competition review), an expert review, an optional public consultation and a conclusion
decided with four eyes.  A passed assessment ends in a recommendation (建议) to the city
government.  ``revise`` (a new text revision, with reasons) returns the case to the necessity
assessment from any later working state.  The case belongs to the department: no firm.
"""
from __future__ import annotations

from workflows.base import (APPROVAL, COMMENT, OPINION, EXPERT_REVIEW, PROPOSAL, REASON, RETURN, Clock, Context, Field, N_,
                            State, Workflow, four_eyes, t)

OFFICER, APPROVER = "officer", "approver"

# State groups (tags), read by the assessments package (``EXPERT_REVIEW``: the experts package):
CONSULTATION = "consultation"      # the draft is on the public register and takes comments
REVISABLE = "revisable"            # ``revise`` may send the case back to the necessity assessment
IN_ASSESSMENT = "in_assessment"    # listed on the register as "under assessment"

# Which structured assessment may be written in which state (one home: this table).
EDITS = {"necessity_assessment": ("necessity",), "safety_assessment": ("safety",),
         "effectiveness_assessment": ("effectiveness", "fair_competition")}

NECESSITY = Clock("necessity", 20, N_("Necessity assessment"))
SAFETY = Clock("safety", 20, N_("Safety assessment"))
EFFECTIVENESS = Clock("effectiveness", 20, N_("Effectiveness assessment"))
EXPERTS = Clock("expert_review", 15, N_("Expert review"))
CONSULTING = Clock("consultation", 30, N_("Public consultation period"), unit="calendar_days")
CONCLUSION = Clock("conclusion", 10, N_("Conclusion"))


def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES = (
    State("proposed", N_("Measure proposed"), tags=_tags(IN_ASSESSMENT)),
    State("necessity_assessment", N_("Necessity assessment"), clock=NECESSITY,
          tags=_tags(REVISABLE, IN_ASSESSMENT)),
    State("safety_assessment", N_("Safety assessment"), clock=SAFETY, tags=_tags(REVISABLE, IN_ASSESSMENT)),
    State("effectiveness_assessment", N_("Effectiveness assessment"), clock=EFFECTIVENESS,
          tags=_tags(REVISABLE, IN_ASSESSMENT)),
    State("expert_review", N_("Expert review"), clock=EXPERTS, tags=_tags(REVISABLE, EXPERT_REVIEW, IN_ASSESSMENT)),
    State("public_consultation", N_("Public consultation"), clock=CONSULTING,
          tags=_tags(REVISABLE, CONSULTATION, IN_ASSESSMENT)),
    State("conclusion_pending", N_("Conclusion pending"), clock=CONCLUSION, tags=_tags(REVISABLE, IN_ASSESSMENT)),
    State("passed", N_("Assessment passed")),
    State("not_passed", N_("Assessment not passed"), final=True),
    State("recommendation_issued", N_("Recommendation issued"), final=True),
)

# What the officer proposes as the conclusion (the approver decides it: four eyes).
CONCLUSIONS: tuple[tuple[str, str], ...] = (("passed", N_("Passed")), ("not_passed", N_("Not passed")))
NEW_TEXT = Field("text", "text", N_("Revised text of the measure"), max_length=50000)
WORKING = tuple(s.name for s in STATES if REVISABLE in s.tags)

TRANSITIONS = (
    t("start_assessment", "proposed", "necessity_assessment", [OFFICER], N_("Start the assessment"),
      guards=["has_text", "has_scope"]),
    t("complete_necessity", "necessity_assessment", "safety_assessment", [OFFICER],
      N_("Complete the necessity assessment"), guards=["necessity_done"]),
    t("complete_safety", "safety_assessment", "effectiveness_assessment", [OFFICER],
      N_("Complete the safety assessment"), guards=["safety_done"]),
    t("complete_effectiveness", "effectiveness_assessment", "expert_review", [OFFICER],
      N_("Complete the effectiveness assessment and send to experts"),
      guards=["necessity_done", "safety_done", "effectiveness_done", "fair_competition_done"]),
    t("open_consultation", "expert_review", "public_consultation", [OFFICER],
      N_("Open a public consultation"), guards=["opinions_in", "has_summary"]),
    t("skip_consultation", "expert_review", "conclusion_pending", [OFFICER],
      N_("Go to the conclusion without a public consultation"), guards=["opinions_in"], fields=[REASON]),
    t("close_consultation", "public_consultation", "conclusion_pending", [OFFICER],
      N_("Close the public consultation"), guards=["consultation_over", "comments_moderated"]),
    t("propose_conclusion", "conclusion_pending", "conclusion_pending", [OFFICER],
      N_("Propose the conclusion"), guards=["no_proposal", "consultation_answered"],
      fields=[Field("conclusion", "choice", N_("Conclusion"), choices=CONCLUSIONS), REASON],
      kind=PROPOSAL, proposes="conclusion"),
    t("approve_conclusion", "conclusion_pending", "passed", [APPROVER], N_("Approve the conclusion"),
      guards=["has_proposal", "four_eyes"], when="proposed_pass", fields=[OPINION], kind=APPROVAL, tags=["decision"]),
    t("approve_conclusion", "conclusion_pending", "not_passed", [APPROVER], N_("Approve the conclusion"),
      guards=["has_proposal", "four_eyes"], when="proposed_not_pass", fields=[OPINION], kind=APPROVAL, tags=["decision"]),
    t("return_conclusion", "conclusion_pending", "conclusion_pending", [APPROVER], N_("Return to officer"),
      guards=["has_proposal", "four_eyes"], fields=[COMMENT], kind=RETURN),
    t("issue_recommendation", "passed", "recommendation_issued", [APPROVER],
      N_("Issue the recommendation to the city government"), tags=["decision"]),
    t("revise", WORKING, "necessity_assessment", [OFFICER], N_("Revise the measure"),
      fields=[NEW_TEXT, REASON]),
)


def _fact(name: str, message: str):
    def guard(ctx: Context) -> str | None:
        return None if ctx.facts.get(name) else message
    guard.__name__ = f"_{name}"
    return guard


def _no_proposal(ctx: Context) -> str | None:
    return N_("A conclusion is already proposed; the approver decides it.") if ctx.facts.get("proposal") else None


def _has_proposal(ctx: Context) -> str | None:
    return None if ctx.facts.get("proposal") else N_("No conclusion has been proposed yet.")


def _proposed(value: str):
    def condition(ctx: Context) -> str | None:
        return None if ctx.facts.get("proposed_conclusion") == value else N_("Another conclusion was proposed.")
    return condition


ASSESSMENT = Workflow(
    name="assessment", version=1, label=N_("Market-access measure assessment"), initial="proposed",
    states=STATES, transitions=TRANSITIONS,
    guards={
        "has_text": _fact("has_text", N_("Write the text of the measure first.")),
        "has_scope": _fact("has_scope", N_("Say which products the measure affects (scenario class, tier or form factor) and the problem it addresses.")),
        "necessity_done": _fact("necessity_done", N_("The necessity assessment of this text is missing or incomplete.")),
        "safety_done": _fact("safety_done", N_("The safety assessment of this text is missing or incomplete.")),
        "effectiveness_done": _fact("effectiveness_done", N_("The effectiveness assessment of this text is missing or incomplete.")),
        "fair_competition_done": _fact("fair_competition_done", N_("The fair-competition review of this text is missing or incomplete.")),
        "opinions_in": _fact("opinions_in", N_("Draw experts; every expert drawn must give an opinion first.")),
        "has_summary": _fact("has_summary", N_("Write the plain summary of the assessments for the public first.")),
        "consultation_over": _fact("consultation_over", N_("The consultation period has not ended yet.")),
        "comments_moderated": _fact("comments_moderated", N_("Some comments still await moderation.")),
        "consultation_answered": _fact("consultation_answered", N_("Record how the comments were taken into account (overall and per theme) first.")),
        "no_proposal": _no_proposal,
        "has_proposal": _has_proposal,
        "four_eyes": four_eyes,
    },
    conditions={"proposed_pass": _proposed("passed"), "proposed_not_pass": _proposed("not_passed")},
)
