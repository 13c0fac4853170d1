"""Registration with graded classification (DOMAIN §6.1; Art. 48; Administrative Licensing Law).

The table below is the whole procedure: who may do what, from which state, under which
named guards, with which inputs, and which statutory clock runs in each state.
"""
from __future__ import annotations

from workflows.base import (APPROVAL, ATTACHMENT, COMMENT, OPINION, DECISIONS_WITHHELD, EXPERT_REVIEW, PROPOSAL, REASON,
                            RETURN, UNSUBMITTED, Clock, Context, Field, N_, State, Workflow, four_eyes, t)

APPLICANT, OFFICER, APPROVER = "applicant", "officer", "approver"
SYSTEM = "system"  # the platform itself (core.actors.SYSTEM): fires what a rule makes due

# The grounds of deregistration (注销): the form's choices, the guard and the decision's text.
# Under licence they are those of 行政许可法 Art. 70 (item 2, a citizen's death, never applies to a
# firm); under filing the firm may also withdraw its filing.  "rescinded" and "revoked" are the
# grounds on a case that ended so, and only there.
DEREGISTRATION_GROUNDS: tuple[tuple[str, str], ...] = (
    ("expired", N_("the registration's term has expired and it was not renewed")),
    ("terminated", N_("the firm has been terminated according to law")),
    ("rescinded", N_("the registration was rescinded")),
    ("revoked", N_("the registration was revoked")),
    ("force_majeure", N_("force majeure makes the registered activity impossible")),
    ("other_by_law", N_("another case in which a law or regulation requires deregistration")),
    ("firm_withdrawal", N_("the firm withdrew its filing")),
)
GROUNDS_BY_NATURE: dict[str, tuple[str, ...]] = {
    "licence": ("expired", "terminated", "rescinded", "revoked", "force_majeure", "other_by_law"),
    "filing": ("expired", "terminated", "rescinded", "revoked", "force_majeure", "other_by_law", "firm_withdrawal"),
}
# The ground an ended case is deregistered on (its decision stays; the case keeps its state).
ENDED_GROUND = {"rescinded": "rescinded", "revoked": "revoked"}


def deregistration_grounds(nature: str, state: str, expired: bool) -> tuple[str, ...]:
    """The grounds that may be chosen now: the nature's list; on a rescinded or revoked case
    only that ground; elsewhere neither of them; "expired" only past the registration's term."""
    listed = GROUNDS_BY_NATURE.get(nature, GROUNDS_BY_NATURE["filing"])
    if state in ENDED_GROUND:
        return (ENDED_GROUND[state],)
    return tuple(g for g in listed if g not in ENDED_GROUND.values() and (g != "expired" or expired))


GROUND = Field("ground", "choice", N_("Ground"), choices=DEREGISTRATION_GROUNDS,
               choices_from="deregistration_grounds")
RECORD = Field("document", "document", N_("Hearing record"))
ITEMS = Field("items", "list", N_("Items to supplement"), max_length=500)

# Facts the decisions and notices state (行政许可法 Art. 32; 行政处罚法 Arts. 44, 45, 59), captured
# on the transition where they are known.
COMPETENT_AUTHORITY = Field("competent_authority", "line", N_("Competent authority the firm should apply to"),
                            max_length=200)
EVIDENCE = Field("evidence", "text", N_("Evidence relied on"))
DEFENCE_REPLY = Field("defence_reply", "text",
                      N_("Reply to the defence: the reasons for accepting or rejecting it (or that none was made)"))
REQUIREMENTS = Field("requirements", "text", N_("What the firm must do, and by when"), required=False)
# Why a grant is rescinded: the decision cites the matching paragraph (行政许可法 Art. 69).
RESCISSION_GROUNDS: tuple[tuple[str, str], ...] = (
    ("conditions_not_met", N_("registration was granted although the conditions were not met")),
    ("procedure_breached", N_("registration was granted in breach of the legal procedure")),
    ("improper_means", N_("registration was obtained by fraud, bribery or other improper means")),
)
RESCISSION_GROUND = Field("rescission_ground", "choice", N_("Ground of rescission"), choices=RESCISSION_GROUNDS)
# 行政许可法 Art. 69 ¶3: no rescission where it could seriously harm the public interest.  The officer
# records the assessment on the proposal; the serious-harm answer refuses it.
PUBLIC_INTEREST = Field("public_interest", "choice", N_("Effect of rescission on the public interest"), choices=(
    ("no_serious_harm", N_("Rescission would not seriously harm the public interest")),
    ("serious_harm", N_("Rescission could seriously harm the public interest")),
))

# The penalty procedure (行政处罚法), where the legal nature makes an action a penalty: revocation
# always, suspension under licence (``PENALTY_ACTIONS_BY_NATURE``).  The case is opened (立案, Art.
# 54) with the facts that justify it and two enforcement officers (Art. 42), approved by the head.
PENALTY_ACTIONS: tuple[tuple[str, str], ...] = (
    ("revocation", N_("Revocation of the registration")),
    ("suspension", N_("Suspension of the registration")),
)
PENALTY_ACTIONS_BY_NATURE: dict[str, tuple[str, ...]] = {"filing": ("revocation",),
                                                         "licence": ("revocation", "suspension")}
