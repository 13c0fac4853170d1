"""Incident (事件报告; DOMAIN §6.3, Arts. 43, 48; issue 14).

The procedure as the issue states it — one table:

| from | trigger | to | who |
|---|---|---|---|
| reported | triage (confirms or changes the severity; the report clocks follow) | triaged | officer |
| triaged | start_investigation | investigating | officer |
| investigating | order_remediation (a decision: measures and a deadline) | remediation_required | officer |
| remediation_required | report_remediation (completion, with evidence) | remediation_reported | applicant |
| remediation_reported | verify_remediation | remediation_verified | officer |
| remediation_reported | send_back (with reasons and a new deadline) | remediation_required | officer |
| remediation_verified | close (publish a summary or not) | closed | officer |
| reported, triaged, investigating | dismiss (with reasons) | dismissed | officer |
| investigating | refer (to the competent authority, with the referral letter) | referred | officer |
| any open state | submit_report (initial, follow-up or final report) | (stays) | applicant |

The report clocks (initial, follow-up and final report, by severity) are due items the incident
package starts from the moment the firm became aware; they are configuration
(``INCIDENT_CLOCKS``), not states of this table.  Pausing or suspending a sandbox test or a
registration fires that case's own table; nothing here decides it.
"""
from __future__ import annotations

from workflows.base import COMMENT, REASON, Context, Field, N_, State, Workflow, t

APPLICANT, OFFICER = "applicant", "officer"

# State groups (tags), read by the incidents package:
OPEN = "open"                      # the firm still owes reports; linked cases may be acted on
REPORTS = "reports"                # tag of the report action (notifications)
DECIDED, NOTICE, ANSWER = "decision", "notice", "answer"

SEVERITIES = (("1", N_("Severity 1 (most severe)")), ("2", N_("Severity 2")),
              ("3", N_("Severity 3")), ("4", N_("Severity 4 (least severe)")))
REPORT_KINDS = (("initial_report", N_("Initial report")), ("follow_up_report", N_("Follow-up report")),
                ("final_report", N_("Final report")))
PUBLISH = (("no", N_("Do not publish")), ("yes", N_("Publish a summary on the public register")))

SEVERITY = Field("severity", "choice", N_("Severity"), choices=SEVERITIES)
MEASURES = Field("measures", "list", N_("Measures to be taken"), max_length=1000)
DEADLINE = Field("deadline", "date", N_("Deadline for the remediation"))
EVIDENCE = Field("document", "document", N_("Evidence of the remediation"))
AUTHORITY = Field("authority", "line", N_("Competent authority referred to"), max_length=200)
LETTER = Field("document", "document", N_("Referral letter"))
REPORT_KIND = Field("report_kind", "choice", N_("Which report"), choices=REPORT_KINDS)
REPORT_TEXT = Field("summary", "text", N_("Report: facts, causes, effects and measures so far"))
REPORT_FILE = Field("document", "document", N_("Report attachment"), required=False)
PUBLISH_CHOICE = Field("publish", "choice", N_("Public register"), choices=PUBLISH)
PUBLIC_SUMMARY = Field("public_summary", "text",
                       N_("Public summary (no personal data, no trade secrets)"), required=False,
                       max_length=2000)


def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES = (
    State("reported", N_("Reported"), tags=_tags(OPEN)),
    State("triaged", N_("Triaged"), tags=_tags(OPEN)),
    State("investigating", N_("Investigating"), tags=_tags(OPEN)),
    State("remediation_required", N_("Remediation required"), tags=_tags(OPEN)),
    State("remediation_reported", N_("Remediation reported"), tags=_tags(OPEN)),
    State("remediation_verified", N_("Remediation verified"), tags=_tags(OPEN)),
    State("closed", N_("Closed"), final=True),
    State("dismissed", N_("Dismissed"), final=True),
    State("referred", N_("Referred"), final=True),
)
OPEN_STATES = tuple(s.name for s in STATES if OPEN in s.tags)

TRANSITIONS = (
    t("triage", "reported", "triaged", [OFFICER], N_("Triage (confirm or change the severity)"),
      fields=[SEVERITY, COMMENT]),
    t("start_investigation", "triaged", "investigating", [OFFICER], N_("Start the investigation")),
    t("order_remediation", "investigating", "remediation_required", [OFFICER], N_("Order remediation"),
      fields=[MEASURES, DEADLINE, REASON], tags=[DECIDED]),
    t("report_remediation", "remediation_required", "remediation_reported", [APPLICANT],
      N_("Report the remediation completed"), fields=[COMMENT, EVIDENCE], tags=[ANSWER]),
    t("verify_remediation", "remediation_reported", "remediation_verified", [OFFICER],
      N_("Verify the remediation"), fields=[COMMENT], tags=[DECIDED]),
    t("send_back", "remediation_reported", "remediation_required", [OFFICER],
      N_("Send the remediation back"), fields=[REASON, DEADLINE], tags=[NOTICE]),
    t("close", "remediation_verified", "closed", [OFFICER], N_("Close the incident"),
      guards=["publishable"], fields=[PUBLISH_CHOICE, PUBLIC_SUMMARY, COMMENT], tags=[DECIDED]),
    t("dismiss", ("reported", "triaged", "investigating"), "dismissed", [OFFICER], N_("Dismiss"),
      fields=[REASON], danger=True, tags=[DECIDED]),
    t("refer", "investigating", "referred", [OFFICER], N_("Refer to the competent authority"),
      fields=[AUTHORITY, REASON, LETTER], tags=[DECIDED]),
) + tuple(
    t("submit_report", state, state, [APPLICANT], N_("Submit a report on the incident"),
      fields=[REPORT_KIND, REPORT_TEXT, REPORT_FILE], tags=[REPORTS])
    for state in OPEN_STATES
)


def _publishable(ctx: Context) -> str | None:
    """Only a severity 1–2 incident is published, and only with a summary the officer wrote."""
    if ctx.inputs.get("publish") != "yes":
        return None
    if ctx.facts.get("severity") not in (1, 2):
        return N_("Only incidents of severity 1 or 2 are published on the register.")
    if not str(ctx.inputs.get("public_summary") or "").strip():
        return N_("Write the public summary to publish.")
    return None


INCIDENT = Workflow(
    name="incident",
    version=1,
    label=N_("Incident"),
    initial="reported",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"publishable": _publishable},
)
