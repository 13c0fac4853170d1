"""Prohibited conduct (违禁行为, Art. 43; DOMAIN §6.3; issue 14).

A regulator opens a case against a firm for conduct Art. 43 ¶1 prohibits.  The regulation gives
the city no penalty of its own: Art. 43 ¶2 refers liability to the laws on national security,
personal information, product quality, consumer protection and the like.  So the case records
the conduct, the investigation and the findings, and ends in remediation the firm reports and
the officer verifies, in a referral to the competent authority, or in no violation found.  It
never penalises.

| from | trigger | to | who |
|---|---|---|---|
| opened | start_investigation | investigating | officer |
| investigating | request_info (questions) | info_requested | officer |
| info_requested | answer (with attachments) | investigating | applicant |
| investigating | add_evidence | investigating | officer |
| investigating, info_requested | file_statement (the firm's statement) | (stays) | applicant |
| investigating | record_findings | findings | officer |
| findings | reopen_investigation | investigating | officer |
| findings | close_no_violation | closed_no_violation | officer |
| findings | propose_remediation (measures, deadline) | remediation_proposed | officer |
| remediation_proposed | approve_remediation (four eyes; the order issued) | remediation_required | approver |
| remediation_proposed | return_proposal | findings | approver |
| findings | propose_referral (competent authority) | referral_proposed | officer |
| referral_proposed | approve_referral (four eyes; the referral letter issued) | referred | approver |
| referral_proposed | return_proposal | findings | approver |
| findings | notice_recall (model, reasons: prior notice) | recall_noticed | officer |
| recall_noticed | file_statement (defence) | recall_noticed | applicant |
| recall_noticed | propose_recall (measures; once the defence is closed) | recall_proposed | officer |
| recall_noticed | drop_action | findings | officer |
| recall_proposed | approve_recall (four eyes; the order issued, the units recalled) | recall_ordered | approver |
| recall_proposed | return_proposal | recall_noticed | approver |
| remediation_required, recall_ordered | report_completion (with evidence) | remediation_reported | applicant |
| remediation_reported | verify_remediation | remediation_verified | officer |
| remediation_reported | send_back (reasons, new deadline) | remediation_required | officer |

A recall order (责令召回) is an adverse decision on adopted law (the consumer-protection law's
power of the administrative departments over defective goods, by default): prior notice with
the right to a defence first, then a proposal and an approval; the order recalls every live
unit of the model, tells every holder, and the firm reports completion only once no unit is
still recalled (each reported repaired, returned or scrapped: guard ``recall_settled``).

The competent authorities are kinds (market regulation, cyberspace, public security …); which
office each one is in this city is configuration (``CONDUCT_REFERRAL_AUTHORITIES``): a kind
without a configured office cannot be chosen (guard ``authority_configured``).
"""
from __future__ import annotations

import datetime as dt

from workflows.base import (APPROVAL, COMMENT, PROPOSAL, REASON, RETURN, Clock, Context, Field, N_, State,
                            Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"

# Art. 43 ¶1, item by item (the category of the conduct), with its labels: one home.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("national_security", N_("Harm to national or public security")),
    ("persons_property", N_("Harm to users' persons or property")),
    ("privacy", N_("Privacy or personal-information violation")),
    ("competition", N_("Monopoly or unfair competition")),
    ("other_law", N_("Other breach of laws, regulations or public order and good morals")),
)
# The competent authorities a case may be referred to (Art. 43 ¶2 names the laws, not the
# offices): the offices are configuration.
AUTHORITIES: tuple[tuple[str, str], ...] = (
    ("market_regulation", N_("Market regulation")),
    ("cyberspace", N_("Cyberspace administration")),
    ("public_security", N_("Public security")),
    ("national_security", N_("National security")),
    ("emergency_management", N_("Emergency management (production safety)")),
)

# State groups (tags), read by the conduct package:
STATEMENT = "statement"            # the firm may file its statement
REFERRED = "referred"

INFORMATION = Clock("information", 10, N_("Answer to the request for information"))
DEFENCE = Clock("defence", 5, N_("Period to state a defence"))

