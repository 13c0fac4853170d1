"""Sandbox admission and supervision (沙盒监管; DOMAIN §6.2, Art. 48; issue 12).

The procedure as the issue states it — one table:

| from | trigger | to | who |
|---|---|---|---|
| draft | submit | submitted | applicant |
| submitted | start_screening | screening | officer |
| screening | request_info | info_requested | officer |
| info_requested | answer | screening | applicant |
| info_requested | lapse (deadline passed) | lapsed | system |
| screening | reject (prior notice and defence first) | rejected | officer + approver |
| screening | send_to_experts | expert_review | officer (draws from the pool) |
| expert_review | experts_done / deadline | decision_pending | system / officer |
| decision_pending | admit (four eyes, conditions set) | admitted | officer + approver |
| decision_pending | reject | rejected | officer + approver |
| admitted | start (at the period's start, or by the firm's confirmation) | testing | system / applicant |
| testing | pause (immediate, under the accepted admission conditions) | paused | officer |
| paused | resume | testing | officer |
| testing, paused | notice_suspension → (defence period) → suspend | suspended | officer + approver |
| suspended | lift | testing | officer + approver |
| testing | end (period over or the firm's final report) | exit_review | system / applicant |
| testing, paused, suspended | notice_termination → (defence) → terminate | terminated | officer + approver |
| exit_review | graduate / terminate | graduated / terminated | officer + approver |
| any before admission | withdraw | withdrawn | applicant |

Written out below, every "officer + approver" step is a proposal by the officer and an approval
(or a return) by another approver: four eyes, kept by the engine.  An adverse step (rejection,
suspension, termination) starts with a prior notice (事先告知) that opens the defence period;
the firm files its statement, the officer proposes only once the defence is closed.  A pause
is not a sanction: it is the admission condition the firm accepted (行政强制法 Art. 10 — a
municipal measure creates no compulsory measure), immediate and without a decision.  Reports,
extensions and changes of conditions are actions that keep the test where it is.
"""
from __future__ import annotations