PENALTY_ACTION = Field("penalty_action", "choice", N_("Intended penalty"), choices=PENALTY_ACTIONS,
                       choices_from="penalty_actions")
# People are offered from the case's department (facts ``department_officers`` and
# ``department_regulators``: (user id, name) pairs).
SECOND_OFFICER = Field("second_officer", "choice", N_("Second enforcement officer"),
                       choices_from="department_officers")
OFFICER_CHOICE = Field("officer", "choice", N_("Enforcement officer"), choices_from="department_officers")
# The hearing (Arts. 63-64): its notice at least seven working days ahead (Art. 85: working
# days), a presiding officer who did not investigate, a record confirmed by the party.
HEARING_NOTICE_DAYS = 7
HEARING_REQUEST_DAYS = 5
HEARING_DATE = Field("hearing_date", "date", N_("Hearing date"))
HEARING_TIME = Field("hearing_time", "line", N_("Time of the hearing (hh:mm)"), max_length=5)
HEARING_PLACE = Field("hearing_place", "line", N_("Place of the hearing"), max_length=200)
PRESIDING = Field("presiding_officer", "choice", N_("Presiding officer"), choices_from="department_regulators")
HEARING_RECORD = Field("comment", "text", N_("Hearing record"))
CONFIRMATION = Field("confirmation", "choice", N_("The hearing record"), choices=(
    ("confirmed", N_("We confirm that the record is correct")),
    ("objections", N_("We object to the record")),
))
OBJECTIONS = Field("comment", "text", N_("Objections to the record"), required=False)
# Art. 64(8): the party or its agent refuses to sign or seal the record: the presiding officer notes
# it in the record and the procedure goes on.  Art. 64(6): the party does not attend, or leaves
# without permission, without good reason: it has given up the hearing, which ends.
REFUSAL_NOTE = Field("comment", "text", N_("Note in the record: the party refused to sign or seal it"))
ABSENCE_NOTE = Field("comment", "text", N_("Note in the record: the party did not attend, or left without "
                                           "permission, without good reason"))
# 法制审核 (Art. 58) by a reviewer who is not one of the enforcement officers, and 集体讨论
# (Art. 57) for serious cases, both before the head decides.
LEGAL_REVIEWER = Field("legal_reviewer", "choice", N_("Legal reviewer"), choices_from="department_regulators")
LEGAL_OPINION = Field("legal_opinion", "choice", N_("Legal review opinion"), choices=(
    ("lawful", N_("Facts clear, evidence sufficient, procedure lawful, basis correct")),
    ("not_lawful", N_("The proposal does not meet these conditions")),
))
DISCUSSION_DATE = Field("discussion_date", "date", N_("Date of the collective discussion"))
PARTICIPANTS = Field("participants", "text", N_("Participants"), max_length=2000)
CONCLUSION = Field("conclusion", "text", N_("Conclusion of the discussion"))
# Art. 60: the decision within ninety days of opening the case (calendar days; CASE_CLOCKS
# ``penalty_limit`` may set another); Art. 61: served within seven working days of the decision.
PENALTY_LIMIT = ("penalty_limit", 90, "calendar_days", N_("Penalty decision (from opening the case)"))
PENALTY_SERVICE = ("service", 7, "working_days", N_("Service of the penalty decision"))

# 行政许可法 Art. 45: the time a hearing, testing or appraisal takes (like an expert review) does not
# count towards the decision period; the firm is told in writing what is done and how long it
# is expected to take.
PROCEDURE = Field("procedure", "choice", N_("Procedure"), choices=(
    ("hearing", N_("Hearing")), ("testing", N_("Testing or inspection")), ("appraisal", N_("Appraisal")),
))
EXPECTED_UNTIL = Field("expected_until", "date", N_("Expected to end by"))
# 行政许可法 Art. 42 ¶1: the head of the authority may extend the decision period once by ten
# working days, with reasons told to the applicant.
EXTENSION_DAYS = 10

# State groups (tags), read by the registry's services and pages:
EDITABLE = "editable"        # the firm may still change what it declared
CERTIFICATE = "certificate"  # the firm may still declare its certificate
REVIEW = "review"            # the tier may still be reviewed
OPEN = "open"                # an application in progress (one per model)
BEFORE_DECISION = "before_decision"  # the firm may still withdraw
ON_REGISTER = "on_register"  # listed among registered models
ENDED = "ended"              # listed among suspended or ended registrations

