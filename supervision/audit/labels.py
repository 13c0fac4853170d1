"""How audit events read on pages: action names, roles and states in the user's language.

The machine names (``case.transition``, ``submitted`` …) stay in the log and in exports; these
labels are marked with ``N_`` and translated when rendered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from supervision.core.i18n import label
from workflows.base import N_

ACTION_LABELS = {
    "auth.sign_in": N_("Signed in"),
    "auth.sign_in_failed": N_("Sign-in failed"),
    "auth.sign_in_throttled": N_("Sign-in refused (too many failures)"),
    "auth.sign_out": N_("Signed out"),
    "access.denied": N_("Access denied"),
    "case.create": N_("Case created"),
    "case.transition": N_("Case action"),
    "case.claim": N_("Case claimed"),
    "case.assign": N_("Case assigned"),
    "document.upload": N_("Document uploaded"),
    "document.download": N_("Document downloaded"),
    "export.start": N_("Export started"),
    "organisation.create": N_("Organisation created"),
    "user.create": N_("User created"),
    "user.set_roles": N_("Roles changed"),
    "user.enable": N_("User enabled"),
    "user.disable": N_("User disabled"),
    "user.change_password": N_("Password changed"),
    "user.set_locale": N_("Language changed"),
    "calendar.set_year": N_("Working-day calendar changed"),
    "case.deadline_recalculated": N_("Deadline recalculated"),
    "export.done": N_("Export finished"),
    "export.failed": N_("Export failed"),
    "export.download": N_("Export downloaded"),
    "job.retry": N_("Job retried"),
    "decision.issue": N_("Decision issued"),
    "audit.restore_accepted": N_("Restore behind the published checkpoint accepted"),
    "deadline.reminder": N_("Deadline reminder sent"),
    "decision.challenge_outcome": N_("Reconsideration or litigation outcome recorded"),
    "decision.legal_basis": N_("Legal basis of a decision kind changed"),
    "document.damaged": N_("Damaged file refused"),
    "document.fixity_check": N_("Stored files checked"),
    "legal.instrument": N_("Legal instrument changed"),
    "legal.provision": N_("Legal provision changed"),
    "notification.read": N_("Notification marked read"),
    "notification.read_all": N_("All notifications marked read"),
    "service.consent": N_("Consent to electronic service given"),
    "service.consent_withdrawn": N_("Consent to electronic service withdrawn"),
    "service.record": N_("Service recorded"),
    "user.password_reset": N_("Password reset"),
    "user.password_reset_forced": N_("Password reset required by an administrator"),
    "user.password_reset_requested": N_("Password reset requested"),
    "user.recovery_code_used": N_("Recovery code used"),
    "user.recovery_codes_renewed": N_("Recovery codes renewed"),
    "user.two_factor_disabled": N_("Two-factor sign-in turned off"),
    "user.two_factor_enabled": N_("Two-factor sign-in turned on"),
    "case.role_add": N_("Person attached to the case"),
    "case.role_end": N_("Person's role on the case ended"),
    "case.link": N_("Cases linked"),
    "deadline.start": N_("Deadline started"),
    "deadline.add": N_("Due item added"),
    "deadline.close": N_("Deadline closed"),
    "deadline.overdue": N_("Deadline overdue"),
}




def _installed_labels() -> dict[str, str]:
    """The audit actions the installed case types name (their ``CaseType.labels``)."""
    return current_app.extensions.get("action_labels", {})


def _workflow(name: str | None):
    ct = current_app.extensions.get("case_types", {}).get(name) if name else None
    return ct.workflow if ct is not None else None

ROLE_LABELS = {
    "applicant": N_("Applicant"), "officer": N_("Officer"), "approver": N_("Approver"),
    "expert": N_("Expert"), "auditor": N_("Auditor"), "admin": N_("Administrator"),
    "system": N_("System (timer)"),
}


@dataclass(frozen=True)
class EventText:
    action: str             # e.g. "Case action"
    transition: str | None  # e.g. "Submit application"
    from_state: str | None
    to_state: str | None
    roles: str


# What an event is about, for the shared kinds of object; others show their machine name.
OBJECT_LABELS = {
    "case": N_("Case"), "user": N_("User"), "document": N_("Document"), "decision": N_("Decision"),
    "organisation": N_("Organisation"), "job": N_("Job"), "deadline": N_("Deadline"),
    "case_role": N_("Person on a case"), "certificate": N_("Certificate"), "expert": N_("Expert"),
    "api_token": N_("API token"),
}


def known_actions() -> dict[str, str]:
    """Every action with a label: the shared ones and those the installed case types name."""
    return {**ACTION_LABELS, **_installed_labels()}


def object_label(object_type: str | None) -> str:
    if not object_type:
        return ""
    text = OBJECT_LABELS.get(object_type)
    return label(text) if text else object_type


def action_label(action: str) -> str:
    """The readable name of an action; an action without a label shows its machine name."""
    text = ACTION_LABELS.get(action) or _installed_labels().get(action)
    return label(text) if text else action


def describe(event: Any) -> EventText:
    """The translated text of one event (a row with the audit event's columns)."""
    wf = _workflow(event.workflow)
    transition = None
    if event.trigger:
        rows = wf.rows(event.from_state or "", event.trigger) if wf is not None else []
        transition = label(rows[0].label) if rows else event.trigger

    def state(name: str | None) -> str | None:
        if not name:
            return None
        return label(wf.state_label(name)) if wf is not None else name

    roles = ", ".join(label(ROLE_LABELS[r]) if r in ROLE_LABELS else r
                      for r in (event.actor_roles or "").split(",") if r)
    return EventText(action_label(event.action), transition, state(event.from_state),
                     state(event.to_state), roles)
