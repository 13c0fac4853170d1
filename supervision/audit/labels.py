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