# 行政许可法 Art. 32: the acceptance decision within five working days of receipt; silence past
# them is deemed acceptance (the timer fires ``deem_accepted``).  A supplement notice stops it:
# the supplement is a new receipt, from which the five days run anew.
ACCEPTANCE = Clock("acceptance", 5, N_("Acceptance decision"), on_expiry="deem_accepted")
# The period the supplement notice gives (set by the measure; configurable): missing it lapses
# the application (the timer fires ``lapse``).
SUPPLEMENT = Clock("supplement", 10, N_("Period to supplement the application"), on_expiry="lapse")
DECISION = Clock("decision", 20, N_("Licensing decision"))
PUBLIC_NOTICE = Clock("public_notice", 5, N_("Public notice period"))
# The defence period runs from the day the prior notice was served (送达), not from its issue.
DEFENCE = Clock("defence", 5, N_("Period to state a defence"), starts_from="served_at")
ACTION = Clock("action", 10, N_("Decision on the intended action"))
# Expert review (专家评审, 行政许可法 Art. 45): its own period (CASE_CLOCKS may set another); when
# it runs out the system ends the step.  The decision clock stands still meanwhile.
EXPERT_REVIEW_CLOCK = Clock("expert_review", 15, N_("Expert review"), on_expiry="end_expert_review")