from workflows.base import (APPROVAL, ATTACHMENT, COMMENT, OPINION, EXPERT_REVIEW, PROPOSAL, REASON, RETURN, UNSUBMITTED,
                            Clock, Context, Field, N_, State, Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER, SYSTEM = "applicant", "officer", "approver", "system"

# State groups (tags), read by the sandbox package and the expert-review step:
EDITABLE = "editable"              # the firm may change its application
BEFORE_ADMISSION = "before_admission"  # the firm may still withdraw
RUNNING = "running"                # the test has started and not ended: positions are expected
ACTIVE = "active"                  # positions are allowed (testing); elsewhere in RUNNING: outside_period
REPORTS = "reports"                # periodic reports are owed
PUBLIC = "public"                  # listed on the public register (admitted, in test, exited)
EXITED = "exited"                  # the test has ended (graduated or terminated)

SCREENING = Clock("screening", 5, N_("Screening"))
INFORMATION = Clock("information", 10, N_("Answer to the request for information"), on_expiry="lapse")
EXPERTS = Clock("expert_review", 15, N_("Expert review"), on_expiry="experts_done")
DECISION = Clock("decision", 20, N_("Admission decision"))
DEFENCE = Clock("defence", 5, N_("Period to state a defence"))
ACTION = Clock("action", 10, N_("Decision on the intended action"))
EXIT = Clock("exit_review", 20, N_("Exit review"))


def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


_IN_TEST = _tags(RUNNING, REPORTS, PUBLIC)
STATES = (
    State("draft", N_("Draft"), tags=_tags(UNSUBMITTED, EDITABLE, BEFORE_ADMISSION)),
    State("submitted", N_("Submitted"), clock=SCREENING, tags=_tags(BEFORE_ADMISSION)),
    State("screening", N_("Screening"), clock=SCREENING, tags=_tags(BEFORE_ADMISSION)),
    State("info_requested", N_("Information requested"), clock=INFORMATION, pauses="screening",
          tags=_tags(EDITABLE, BEFORE_ADMISSION)),
    State("lapsed", N_("Lapsed"), final=True),
    State("expert_review", N_("Expert review"), clock=EXPERTS, tags=_tags(BEFORE_ADMISSION, EXPERT_REVIEW)),
    State("decision_pending", N_("Decision pending"), clock=DECISION, tags=_tags(BEFORE_ADMISSION)),
    State("admission_proposed", N_("Admission proposed"), clock=DECISION, tags=_tags(BEFORE_ADMISSION)),
    State("rejection_noticed", N_("Rejection notified"), clock=DEFENCE, tags=_tags(BEFORE_ADMISSION)),
    State("rejection_proposed", N_("Rejection proposed"), clock=ACTION, tags=_tags(BEFORE_ADMISSION)),
    State("rejected", N_("Rejected"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
    State("admitted", N_("Admitted"), tags=_tags(PUBLIC)),
    State("testing", N_("Testing"), tags=_IN_TEST | {ACTIVE}),
    State("paused", N_("Paused"), tags=_IN_TEST),
    State("suspension_noticed", N_("Suspension notified"), clock=DEFENCE, tags=_IN_TEST | {ACTIVE}),
    State("suspension_proposed", N_("Suspension proposed"), clock=ACTION, tags=_IN_TEST | {ACTIVE}),
    State("suspended", N_("Suspended"), tags=_IN_TEST),
    State("lifting_proposed", N_("Lifting proposed"), clock=ACTION, tags=_IN_TEST),
    State("termination_noticed", N_("Termination notified"), clock=DEFENCE, tags=_IN_TEST),
    State("termination_proposed", N_("Termination proposed"), clock=ACTION, tags=_IN_TEST),
    State("exit_review", N_("Exit review"), clock=EXIT, tags=_tags(PUBLIC)),
    State("exit_proposed", N_("Exit decision proposed"), clock=EXIT, tags=_tags(PUBLIC)),
    State("graduated", N_("Graduated"), final=True, tags=_tags(PUBLIC, EXITED)),
    State("terminated", N_("Terminated"), final=True, tags=_tags(PUBLIC, EXITED)),
)

WITHDRAWABLE = tuple(s.name for s in STATES if BEFORE_ADMISSION in s.tags)
INFO, ANSWER, DECIDED, NOTICE, REPORT = "information_request", "answer", "decision", "notice", "report"
ADVERSE_FROM = ("testing", "paused", "suspended")

CHANGE_KINDS = (("extension", N_("Extension of the test period")),
                ("conditions", N_("Change of conditions")))
NEW_END = Field("new_end", "date", N_("New end of the test period"), required=False)
CHANGE = Field("change_kind", "choice", N_("What is requested"), choices=CHANGE_KINDS)
REPORT_SUMMARY = Field("summary", "text", N_("Report: operation, incidents and safeguards in the period"))
REPORT_FILE = Field("document", "document", N_("Report attachment"), required=False)

TRANSITIONS = (
    t("submit", "draft", "submitted", [APPLICANT], N_("Submit application"),
      guards=["application_complete"], tags=["submission"]),
    t("withdraw", WITHDRAWABLE, "withdrawn", [APPLICANT], N_("Withdraw application"),
      fields=[REASON], danger=True, tags=["submission"]),
    t("start_screening", "submitted", "screening", [OFFICER], N_("Start screening")),
    t("request_info", "screening", "info_requested", [OFFICER], N_("Request information"),
      fields=[COMMENT], tags=[INFO]),
    t("answer", "info_requested", "screening", [APPLICANT], N_("Answer the request"),
      fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("lapse", "info_requested", "lapsed", [SYSTEM], N_("Lapse (no answer in time)")),
    # Expert review: the officer draws experts from the pool (the expert-review step's page).
    t("send_to_experts", "screening", "expert_review", [OFFICER], N_("Send to expert review"),
      tags=[EXPERT_REVIEW]),
    t("experts_done", "expert_review", "decision_pending", [SYSTEM, OFFICER], N_("Close expert review"),
      guards=["opinions_in_or_deadline"]),
    # Admission with conditions, four eyes.
    t("propose_admission", "decision_pending", "admission_proposed", [OFFICER], N_("Propose admission"),
      guards=["conditions_set"], kind=PROPOSAL, proposes="admission"),
    t("approve_admission", "admission_proposed", "admitted", [APPROVER], N_("Admit to the sandbox"),
      guards=["four_eyes"], fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "admission_proposed", "decision_pending", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Rejection: prior notice, defence, proposal, approval.
    t("notice_rejection", ("screening", "decision_pending"), "rejection_noticed", [OFFICER],
      N_("Notify intended rejection"), fields=[REASON], danger=True, tags=[NOTICE]),
    t("file_statement", "rejection_noticed", "rejection_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("propose_rejection", "rejection_noticed", "rejection_proposed", [OFFICER], N_("Propose rejection"),
      guards=["defence_closed"], fields=[REASON], kind=PROPOSAL, proposes="rejection"),
    t("approve_rejection", "rejection_proposed", "rejected", [APPROVER], N_("Approve rejection"),
      guards=["four_eyes"], danger=True, fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "rejection_proposed", "rejection_noticed", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("drop_action", "rejection_noticed", "decision_pending", [OFFICER], N_("Drop the intended action"),
      fields=[REASON], when="after_experts"),
    t("drop_action", "rejection_noticed", "screening", [OFFICER], N_("Drop the intended action"),
      fields=[REASON]),
    # The test.
    t("start", "admitted", "testing", [SYSTEM, APPLICANT], N_("Start the test"), guards=["period_begun"]),
    t("pause", "testing", "paused", [OFFICER], N_("Pause the test now"), fields=[REASON], danger=True,
      tags=[NOTICE]),
    t("resume", "paused", "testing", [OFFICER], N_("Resume the test"), fields=[COMMENT]),
    t("submit_report", ("testing", "paused", "suspension_noticed", "suspension_proposed", "suspended"),
      "=", [APPLICANT], N_("Submit periodic report"), fields=[REPORT_SUMMARY, REPORT_FILE],
      tags=[REPORT]),
    t("request_change", ("testing", "paused"), "=", [APPLICANT], N_("Request extension or change"),
      guards=["no_change_pending"], fields=[CHANGE, NEW_END, COMMENT]),
    t("grant_change", ("testing", "paused"), "=", [APPROVER], N_("Grant the requested change"),
      guards=["change_pending"], fields=[COMMENT], tags=[DECIDED]),
    t("refuse_change", ("testing", "paused"), "=", [APPROVER], N_("Refuse the requested change"),
      guards=["change_pending"], fields=[REASON], tags=[DECIDED]),
    t("end", "testing", "exit_review", [SYSTEM, APPLICANT], N_("End the test (final report)"),
      guards=["period_over_or_final_report"], fields=[REPORT_SUMMARY, REPORT_FILE], tags=[REPORT]),
    # Suspension: prior notice, defence, proposal, approval; lifting, four eyes.
    t("notice_suspension", ("testing", "paused"), "suspension_noticed", [OFFICER],
      N_("Notify intended suspension"), fields=[REASON], danger=True, tags=[NOTICE]),
    t("file_statement", ("suspension_noticed", "termination_noticed"), "=", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("propose_suspension", "suspension_noticed", "suspension_proposed", [OFFICER], N_("Propose suspension"),
      guards=["defence_closed"], fields=[REASON], kind=PROPOSAL, proposes="suspension"),
    t("approve_suspension", "suspension_proposed", "suspended", [APPROVER], N_("Approve suspension"),
      guards=["four_eyes"], danger=True, fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "suspension_proposed", "suspension_noticed", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("drop_action", ("suspension_noticed", "termination_noticed"), "testing", [OFFICER],
      N_("Drop the intended action"), fields=[REASON]),
    t("propose_lifting", "suspended", "lifting_proposed", [OFFICER], N_("Propose lifting the suspension"),
      fields=[REASON], kind=PROPOSAL, proposes="lifting"),
    t("approve_lifting", "lifting_proposed", "testing", [APPROVER], N_("Lift the suspension"),
      guards=["four_eyes"], fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "lifting_proposed", "suspended", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Termination: prior notice, defence, proposal, approval.
    t("notice_termination", ADVERSE_FROM, "termination_noticed", [OFFICER], N_("Notify intended termination"),
      fields=[REASON], danger=True, tags=[NOTICE]),
    t("propose_termination", "termination_noticed", "termination_proposed", [OFFICER],
      N_("Propose termination"), guards=["defence_closed"], fields=[REASON], kind=PROPOSAL,
      proposes="termination"),
    t("approve_termination", "termination_proposed", "terminated", [APPROVER], N_("Approve termination"),
      guards=["four_eyes"], danger=True, fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "termination_proposed", "termination_noticed", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Exit review: the officer's assessment, then graduation or termination, four eyes.
    t("propose_graduation", "exit_review", "exit_proposed", [OFFICER], N_("Propose graduation"),
      fields=[REASON], kind=PROPOSAL, proposes="graduation"),
    t("propose_exit_termination", "exit_review", "exit_proposed", [OFFICER], N_("Propose termination"),
      fields=[REASON], kind=PROPOSAL, proposes="exit_termination"),
    t("approve_exit", "exit_proposed", "graduated", [APPROVER], N_("Approve the exit decision"),
      guards=["four_eyes"], when="graduation", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("approve_exit", "exit_proposed", "terminated", [APPROVER], N_("Approve the exit decision"),
      guards=["four_eyes"], fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "exit_proposed", "exit_review", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
)


def _stay(rows):
    """``"="`` as a destination: the action keeps the case where it is (one row per source)."""
    out = []
    for tr in rows:
        if tr.dest != "=":
            out.append(tr)
            continue
        for src in tr.source:
            out.append(tr.__class__(**{**tr.__dict__, "source": (src,), "dest": src}))
    return tuple(out)


TRANSITIONS = _stay(TRANSITIONS)


def _missing(ctx: Context) -> str | None:
    if ctx.facts.get("missing_fields"):
        return N_("The application is incomplete: fill in every required field first.")
    return None


def _opinions(ctx: Context) -> str | None:
    if ctx.facts.get("opinions_missing") and not ctx.facts.get("clock_expired"):
        return N_("Drawn experts have not all given their opinion and the review period has not ended.")
    return None


def _conditions(ctx: Context) -> str | None:
    if ctx.facts.get("conditions_missing"):
        return N_("Set the admission conditions first: period, units, areas, safeguards and reporting.")
    return None


def _defence_closed(ctx: Context) -> str | None:
    if not (ctx.facts.get("statement_filed") or ctx.facts.get("clock_expired")):
        return N_("The firm may still state its defence: wait for its statement or the end of the period.")
    return None


def _period_begun(ctx: Context) -> str | None:
    if "system" in ctx.actor_roles and not ctx.facts.get("period_begun"):
        return N_("The test period has not begun.")
    return None


def _period_over(ctx: Context) -> str | None:
    if "system" in ctx.actor_roles and not ctx.facts.get("period_over"):
        return N_("The test period is not over.")
    return None


def _no_change_pending(ctx: Context) -> str | None:
    return N_("A request is already waiting for a decision.") if ctx.facts.get("change_pending") else None


def _change_pending(ctx: Context) -> str | None:
    return None if ctx.facts.get("change_pending") else N_("No request is waiting for a decision.")


SANDBOX = Workflow(
    name="sandbox",
    version=1,
    label=N_("Sandbox test"),
    initial="draft",
    states=STATES,
    transitions=TRANSITIONS,
    guards={
        "application_complete": _missing,
        "opinions_in_or_deadline": _opinions,
        "conditions_set": _conditions,
        "four_eyes": four_eyes,
        "defence_closed": _defence_closed,
        "period_begun": _period_begun,
        "period_over_or_final_report": _period_over,
        "no_change_pending": _no_change_pending,
        "change_pending": _change_pending,
    },
    conditions={
        "after_experts": lambda ctx: None if ctx.facts.get("experts_done") else "no",
        "graduation": lambda ctx: None if ctx.facts.get("proposal") == "graduation" else "no",
    },
)
