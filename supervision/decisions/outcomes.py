"""Outcomes of reconsideration (行政复议) and litigation (行政诉讼) against a decision.

A regulator records what the reconsideration body or the court decided, with the body's
document: the decision was upheld (维持), varied (变更), set aside (撤销) or confirmed unlawful
(确认违法).  A decision set aside no longer stands (status ``set_aside``); what it had ended
stands again (a grant it revoked is in force again); and the case type's workflow takes the case
back where the outcome leaves it, through the table's ``RESTORE_TRIGGER`` (registration: a
revoked model returns to the public register at once).  One audit event per record; the caller's
unit of work commits.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.audit.services import record
from supervision.core.timeutil import utcnow
from supervision.decisions.models import Decision, DecisionStatus
from supervision.extensions import db
from workflows.base import N_

# The trigger a workflow offers to take a case back after its deciding decision was set aside.
RESTORE_TRIGGER = "restore_after_set_aside"


class Route(str, enum.Enum):
    RECONSIDERATION = "reconsideration"
    LITIGATION = "litigation"


class Outcome(str, enum.Enum):
    UPHELD = "upheld"
    VARIED = "varied"
    SET_ASIDE = "set_aside"
    CONFIRMED_UNLAWFUL = "confirmed_unlawful"


ROUTE_LABELS = {"reconsideration": N_("Administrative reconsideration"), "litigation": N_("Administrative litigation")}
OUTCOME_LABELS = {"upheld": N_("Upheld"), "varied": N_("Varied"), "set_aside": N_("Set aside"),
                  "confirmed_unlawful": N_("Confirmed unlawful")}


class OutcomeError(ValueError):
    """An outcome that cannot be recorded (the message is N_-marked)."""


class ChallengeOutcome(db.Model):
    """What a reconsideration body or a court decided about one decision, with its document."""

    __tablename__ = "challenge_outcomes"
    __table_args__ = (
        CheckConstraint("route IN ('reconsideration', 'litigation')", name="route"),
        CheckConstraint("outcome IN ('upheld', 'varied', 'set_aside', 'confirmed_unlawful')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    route: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(String(200))          # the reconsideration body or the court
    body_document_number: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[dt.date]
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship()


def outcomes_of(decision: Decision) -> list[ChallengeOutcome]:
    return list(db.session.execute(db.select(ChallengeOutcome).filter_by(decision_id=decision.id)
                                   .order_by(ChallengeOutcome.id)).scalars())


def record_outcome(decision: Decision, *, actor, route: str, outcome: str, body: str,
                   body_document_number: str, decided_on: dt.date, document, note: str | None = None
                   ) -> ChallengeOutcome:
    """Record the outcome; a set-aside also undoes what the decision did (see the module)."""
    if route not in ROUTE_LABELS or outcome not in OUTCOME_LABELS:
        raise OutcomeError(N_("Choose one of the listed options."))
    if not decision.case or not _appealable(decision):
        raise OutcomeError(N_("This document is not a decision that can be challenged."))
    if decision.status == DecisionStatus.SET_ASIDE.value:
        raise OutcomeError(N_("This decision has already been set aside."))
    row = ChallengeOutcome(decision_id=decision.id, route=route, outcome=outcome, body=body.strip(),
                           body_document_number=body_document_number.strip(), decided_on=decided_on,
                           document_id=document.id, note=(note or "").strip() or None,
                           recorded_by_id=actor.id)
    db.session.add(row)
    restored: list[str] = []
    if outcome == Outcome.SET_ASIDE.value:
        now = utcnow()
        decision.status, decision.status_changed_at = DecisionStatus.SET_ASIDE.value, now
        for ended in db.session.execute(db.select(Decision).where(
                Decision.status_changed_by_decision_id == decision.id)).scalars():
            ended.status, ended.status_changed_at, ended.status_changed_by_decision_id = (
                DecisionStatus.ISSUED.value, now, None)
            restored.append(ended.number)
    db.session.flush()
    record("decision.challenge_outcome", actor=actor, case=decision.case, object_type="decision",
           object_id=decision.id, reason=note,
           details={"number": decision.number, "route": route, "outcome": outcome, "body": row.body,
                    "body_document_number": row.body_document_number, "decided_on": decided_on.isoformat(),
                    "document_id": document.id, "restored": restored or None})
    if outcome == Outcome.SET_ASIDE.value:
        _restore_case(decision, actor)
    return row


def _appealable(decision: Decision) -> bool:
    from supervision.decisions import kinds as kind_config

    kind = kind_config.installed().get(decision.kind)
    return kind is not None and kind.can_be_challenged()


def _restore_case(decision: Decision, actor) -> None:
    """Take the case back through its workflow's restore trigger, where the table offers one
    from the case's state (the set-aside decision was the one that put it there)."""
    from supervision.cases import services as cases

    wf = cases.workflow_of(decision.case)
    if wf.rows(decision.case.state, RESTORE_TRIGGER):
        cases.fire(decision.case, RESTORE_TRIGGER, actor=actor)