def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES = (
    State("draft", N_("Draft"), tags=_tags(UNSUBMITTED, EDITABLE, CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("submitted", N_("Submitted"), clock=ACCEPTANCE, tags=_tags(CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("supplement_requested", N_("Supplement requested"), clock=SUPPLEMENT,
          tags=_tags(EDITABLE, CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("not_accepted", N_("Not accepted"), final=True),
    State("lapsed", N_("Lapsed"), final=True),
    State("accepted", N_("Accepted"), clock=DECISION, tags=_tags(CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    State("classification_review", N_("Classification review"), clock=DECISION,
          tags=_tags(CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    # A clarification asked after acceptance does not stop the decision period (only the
    # procedures of 行政许可法 Art. 45 do).
    State("clarification_requested", N_("Clarification requested"), clock=DECISION,
          tags=_tags(EDITABLE, CERTIFICATE, REVIEW, OPEN, BEFORE_DECISION)),
    State("procedure_pause", N_("Hearing, testing or appraisal"), pauses="decision",
          tags=_tags(CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("expert_review", N_("Expert review"), clock=EXPERT_REVIEW_CLOCK, pauses="decision",
          tags=_tags(EXPERT_REVIEW, CERTIFICATE, OPEN, BEFORE_DECISION)),
    State("decision_proposed", N_("Decision proposed"), clock=DECISION, tags=_tags(OPEN, BEFORE_DECISION)),
    State("public_notice", N_("Public notice"), clock=PUBLIC_NOTICE, tags=_tags(OPEN, DECISIONS_WITHHELD)),
    State("registered", N_("Registered"), tags=_tags(ON_REGISTER)),
    State("refused", N_("Refused"), final=True),
    State("withdrawn", N_("Withdrawn"), final=True),
    State("suspension_noticed", N_("Suspension notified"), clock=DEFENCE, tags=_tags(ON_REGISTER)),
    State("suspension_proposed", N_("Suspension proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("suspended", N_("Suspended"), tags=_tags(ENDED)),
    State("penalty_case_proposed", N_("Penalty case proposed"), tags=_tags(ON_REGISTER)),
    State("penalty_case_open", N_("Penalty case opened"), tags=_tags(ON_REGISTER)),
    State("revocation_noticed", N_("Revocation notified"), clock=DEFENCE, tags=_tags(ON_REGISTER)),
    State("hearing", N_("Hearing"), pauses="defence", tags=_tags(ON_REGISTER)),
    State("hearing_scheduled", N_("Hearing scheduled"), pauses="defence", tags=_tags(ON_REGISTER)),
    State("hearing_recorded", N_("Hearing record awaiting the party's confirmation"), pauses="defence",
          tags=_tags(ON_REGISTER)),
    State("revocation_proposed", N_("Revocation proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("revoked", N_("Revoked"), final=True, tags=_tags(ENDED)),
    State("rescission_noticed", N_("Rescission notified"), clock=DEFENCE, tags=_tags(ON_REGISTER)),
    State("rescission_proposed", N_("Rescission proposed"), clock=ACTION, tags=_tags(ON_REGISTER)),
    State("rescinded", N_("Rescinded"), final=True, tags=_tags(ENDED)),
    State("deregistration_proposed", N_("Deregistration proposed"), tags=_tags(ON_REGISTER)),
    State("deregistered", N_("Deregistered"), final=True, tags=_tags(ENDED)),
)

WITHDRAWABLE = tuple(st.name for st in STATES if BEFORE_DECISION in st.tags)
INFO, ANSWER, DECIDED, NOTICE = "information_request", "answer", "decision", "notice"
OBJECTION = "objection"

TRANSITIONS = (
    t("submit", "draft", "submitted", [APPLICANT], N_("Submit application"),
      guards=["application_complete"], tags=["submission"]),
    t("withdraw", WITHDRAWABLE, "withdrawn", [APPLICANT], N_("Withdraw application"),
      fields=[REASON], danger=True, tags=["submission"]),
    # Acceptance (行政许可法 Art. 32): accept, refuse to accept, or one supplement notice.
    t("accept", "submitted", "accepted", [OFFICER], N_("Accept"), tags=[DECIDED]),
    t("not_accept", "submitted", "not_accepted", [OFFICER], N_("Do not accept"),
      fields=[REASON, COMPETENT_AUTHORITY], danger=True, tags=[DECIDED]),
    t("request_supplement", "submitted", "supplement_requested", [OFFICER],
      N_("Send supplement notice"), guards=["no_previous_supplement"], fields=[ITEMS], tags=[INFO]),
    t("supplement", "supplement_requested", "submitted", [APPLICANT],
      N_("Submit supplement"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("deem_accepted", "submitted", "accepted", [SYSTEM], N_("Deemed accepted (no decision within the period)"),
      tags=[DECIDED]),
    t("lapse", "supplement_requested", "lapsed", [SYSTEM], N_("Lapse (no supplement within the period)"),
      tags=[DECIDED]),
    # Review and the four-eyes decision.
    t("start_review", "accepted", "classification_review", [OFFICER], N_("Start review")),
    t("request_clarification", "classification_review", "clarification_requested", [OFFICER],
      N_("Request clarification"), fields=[COMMENT], tags=[INFO]),
    t("answer_clarification", "clarification_requested", "classification_review", [APPLICANT],
      N_("Answer clarification"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    # Optional expert review (行政许可法 Art. 45): the firm is told in writing how long it takes;
    # it ends when every drawn expert has given an opinion (the system fires) or its period runs
    # out (the timer fires), or early by the officer with reasons.
    t("seek_expert_opinion", "classification_review", "expert_review", [OFFICER], N_("Seek expert opinion"),
      fields=[REASON], tags=[EXPERT_REVIEW]),
    t("end_expert_review", "expert_review", "classification_review", [SYSTEM], N_("End expert review"),
      tags=[EXPERT_REVIEW]),
    t("close_expert_review", "expert_review", "classification_review", [OFFICER],
      N_("End expert review early"), fields=[REASON], tags=[EXPERT_REVIEW]),
    # A hearing, testing or appraisal (行政许可法 Art. 45): the decision period stands still, the
    # firm is told in writing; the officer resumes the review when it is done.
    t("pause_for_procedure", "classification_review", "procedure_pause", [OFFICER],
      N_("Pause for a hearing, testing or appraisal"), fields=[PROCEDURE, EXPECTED_UNTIL, REASON], tags=[NOTICE]),
    t("resume_review", "procedure_pause", "classification_review", [OFFICER], N_("Resume the review"),
      fields=[COMMENT]),
    # The head's ten-working-day extension of the decision period (行政许可法 Art. 42 ¶1, under
    # licence), once, with reasons notified to the firm.
    *(t("extend_decision_period", where, where, [APPROVER], N_("Extend the decision period by ten working days"),
        guards=["licence_nature", "not_extended_yet"], fields=[REASON], tags=[NOTICE])
      for where in ("accepted", "classification_review", "clarification_requested")),
    t("propose_grant", "classification_review", "decision_proposed", [OFFICER],
      N_("Propose grant"), guards=["classified", "certificate_if_required"], kind=PROPOSAL, proposes="grant"),
    t("propose_refusal", "classification_review", "decision_proposed", [OFFICER],
      N_("Propose refusal"), fields=[REASON], kind=PROPOSAL, proposes="refusal"),
    t("approve", "decision_proposed", "public_notice", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="grant_needs_notice", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("approve", "decision_proposed", "registered", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="grant_without_notice", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("approve", "decision_proposed", "refused", [APPROVER], N_("Approve"),
      guards=["four_eyes"], when="refusal", fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return", "decision_proposed", "classification_review", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Public notice (公示): the approved grant is not issued yet.  An objection (named, with a
    # contact: ``registry.services.file_objection``) keeps the case in public notice; the officer
    # answers every objection with reasons, then either concludes the notice (nothing changed:
    # the grant is issued on exactly the approved facts) or reopens the review (something
    # changed: a new proposal and approval follow).
    t("object", "public_notice", "public_notice", ["public"], N_("Record objection"),
      fields=[COMMENT], tags=[OBJECTION]),
    t("conclude_notice", "public_notice", "registered", [OFFICER], N_("Conclude public notice"),
      guards=["notice_period_over", "objections_answered", "approved_facts_unchanged"], tags=[DECIDED]),
    t("reopen_review", "public_notice", "classification_review", [OFFICER],
      N_("Reopen the review after an objection"), guards=["objections_answered"], fields=[REASON]),
    # The penalty procedure (行政处罚法) where the nature makes the action a penalty: the case is
    # opened (立案, Art. 54) with its facts and two enforcement officers (Art. 42), approved by the
    # head; the prior notice follows.  Dropping it closes the case (撤案).
    t("propose_penalty_case", "registered", "penalty_case_proposed", [OFFICER], N_("Propose opening a penalty case"),
      guards=["distinct_officers"], fields=[PENALTY_ACTION, REASON, EVIDENCE, SECOND_OFFICER], danger=True,
      kind=PROPOSAL, proposes="penalty_case"),
    t("approve_penalty_case", "penalty_case_proposed", "penalty_case_open", [APPROVER],
      N_("Approve opening the penalty case"), guards=["four_eyes"], fields=[OPINION], kind=APPROVAL),
    t("return_proposal", "penalty_case_proposed", "registered", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("appoint_officer", "penalty_case_open", "penalty_case_open", [OFFICER], N_("Appoint an enforcement officer"),
      guards=["not_yet_an_officer"], fields=[OFFICER_CHOICE]),
    t("drop_action", "penalty_case_open", "registered", [OFFICER], N_("Drop the intended action"),
      fields=[REASON], tags=[DECIDED]),
    # Suspension with prior notice and the right to state a defence (行政处罚法 Arts. 44-45): from
    # the register where it is no penalty (filing), from the opened penalty case under licence.
    t("notice_suspension", "registered", "suspension_noticed", [OFFICER],
      N_("Notify intended suspension"), guards=["suspension_not_a_penalty"], fields=[REASON, EVIDENCE], danger=True,
      tags=[NOTICE]),
    t("notice_suspension", "penalty_case_open", "suspension_noticed", [OFFICER],
      N_("Notify intended suspension"), guards=["two_officers", "opened_for_suspension"], fields=[REASON, EVIDENCE],
      danger=True, tags=[NOTICE]),
    # A statement of defence keeps the case where it is.
    t("file_statement", "suspension_noticed", "suspension_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("propose_suspension", "suspension_noticed", "suspension_proposed", [OFFICER],
      N_("Propose suspension"), guards=["defence_closed"], fields=[REASON, DEFENCE_REPLY, REQUIREMENTS],
      kind=PROPOSAL,
      proposes="suspension"),
    t("drop_action", ("suspension_noticed", "revocation_noticed"), "registered", [OFFICER],
      N_("Drop the intended action"), fields=[REASON], tags=[DECIDED]),
    t("approve_suspension", "suspension_proposed", "suspended", [APPROVER],
      N_("Approve suspension"), guards=["four_eyes", "legal_review_passed", "discussed_if_serious"], danger=True,
      fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "suspension_proposed", "suspension_noticed", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    t("lift_suspension", "suspended", "registered", [APPROVER], N_("Lift suspension"),
      fields=[REASON], tags=[DECIDED]),
    # Revocation (吊销) exists only as a penalty: the opened case, the prior notice, the defence
    # and a hearing on request (Arts. 63-64): requested within five working days of service, its
    # notice seven working days ahead, a presiding officer who did not investigate, a record the
    # party confirms or objects to.
    t("notice_revocation", "penalty_case_open", "revocation_noticed", [OFFICER],
      N_("Notify intended revocation"), guards=["two_officers", "opened_for_revocation"], fields=[REASON, EVIDENCE],
      danger=True, tags=[NOTICE]),
    t("file_statement", "revocation_noticed", "revocation_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("request_hearing", "revocation_noticed", "hearing", [APPLICANT], N_("Request a hearing"),
      guards=["hearing_not_yet_requested"], tags=[ANSWER]),
    t("schedule_hearing", "hearing", "hearing_scheduled", [OFFICER], N_("Notify the hearing"),
      guards=["hearing_notice_in_time", "hearing_time_given", "presiding_did_not_investigate"],
      fields=[HEARING_DATE, HEARING_TIME, HEARING_PLACE, PRESIDING], tags=[NOTICE]),
    t("record_hearing", "hearing_scheduled", "hearing_recorded", ["presiding_officer"], N_("Record hearing"),
      fields=[HEARING_RECORD, RECORD]),
    t("record_non_attendance", "hearing_scheduled", "revocation_noticed", ["presiding_officer"],
      N_("Record that the party gave up the hearing by not attending"), guards=["hearing_day_reached"],
      fields=[ABSENCE_NOTE]),
    t("confirm_hearing_record", "hearing_recorded", "revocation_noticed", [APPLICANT],
      N_("Confirm the hearing record or state objections"), guards=["objections_stated"],
      fields=[CONFIRMATION, OBJECTIONS, ATTACHMENT], tags=[ANSWER]),
    t("note_refusal_to_sign", "hearing_recorded", "revocation_noticed", ["presiding_officer"],
      N_("Note that the party refused to sign the record"), fields=[REFUSAL_NOTE]),
    t("propose_revocation", "revocation_noticed", "revocation_proposed", [OFFICER],
      N_("Propose revocation"), guards=["defence_closed"], fields=[REASON, DEFENCE_REPLY, REQUIREMENTS],
      kind=PROPOSAL,
      proposes="revocation"),
    t("approve_revocation", "revocation_proposed", "revoked", [APPROVER],
      N_("Approve revocation"), guards=["four_eyes", "legal_review_passed", "discussed_if_serious"], danger=True,
      fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "revocation_proposed", "revocation_noticed", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Before the head decides a penalty: the legal review (法制审核, Art. 58) by a reviewer the head
    # names who is not an enforcement officer (mandatory for revocation and after a hearing), and
    # the collective discussion (集体讨论, Art. 57) of a serious case, recorded by the head.
    *(row for proposed in ("suspension_proposed", "revocation_proposed") for row in (
        t("appoint_legal_reviewer", proposed, proposed, [APPROVER], N_("Name the legal reviewer"),
          guards=["penalty_procedure", "reviewer_not_an_officer"], fields=[LEGAL_REVIEWER]),
        t("legal_review", proposed, proposed, ["legal_reviewer"], N_("Record the legal review"),
          guards=["penalty_procedure"], fields=[LEGAL_OPINION, REASON]),
        t("record_discussion", proposed, proposed, [APPROVER], N_("Record the collective discussion"),
          guards=["penalty_procedure"], fields=[DISCUSSION_DATE, PARTICIPANTS, CONCLUSION]))),
    # Rescission (撤销) of an unlawful grant: prior notice with its ground, facts and evidence and
    # the right to state a defence first; the proposal answers the defence and records that
    # rescission would not seriously harm the public interest (行政许可法 Art. 69 ¶3).
    t("notice_rescission", ("registered", "suspended"), "rescission_noticed", [OFFICER],
      N_("Notify intended rescission"), fields=[RESCISSION_GROUND, REASON, EVIDENCE], danger=True, tags=[NOTICE]),
    t("file_statement", "rescission_noticed", "rescission_noticed", [APPLICANT],
      N_("File statement of defence"), fields=[COMMENT, ATTACHMENT], tags=[ANSWER]),
    t("drop_action", "rescission_noticed", "registered", [OFFICER], N_("Drop the intended action"),
      fields=[REASON], when="noticed_when_registered", tags=[DECIDED]),
    t("drop_action", "rescission_noticed", "suspended", [OFFICER], N_("Drop the intended action"),
      fields=[REASON], tags=[DECIDED]),
    t("propose_rescission", "rescission_noticed", "rescission_proposed", [OFFICER],
      N_("Propose rescission"), guards=["defence_closed", "public_interest_allows"],
      fields=[REASON, DEFENCE_REPLY, PUBLIC_INTEREST], danger=True, kind=PROPOSAL, proposes="rescission"),
    t("approve_rescission", "rescission_proposed", "rescinded", [APPROVER],
      N_("Approve rescission"), guards=["four_eyes"], danger=True, fields=[OPINION], kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "rescission_proposed", "rescission_noticed", [APPROVER],
      N_("Return to officer"), guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # Deregistration (注销) is proposed and approved by two people like every other ending.  On a
    # case that ended in rescission or revocation it is recorded there: the case keeps its final
    # state and its decision; the deregistration decision is issued beside it.
    t("propose_deregistration", ("registered", "suspended"), "deregistration_proposed", [OFFICER],
      N_("Propose deregistration"), fields=[GROUND, REASON], danger=True, kind=PROPOSAL,
      proposes="deregistration"),
    t("approve_deregistration", "deregistration_proposed", "deregistered", [APPROVER],
      N_("Approve deregistration"), guards=["four_eyes"], danger=True, kind=APPROVAL, tags=[DECIDED]),
    t("return_proposal", "deregistration_proposed", "registered", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], when="proposed_when_registered", kind=RETURN),
    t("return_proposal", "deregistration_proposed", "suspended", [APPROVER], N_("Return to officer"),
      guards=["four_eyes"], fields=[COMMENT], kind=RETURN),
    # A decision set aside on reconsideration or by a court (``decisions.outcomes``): the case
    # goes back to where the decision found it (a refusal or non-acceptance: to be decided anew).
    *(t("restore_after_set_aside", source, dest, [OFFICER], N_("Restore after the decision was set aside"),
        guards=["decision_set_aside"], tags=[DECIDED])
      for source, dest in (("not_accepted", "submitted"), ("refused", "classification_review"),
                           ("suspended", "registered"), ("revoked", "registered"), ("rescinded", "registered"),
                           ("deregistered", "registered"))),
    *(row for ended in ENDED_GROUND for row in (
        t("propose_deregistration", ended, ended, [OFFICER], N_("Propose deregistration"),
          guards=["no_deregistration_yet"], fields=[GROUND, REASON], kind=PROPOSAL, proposes="deregistration"),
        t("approve_deregistration", ended, ended, [APPROVER], N_("Approve deregistration"),
          guards=["four_eyes", "deregistration_pending"], kind=APPROVAL, tags=[DECIDED]),
        t("return_proposal", ended, ended, [APPROVER], N_("Return to officer"),
          guards=["four_eyes", "deregistration_pending"], fields=[COMMENT], kind=RETURN))),
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


# Why the model's certificates do not do (fact ``certificate``: the status of the model's
# certificates recorded by certification bodies, ``supervision.certificates``).
CERTIFICATE_MISSING = {
    "none": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: none is recorded."),
    "not_yet_valid": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: its certificate is not yet in force."),
    "suspended": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: its certificate is suspended."),
    "withdrawn": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: its certificate was withdrawn."),
    "expired": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: its certificate has expired."),
    "refused": N_("Tier 2 and above need a valid certificate recorded by a certification body for this model: certification was refused."),
}
CERTIFICATE_MISSING["dates_over"] = CERTIFICATE_MISSING["expired"]


def _certificate(ctx: Context) -> str | None:
    status = ctx.facts.get("certificate", "none")
    if (ctx.facts.get("tier") or 0) >= 2 and status != "valid":
        return CERTIFICATE_MISSING.get(status, CERTIFICATE_MISSING["none"])
    return None


def _notice_over(ctx: Context) -> str | None:
    if not ctx.facts.get("clock_expired"):
        return N_("The public notice period has not ended yet.")
    return None


def _objections_answered(ctx: Context) -> str | None:
    if ctx.facts.get("unanswered_objections"):
        return N_("Answer every objection with reasons first.")
    return None


def _approved_facts_unchanged(ctx: Context) -> str | None:
    if ctx.facts.get("approved_facts_changed"):
        return N_("The facts changed since the approval: reopen the review for a new proposal and approval.")
    return None


def _defence_closed(ctx: Context) -> str | None:
    # The party was heard (its record confirmed, objected to, or its refusal to sign noted), or
    # gave up the hearing by not attending (Art. 64(6)).
    heard = ctx.facts.get("hearing_held") or ctx.facts.get("hearing_waived")
    if ctx.facts.get("hearing_requested") and not heard:
        return N_("A hearing was requested and has not been held.")
    if heard:
        return None
    if not (ctx.facts.get("statement_filed") or ctx.facts.get("clock_expired")):
        return N_("The firm may still state its defence: wait for its statement or the end of the period.")
    return None


def _hearing_once(ctx: Context) -> str | None:
    if ctx.facts.get("hearing_requested"):
        return N_("A hearing was already requested.")
    if ctx.facts.get("hearing_request_closed"):
        return N_("The period to request a hearing (five working days from service of the notice) ended on %(date)s.")
    return None


# -- the penalty procedure (行政处罚法) ---------------------------------------------------------------

def _distinct_officers(ctx: Context) -> str | None:
    if ctx.probe:
        return None
    second = ctx.inputs.get("second_officer")
    if second is not None and ctx.actor_id is not None and str(second) == str(ctx.actor_id):
        return N_("A penalty case needs two different enforcement officers (Administrative Penalty Law Art. 42): "
                  "name another officer than yourself.")
    return None


def _not_yet_an_officer(ctx: Context) -> str | None:
    if ctx.probe:
        return None
    if str(ctx.inputs.get("officer")) in ctx.facts.get("enforcement_officers", ()):
        return N_("This person is already an enforcement officer of the case.")
    return None


def _two_officers(ctx: Context) -> str | None:
    if len(ctx.facts.get("enforcement_officers", ())) < 2:
        return N_("Two enforcement officers must be appointed to the case before the notice is issued "
                  "(Administrative Penalty Law Art. 42).")
    return None


def _opened_for(action: str, message: str):
    def guard(ctx: Context) -> str | None:
        return None if ctx.facts.get("penalty_action") == action else message
    return guard


def _suspension_not_a_penalty(ctx: Context) -> str | None:
    if "suspension" in PENALTY_ACTIONS_BY_NATURE.get(ctx.facts.get("nature", "filing"), ()):
        return N_("Under licence a suspension is an administrative penalty: open a penalty case first.")
    return None


def _hearing_notice_in_time(ctx: Context) -> str | None:
    earliest, chosen = ctx.facts.get("earliest_hearing_date"), ctx.inputs.get("hearing_date")
    if ctx.probe or earliest is None or chosen is None:
        return None
    if str(chosen) < str(earliest):
        return N_("The hearing notice must reach the party at least seven working days before the hearing "
                  "(Administrative Penalty Law Art. 64): choose %(date)s or later.")
    return None


def _hearing_time_given(ctx: Context) -> str | None:
    value = ctx.inputs.get("hearing_time")
    if ctx.probe or value is None:
        return None
    hours, _, minutes = str(value).strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        return N_("Give the time of the hearing as hh:mm, for example 09:30.")
    return None


def _hearing_day_reached(ctx: Context) -> str | None:
    day, today = ctx.facts.get("hearing_date"), ctx.facts.get("today")
    if day is not None and today is not None and str(today) < str(day):
        return N_("The hearing is set for %(date)s: the party's absence can be recorded from that day.")
    return None


def _presiding_did_not_investigate(ctx: Context) -> str | None:
    chosen = ctx.inputs.get("presiding_officer")
    if not ctx.probe and chosen is not None and str(chosen) in ctx.facts.get("enforcement_officers", ()):
        return N_("The presiding officer must not have investigated the case: choose someone who is not one of "
                  "its enforcement officers (Administrative Penalty Law Art. 64).")
    return None


def _objections_stated(ctx: Context) -> str | None:
    if ctx.inputs.get("confirmation") == "objections" and not str(ctx.inputs.get("comment") or "").strip():
        return N_("State your objections to the record.")
    return None


def _penalty_procedure(ctx: Context) -> str | None:
    if not ctx.facts.get("penalty"):
        return N_("This step belongs to the penalty procedure; this action is not a penalty under the "
                  "registration's legal nature.")
    return None


def _reviewer_not_an_officer(ctx: Context) -> str | None:
    chosen = ctx.inputs.get("legal_reviewer")
    if not ctx.probe and chosen is not None and str(chosen) in ctx.facts.get("enforcement_officers", ()):
        return N_("The legal reviewer must not be one of the case's enforcement officers.")
    return None


def _legal_review_passed(ctx: Context) -> str | None:
    if not ctx.facts.get("legal_review_required"):
        return None
    opinion = ctx.facts.get("legal_review")
    if opinion is None:
        return N_("The legal review (Administrative Penalty Law Art. 58) must come before the decision: "
                  "name a legal reviewer and wait for the review.")
    if opinion != "lawful":
        return N_("The legal review found the proposal wanting: return it to the officer.")
    return None


def _discussed_if_serious(ctx: Context) -> str | None:
    if ctx.facts.get("discussion_required") and not ctx.facts.get("discussion_recorded"):
        return N_("A serious case is decided after a collective discussion (Administrative Penalty Law Art. 57): "
                  "record it first.")
    return None


def _no_deregistration_yet(ctx: Context) -> str | None:
    if ctx.facts.get("proposal") == "deregistration":
        return N_("A deregistration is already proposed: the approver decides it first.")
    if ctx.facts.get("deregistration_issued"):
        return N_("This registration has already been deregistered.")
    return None


def _deregistration_pending(ctx: Context) -> str | None:
    if ctx.facts.get("proposal") != "deregistration":
        return N_("No deregistration is proposed on this case.")
    return None


def _decision_set_aside(ctx: Context) -> str | None:
    if not ctx.facts.get("decision_set_aside"):
        return N_("Only a decision set aside on reconsideration or by a court restores the case.")
    return None


def _licence_nature(ctx: Context) -> str | None:
    if ctx.facts.get("nature") != "licence":
        return N_("Under filing the measure sets no extension of the decision period.")
    return None


def _not_extended_yet(ctx: Context) -> str | None:
    if ctx.facts.get("decision_extended"):
        return N_("The decision period was already extended once.")
    return None


def _public_interest_allows(ctx: Context) -> str | None:
    if ctx.inputs.get("public_interest") == "serious_harm":
        return N_("Rescission that could seriously harm the public interest is not allowed (Administrative "
                  "Licensing Law Art. 69(3)): drop the intended action instead.")
    return None


def _noticed_when_registered(ctx: Context) -> str | None:
    return None if ctx.facts.get("noticed_from") != "suspended" else "no"


def _proposed_when_registered(ctx: Context) -> str | None:
    return None if ctx.facts.get("proposed_from") != "suspended" else "no"


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
        "objections_answered": _objections_answered,
        "approved_facts_unchanged": _approved_facts_unchanged,
        "defence_closed": _defence_closed,
        "hearing_not_yet_requested": _hearing_once,
        "distinct_officers": _distinct_officers,
        "not_yet_an_officer": _not_yet_an_officer,
        "two_officers": _two_officers,
        "opened_for_revocation": _opened_for("revocation", N_("This penalty case was not opened for a revocation.")),
        "opened_for_suspension": _opened_for("suspension", N_("This penalty case was not opened for a suspension.")),
        "suspension_not_a_penalty": _suspension_not_a_penalty,
        "hearing_notice_in_time": _hearing_notice_in_time,
        "presiding_did_not_investigate": _presiding_did_not_investigate,
        "hearing_time_given": _hearing_time_given,
        "hearing_day_reached": _hearing_day_reached,
        "objections_stated": _objections_stated,
        "penalty_procedure": _penalty_procedure,
        "reviewer_not_an_officer": _reviewer_not_an_officer,
        "legal_review_passed": _legal_review_passed,
        "discussed_if_serious": _discussed_if_serious,
        "no_deregistration_yet": _no_deregistration_yet,
        "deregistration_pending": _deregistration_pending,
        "public_interest_allows": _public_interest_allows,
        "licence_nature": _licence_nature,
        "decision_set_aside": _decision_set_aside,
        "not_extended_yet": _not_extended_yet,
    },
    conditions={
        "grant_needs_notice": _grant_needs_notice,
        "grant_without_notice": _grant_without_notice,
        "refusal": _refusal,
        "proposed_when_registered": _proposed_when_registered,
        "noticed_when_registered": _noticed_when_registered,
    },
)