STATES = (
    State("opened", N_("Opened")),
    State("investigating", N_("Investigating"), tags=frozenset({STATEMENT})),
    State("info_requested", N_("Information requested"), clock=INFORMATION, tags=frozenset({STATEMENT})),
    State("findings", N_("Findings recorded")),
    State("remediation_proposed", N_("Remediation order proposed")),
    State("referral_proposed", N_("Referral proposed")),
    State("recall_noticed", N_("Recall order notified"), clock=DEFENCE),
    State("recall_proposed", N_("Recall order proposed")),
    State("recall_ordered", N_("Recall ordered")),
    State("remediation_required", N_("Remediation required")),
    State("remediation_reported", N_("Remediation reported")),
    State("remediation_verified", N_("Remediation verified"), final=True),
    State("referred", N_("Referred to the competent authority"), final=True, tags=frozenset({REFERRED})),
    State("closed_no_violation", N_("Closed: no violation found"), final=True),
)

QUESTIONS = Field("comment", "text", N_("Questions for the firm"))
ANSWER = Field("comment", "text", N_("Answer"))
ATTACHMENT = Field("document", "document", N_("Attachment"), required=False)
EVIDENCE = Field("document", "document", N_("Evidence"))
EVIDENCE_NOTE = Field("comment", "text", N_("What the evidence shows"))
STATEMENT_TEXT = Field("comment", "text", N_("The firm's statement"))
FINDINGS = Field("reason", "text", N_("Findings: the facts established and the evidence they rest on"))
MEASURES = Field("measures", "list", N_("Remediation measures"))
DEADLINE = Field("deadline", "date", N_("Deadline for the remediation"))
AUTHORITY = Field("authority", "choice", N_("Competent authority"), choices=AUTHORITIES)
MODEL = Field("model", "line", N_("Robot model to recall (its name as registered)"), max_length=120)
COMPLETION = Field("comment", "text", N_("What was done"))
COMPLETION_EVIDENCE = Field("document", "document", N_("Evidence of completion"))

