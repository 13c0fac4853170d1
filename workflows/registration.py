"""Registration with graded classification (DOMAIN §6.1; Art. 48; Administrative Licensing Law).

The table below is the whole procedure: who may do what, from which state, under which
named guards, with which inputs, and which statutory clock runs in each state.
"""
from __future__ import annotations

from workflows.base import (APPROVAL, COMMENT, DOCUMENT, PROPOSAL, REASON, RETURN, Clock, Context, Field, N_,
                            State, Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"

# The grounds of deregistration (注销): the form's choices, the guard and the decision's text.
DEREGISTRATION_GROUNDS: tuple[tuple[str, str], ...] = (
    ("expired", N_("the registration has expired and was not renewed")),
    ("firm_withdrawal", N_("the firm applied for deregistration")),
    ("units_scrapped", N_("all units of the model have been scrapped")),
)
GROUND = Field("ground", "choice", N_("Ground"), choices=DEREGISTRATION_GROUNDS)
RECORD = Field("document", "document", N_("Hearing record"))

# State groups (tags), read by the registry's services and pages:
EDITABLE = "editable"        # the firm may still change what it declared
CERTIFICATE = "certificate"  # the firm may still declare its certificate
REVIEW = "review"            # the tier may still be reviewed
OPEN = "open"                # an application in progress (one per model)
BEFORE_DECISION = "before_decision"  # the firm may still withdraw
ON_REGISTER = "on_register"  # listed among registered models
ENDED = "ended"              # listed among suspended or ended registrations

ACCEPTANCE = Clock("acceptance", 5, N_("Acceptance decision"))
DECISION = Clock("decision", 20, N_("Licensing decision"))
PUBLIC_NOTICE = Clock("public_notice", 5, N_("Public notice period"))
DEFENCE = Clock("defence", 5, N_("Period to state a defence"))
ACTION = Clock("action", 10, N_("Decision on the intended action"))

def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES = (
    State("draft", N_("Draft"), tags=_tags(EDITABLE, CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("submitted", N_("Submitted"), clock=ACCEPTANCE, tags=_tags(CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("supplement_requested", N_("Supplement requested"), pauses="acceptance",
          tags=_tags(EDITABLE, CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("not_accepted", N_("Not accepted"), final=True),
    State("accepted", N_("Accepted"), clock=DECISION, tags=_tags(CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    State("classification_review", N_("Classification review"), clock=DECISION,
          tags=_tags(CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    State("clarification_requested", N_("Clarification requested"), pauses="decision",
          tags=_tags(EDITABLE, CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    State("decision_proposed", N_("Decision proposed"), clock=DECISION, tags=_tags(OPEN, BEFORE_DECISION)),
    State("public_notice", N_("Public notice"), clock=PUBLIC_NOTICE, tags=_tags(OPEN)),
    State("registered", N_("Registered"), tags=_tags(ON_REGISTER)),
    State("refused", N_("Refused"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
    State("suspension_noticed", N_("Suspension notified"), clock=DEFENCE, tags=_tags(ON_REGISTER)),
    State("suspension_proposed", N_("Suspension proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("suspended", N_("Suspended"), tags=_tags(ENDED)),
    State("revocation_noticed", N_("Revocation notified"), clock=DEFENCE, tags=_tags(ON_REGISTER)),
    State("hearing", N_("Hearing"), pauses="defence", tags=_tags(ON_REGISTER)),
    State("revocation_proposed", N_("Revocation proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("revoked", N_("Revoked"), final=True, tags=_tags(ENDED)),
    State("rescission_proposed", N_("Rescission proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("rescinded", N_("Rescinded"), final=True, tags=_tags(ENDED)),
    State("deregistered", N_("Deregistered"), final=True, tags=_tags(ENDED)),
)

WITHDRAWABLE = tuple(st.name for st in STATES if BEFORE_DECISION in st.tags)
INFO, ANSWER, DECIDED, NOTICE = "information_request", "answer", "decision", "notice"

TRANSITIONS = (
    t("submit", "draft", "submitted", [APPLICANT], N_("Submit application"),
      guards=["application_complete"], tags=["submission"]),
    t("withdraw", WITHDRAWABLE, "withdrawn", [APPLICANT], N_("Withdraw application"),
      fields=[REASON], danger=True, tags=["submission"]),
    # Acceptance (行政许可法 Art. 32): accept, refuse to accept, or one supplement notice.
    t("accept", "submitted", "accepted", [OFFICER], N_("Accept"), tags=[DECIDED]),
    t("not_accept", "submitted", "not_accepted", [OFFICER], N_("Do not accept"),
      fields=[REASON], danger=True, tags=[DECIDED]),
    t("request_supplement", "submitted", "supplement_requested", [OFFICER],
      N_("Send supplement notice"), guards=["no_previous_supplement"], fields=[COMMENT], tags=[INFO]),
    t("supplement", "supplement_requested", "submitted", [APPLICANT],
      N_("Submit supplement"), fields=[COMMENT], tags=[ANSWER]),
    # Review and the four-eyes decision.
    t("start_review", "accepted", "classification_review", [OFFICER], N_("Start review")),
    t("request_clarification", "classification_review", "clarification_requested", [OFFICER],
      N_("Request clarification"), fields=[COMMENT], tags=[INFO]),
    t("answer_clarification", "clarification_requested", "classification_review", [APPLICANT],
      N_("Answer clarification"), fields=[COMMENT], tags=[ANSWER]),
    t("propose_grant", "classification_review", "decision_proposed", [OFFICER],
      N_("Propose grant"), guards=["classified", "certificate_if_required"], kind=PROPOSAL, proposes="grant"),
    t("propose_refusal", "classification_review", "decision_proposed", [OFFICER],
      N_("Propose refusal"), fields=[REASON], kind=PROPOSAL, proposes="refusal"),
    t("approve", "decision_proposed", "public_notice", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="grant_needs_notice", kind=APPROVAL, tags=[DECIDED]),
    t("approve", "decision_proposed", "registered", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="grant_without_notice", kind=APPROVAL, tags=[DECIDED]),
    t("approve", "decision_proposed", "refused", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="refusal", kind=APPROVAL, tags=[DECIDED]),
    t("return", "decision_proposed", "classification_review", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Public notice (公示): an objection returns the case to review.
    t("object", "public_notice", "classification_review", ["public", OFFICER],
      N_("Record objection"), fields=[COMMENT]),
    t("conclude_notice", "public_notice", "registered", [OFFICER], N_("Conclude public notice"),
      guards=["notice_period_over"], tags=[DECIDED]),
    # Suspension with prior notice and the right to state a defence (行政处罚法 Arts. 44-45).
    t("notice_suspension", "registered", "suspension_noticed", [OFFICER],
      N_("Notify intended suspension"), fields=[REASON], danger=True, tags=[NOTICE]),
    # A statement of defence keeps the case where it is.
    t("file_statement", "suspension_noticed", "suspension_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT], tags=[ANSWER]),
    t("propose_suspension", "suspension_noticed", "suspension_proposed", [OFFICER],
      N_("Propose suspension"), guards=["defence_closed"], fields=[REASON], kind=PROPOSAL,
      proposes="suspension"),
    t("drop_action", ("suspension_noticed", "revocation_noticed"), "registered", [OFFICER],
      N_("Drop the intended action"), fields=[REASON], tags=[DECIDED]),
    t("approve_suspension", "suspension_proposed", "suspended", [APPROVER],
      N_("Approve suspension"), guards=["four_eyes"], danger=True, kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "suspension_proposed", "suspension_noticed", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("lift_suspension", "suspended", "registered", [APPROVER], N_("Lift suspension"),
      fields=[REASON], tags=[DECIDED]),
    # Revocation (吊销) with defence and a hearing on request (行政处罚法 Art. 63).
    t("notice_revocation", "registered", "revocation_noticed", [OFFICER],
      N_("Notify intended revocation"), fields=[REASON], danger=True, tags=[NOTICE]),
    t("file_statement", "revocation_noticed", "revocation_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT], tags=[ANSWER]),
    t("request_hearing", "revocation_noticed", "hearing", [APPLICANT], N_("Request a hearing"),
      guards=["hearing_not_yet_requested"], tags=[ANSWER]),
    t("record_hearing", "hearing", "revocation_noticed", [OFFICER], N_("Record hearing"),
      fields=[COMMENT, RECORD]),
    t("propose_revocation", "revocation_noticed", "revocation_proposed", [OFFICER],
      N_("Propose revocation"), guards=["defence_closed"], fields=[REASON], kind=PROPOSAL,
      proposes="revocation"),
    t("approve_revocation", "revocation_proposed", "revoked", [APPROVER],
      N_("Approve revocation"), guards=["four_eyes"], danger=True, kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "revocation_proposed", "revocation_noticed", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Rescission (撤销) of an unlawful grant and deregistration (注销).
    t("propose_rescission", ("registered", "suspended"), "rescission_proposed", [OFFICER],
      N_("Propose rescission"), fields=[REASON], danger=True, kind=PROPOSAL, proposes="rescission"),
    t("approve_rescission", "rescission_proposed", "rescinded", [APPROVER],
      N_("Approve rescission"), guards=["four_eyes"], danger=True, kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "rescission_proposed", "registered", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("deregister", ("registered", "suspended"), "deregistered", [OFFICER], N_("Deregister"),
      fields=[GROUND, REASON], danger=True, tags=[DECIDED]),
)


def _missing(ctx: Context) -> str | None:
    if ctx.facts.get("missing_fields"):
        return N_("The application is incomplete: fill in every required field first.")
    return None


def _no_previous_supplement(ctx: Context) -> str | None:
    if ctx.facts.get("supplement_count", 0) >= 1:
        return N_("A supplement notice was already sent; only one is allowed before acceptance.")
    return None


def _classified(ctx: Context) -> str | None:
    if ctx.facts.get("tier") is None:
        return N_("The model has no tier yet: classify it first.")
    return None


def _certificate(ctx: Context) -> str | None:
    if (ctx.facts.get("tier") or 0) >= 2 and ctx.facts.get("certificate_missing"):
        return N_("Tier 2 and above need a certificate: number, issuing body and evidence document.")
    return None


def _notice_over(ctx: Context) -> str | None:
    if not ctx.facts.get("clock_expired"):
        return N_("The public notice period has not ended yet.")
    return None


def _defence_closed(ctx: Context) -> str | None:
    if not (ctx.facts.get("statement_filed") or ctx.facts.get("clock_expired")):
        return N_("The firm may still state its defence: wait for its statement or the end of the period.")
    if ctx.facts.get("hearing_requested") and not ctx.facts.get("hearing_held"):
        return N_("A hearing was requested and has not been held.")
    return None


def _hearing_once(ctx: Context) -> str | None:
    if ctx.facts.get("hearing_requested"):
        return N_("A hearing was already requested.")
    if ctx.facts.get("clock_expired"):
        return N_("The period to request a hearing has ended.")
    return None


def _grant_needs_notice(ctx: Context) -> str | None:
    return None if ctx.facts.get("proposal") == "grant" and (ctx.facts.get("tier") or 0) >= 2 else "no"


def _grant_without_notice(ctx: Context) -> str | None:
    return None if ctx.facts.get("proposal") == "grant" and ctx.facts.get("tier") == 1 else "no"


def _refusal(ctx: Context) -> str | None:
    return None if ctx.facts.get("proposal") == "refusal" else "no"


REGISTRATION = Workflow(
    name="registration",
    version=1,
    label=N_("Registration"),
    initial="draft",
    states=STATES,
    transitions=TRANSITIONS,
    guards={
        "application_complete": _missing,
        "no_previous_supplement": _no_previous_supplement,
        "classified": _classified,
        "certificate_if_required": _certificate,
        "four_eyes": four_eyes,
        "notice_period_over": _notice_over,
        "defence_closed": _defence_closed,
        "hearing_not_yet_requested": _hearing_once,
    },
    conditions={
        "grant_needs_notice": _grant_needs_notice,
        "grant_without_notice": _grant_without_notice,
        "refusal": _refusal,
    },
)