TRANSITIONS = (
    t("start_investigation", "opened", "investigating", [OFFICER], N_("Start the investigation")),
    t("request_info", "investigating", "info_requested", [OFFICER], N_("Request information"),
      fields=[QUESTIONS], tags=["information_request"]),
    t("answer", "info_requested", "investigating", [APPLICANT], N_("Answer the request"),
      fields=[ANSWER, ATTACHMENT], tags=["answer"]),
    t("add_evidence", "investigating", "investigating", [OFFICER], N_("Add evidence"),
      fields=[EVIDENCE_NOTE, EVIDENCE]),
    t("file_statement", "investigating", "investigating", [APPLICANT], N_("File the firm's statement"),
      fields=[STATEMENT_TEXT, ATTACHMENT], tags=["answer"]),
    t("file_statement", "info_requested", "info_requested", [APPLICANT], N_("File the firm's statement"),
      fields=[STATEMENT_TEXT, ATTACHMENT], tags=["answer"]),
    t("record_findings", "investigating", "findings", [OFFICER], N_("Record the findings"),
      fields=[FINDINGS]),
    t("reopen_investigation", "findings", "investigating", [OFFICER], N_("Reopen the investigation"),
      fields=[REASON]),
    t("close_no_violation", "findings", "closed_no_violation", [OFFICER], N_("Close: no violation found"),
      fields=[REASON], tags=["decision"]),
    t("propose_remediation", "findings", "remediation_proposed", [OFFICER], N_("Propose a remediation order"),
      fields=[MEASURES, DEADLINE, REASON], guards=["deadline_ahead"], kind=PROPOSAL, proposes="remediation"),
    t("approve_remediation", "remediation_proposed", "remediation_required", [APPROVER],
      N_("Issue the remediation order"), guards=["four_eyes"], kind=APPROVAL, tags=["decision"]),
    t("propose_referral", "findings", "referral_proposed", [OFFICER], N_("Propose referral to the competent authority"),
      fields=[AUTHORITY, REASON], guards=["authority_configured"], kind=PROPOSAL, proposes="referral"),
    t("approve_referral", "referral_proposed", "referred", [APPROVER], N_("Issue the referral letter"),
      guards=["four_eyes"], kind=APPROVAL, tags=["decision"]),
    t("return_proposal", ("remediation_proposed", "referral_proposed"), "findings", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("notice_recall", "findings", "recall_noticed", [OFFICER], N_("Notify an intended recall order"),
      fields=[MODEL, REASON], guards=["model_of_firm"], danger=True, tags=["notice"]),
    t("file_statement", "recall_noticed", "recall_noticed", [APPLICANT], N_("File the firm's statement"),
      fields=[STATEMENT_TEXT, ATTACHMENT], tags=["answer"]),
    t("propose_recall", "recall_noticed", "recall_proposed", [OFFICER], N_("Propose the recall order"),
      guards=["defence_closed"], fields=[MEASURES, REASON], kind=PROPOSAL, proposes="recall"),
    t("drop_action", "recall_noticed", "findings", [OFFICER], N_("Drop the intended action"), fields=[REASON]),
    t("approve_recall", "recall_proposed", "recall_ordered", [APPROVER], N_("Issue the recall order"),
      guards=["four_eyes", "units_to_recall"], danger=True, kind=APPROVAL, tags=["decision"]),
    t("return_proposal", "recall_proposed", "recall_noticed", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("report_completion", "remediation_required", "remediation_reported", [APPLICANT],
      N_("Report the remediation completed"), fields=[COMPLETION, COMPLETION_EVIDENCE], tags=["answer"]),
    t("report_completion", "recall_ordered", "remediation_reported", [APPLICANT],
      N_("Report the remediation completed"), fields=[COMPLETION, COMPLETION_EVIDENCE], guards=["recall_settled"],
      tags=["answer"]),
    t("verify_remediation", "remediation_reported", "remediation_verified", [OFFICER],
      N_("Verify the remediation"), fields=[COMMENT], tags=["decision"]),
    t("send_back", "remediation_reported", "remediation_required", [OFFICER],
      N_("Send the remediation back"), fields=[REASON, DEADLINE], guards=["deadline_ahead"]),
)


def _deadline_ahead(ctx: Context) -> str | None:
    """The remediation deadline is a date after today (the facts give today, Asia/Shanghai)."""
    value = ctx.inputs.get("deadline")
    if not value:
        return None  # the field's own check names a missing deadline
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return N_("Enter the deadline as a date (YYYY-MM-DD).")
    today = ctx.facts.get("today")
    if today is not None and day <= today:
        return N_("The deadline must lie after today.")
    return None


def _authority_configured(ctx: Context) -> str | None:
    chosen = ctx.inputs.get("authority")
    if chosen and chosen not in ctx.facts.get("authorities", ()):
        return N_("No office is configured for this authority: ask an administrator.")
    return None


def _model_of_firm(ctx: Context) -> str | None:
    chosen = (ctx.inputs.get("model") or "").strip()
    if chosen and not ctx.probe and chosen not in ctx.facts.get("firm_models", ()):
        return N_("The firm has no robot model of that name with units in use or in distribution.")
    return None


def _defence_closed(ctx: Context) -> str | None:
    if not (ctx.facts.get("statement_filed") or ctx.facts.get("clock_expired")):
        return N_("The firm may still state its defence: wait for its statement or the end of the period.")
    return None


def _units_to_recall(ctx: Context) -> str | None:
    if not ctx.facts.get("units_to_recall"):
        return N_("No unit of this model is in a state that can be recalled.")
    return None


def _recall_settled(ctx: Context) -> str | None:
    if ctx.facts.get("units_still_recalled"):
        return N_("Some units are still recalled: the firm reports each one repaired, returned or scrapped first.")
    return None


CONDUCT = Workflow(
    name="conduct",
    version=1,
    label=N_("Prohibited conduct"),
    initial="opened",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"four_eyes": four_eyes, "deadline_ahead": _deadline_ahead,
            "authority_configured": _authority_configured, "model_of_firm": _model_of_firm,
            "defence_closed": _defence_closed, "recall_settled": _recall_settled,
            "units_to_recall": _units_to_recall},
)
