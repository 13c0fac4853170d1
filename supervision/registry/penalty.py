"""The penalty procedure of a registration (行政处罚法), where the legal nature makes an action a
penalty (revocation always, suspension under licence): the facts its guards read and what its
triggers change besides the state.

The people of a penalty case are ``CaseRole`` rows: two enforcement officers (Art. 42), named
when the case is opened (立案, Art. 54); the presiding officer of a hearing (Art. 64), named in
the hearing notice; the legal reviewer (Art. 58), named by the head.  The ninety-day limit from
opening the case (Art. 60) and the service of the decision within seven working days (Art. 61)
are deadlines on the case.  ``facts.py`` merges these facts and effects into the case type's.
"""
from __future__ import annotations

import json
from typing import Any

from flask import current_app

from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.cases.models import Case, DeadlineKind
from supervision.cases.types import Firing
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.workdays import periods
from supervision.workdays.services import current_calendar
from workflows import registration

ENFORCEMENT_OFFICER, PRESIDING_OFFICER, LEGAL_REVIEWER = "enforcement_officer", "presiding_officer", "legal_reviewer"
# The actions a collective discussion must precede (Art. 57: serious cases); configurable.
SERIOUS_SETTING = "PENALTY_COLLECTIVE_DISCUSSION"
SERIOUS_DEFAULT = ("revocation",)

OPENED = ("penalty_case_open",)
HEARING_STATES = ("hearing", "hearing_scheduled", "hearing_recorded")
PROPOSED = ("suspension_proposed", "revocation_proposed")
# States where the case's enforcement officers matter to a guard or a page.
WITH_OFFICERS = (*OPENED, "suspension_noticed", "revocation_noticed", *HEARING_STATES, *PROPOSED)
PROPOSALS = ("propose_suspension", "propose_revocation")


def _events(case: Case, triggers: tuple[str, ...], *, after: int = 0) -> list[AuditEvent]:
    return list(db.session.execute(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.trigger.in_(triggers),
                                    AuditEvent.action == "case.transition", AuditEvent.seq > after)
        .order_by(AuditEvent.seq)).scalars())


def details(event: AuditEvent | None) -> dict[str, Any]:
    return json.loads(event.details) if event is not None and event.details else {}


def latest(case: Case, triggers: tuple[str, ...], *, after: int = 0) -> AuditEvent | None:
    return (_events(case, triggers, after=after) or [None])[-1]


def _people(case: Case, roles: set[str]) -> list[tuple[str, str]]:
    """(user id, name) of the department's active users holding one of ``roles``."""
    users = db.session.execute(
        db.select(User).where(User.organisation_id == case.department_id, User.active.is_(True))
        .order_by(User.name, User.id)).scalars()
    return [(str(u.id), u.name) for u in users if set(u.roles) & roles]


def officers_of(case: Case, role: str = ENFORCEMENT_OFFICER) -> list[User]:
    """The people active on ``case`` in ``role``, in the order they were named."""
    return [row.user for row in cases.roles_on(case, role=role)]


def serious(action: str | None) -> bool:
    return action in tuple(current_app.config.get(SERIOUS_SETTING, SERIOUS_DEFAULT))


def is_penalty(action: str, nature: str) -> bool:
    return action in registration.PENALTY_ACTIONS_BY_NATURE.get(nature, ())


def penalty_facts(case: Case, nature: str, hearing_held: bool) -> dict[str, Any]:
    """What the penalty procedure's guards read in the case's current state."""
    state = case.state
    facts: dict[str, Any] = {"penalty_actions": registration.PENALTY_ACTIONS_BY_NATURE.get(nature, ())}
    if state in ("registered", *OPENED):
        facts["department_officers"] = _people(case, {"officer"})
    if state in (*HEARING_STATES, *PROPOSED):
        facts["department_regulators"] = _people(case, {"officer", "approver"})
    if state not in WITH_OFFICERS:
        return facts
    facts["enforcement_officers"] = tuple(str(u.id) for u in officers_of(case))
    opened = latest(case, ("propose_penalty_case",))
    facts["penalty_action"] = details(opened).get("penalty_action")
    action = "revocation" if state.startswith(("revocation", "hearing")) else "suspension"
    facts["penalty"] = penalty = is_penalty(action, nature)
    if state == "revocation_noticed":
        facts.update(_hearing_request_period(case))
    if state == "hearing":
        earliest = periods.due(utcnow(), periods.WORKING_DAYS, registration.HEARING_NOTICE_DAYS,
                               current_calendar()).day
        facts["earliest_hearing_date"] = earliest.isoformat()
        facts["refusal_params"] = {"date": earliest.isoformat()}
    if state == "hearing_scheduled":  # the day the party's absence can be recorded from (Art. 64(6))
        day = details(latest(case, ("schedule_hearing",))).get("hearing_date")
        if day:
            facts.update({"hearing_date": str(day)[:10], "today": local_today().isoformat(),
                          "refusal_params": {"date": str(day)[:10]}})
    if state in PROPOSED:
        proposal = latest(case, PROPOSALS)
        since = proposal.seq if proposal is not None else 0
        review = latest(case, ("legal_review",), after=since)
        facts.update({
            "legal_review_required": penalty and (action == "revocation" or hearing_held),
            "legal_review": details(review).get("legal_opinion") if review is not None else None,
            "discussion_required": penalty and serious(action),
            "discussion_recorded": latest(case, ("record_discussion",), after=since) is not None,
        })
    return facts


def _hearing_request_period(case: Case) -> dict[str, Any]:
    """Art. 64: a hearing is requested within five working days of service of the prior notice
    (the period starts when the service is on record)."""
    from supervision.decisions.delivery import served_at
    from supervision.decisions.models import Decision

    notice = db.session.execute(
        db.select(Decision.id).where(Decision.case_id == case.id, Decision.kind == "revocation_notice")
        .order_by(Decision.id.desc()).limit(1)).scalar()
    served = served_at(notice) if notice is not None else None
    if served is None:
        return {}
    due = periods.due(served, periods.WORKING_DAYS, registration.HEARING_REQUEST_DAYS, current_calendar())
    return {"hearing_request_closed": utcnow() > due.at, "hearing_request_due": due.day.isoformat(),
            "refusal_params": {"date": due.day.isoformat()}}


# -- effects --------------------------------------------------------------------------------------


def _user(value: Any) -> User:
    user = db.session.get(User, int(value))
    if user is None:  # pragma: no cover - the field's choices are the department's users
        raise ValueError(f"no user {value!r}")
    return user


def _replace_role(case: Case, role: str, users: list[User], actor, reason: str) -> None:
    for row in cases.roles_on(case, role=role):
        cases.end_role(row, actor=actor, reason=reason)
    for user in users:
        cases.add_role(case, user=user, role=role, actor=actor, source="appointment")


def _name_officers(case: Case, actor: Any, firing: Firing) -> None:
    """The proposing officer and the second officer named are the case's enforcement officers."""
    _replace_role(case, ENFORCEMENT_OFFICER, [actor, _user(firing.inputs["second_officer"])], actor,
                  "penalty case proposed")


def _open_case(case: Case, actor: Any, firing: Firing) -> None:
    """立案: the ninety-day limit (Art. 60) runs from today."""
    name, length, unit, label = registration.PENALTY_LIMIT
    clocks.add_due_item(case, name=name, kind=DeadlineKind.STATUTORY.value, actor=actor, label=label,
                        unit=unit, length=length)


def _appoint_officer(case: Case, actor: Any, firing: Firing) -> None:
    cases.add_role(case, user=_user(firing.inputs["officer"]), role=ENFORCEMENT_OFFICER, actor=actor,
                   source="appointment")


def _appoint_presiding(case: Case, actor: Any, firing: Firing) -> None:
    _replace_role(case, PRESIDING_OFFICER, [_user(firing.inputs["presiding_officer"])], actor, "hearing notified")


def _appoint_reviewer(case: Case, actor: Any, firing: Firing) -> None:
    _replace_role(case, LEGAL_REVIEWER, [_user(firing.inputs["legal_reviewer"])], actor, "legal reviewer named")


def _decided(case: Case, actor: Any, firing: Firing) -> None:
    """A penalty decided: the decision is owed service within seven working days (Art. 61; closed
    when its service is on record).  The ninety-day limit it meets is closed by ``MEETS``."""
    nature = firing.facts.get("nature", "filing")
    action = "revocation" if firing.trigger == "approve_revocation" else "suspension"
    if not is_penalty(action, nature):
        return
    name, length, unit, label = registration.PENALTY_SERVICE
    clocks.add_due_item(case, name=name, kind=DeadlineKind.STATUTORY.value, actor=actor, label=label,
                        unit=unit, length=length)


def _dropped(case: Case, actor: Any, firing: Firing) -> None:
    """撤案: no penalty decision is owed any more."""
    clocks.close(case, registration.PENALTY_LIMIT[0], actor=actor, status=clocks.CANCELLED)


# The decision meets the ninety-day limit (Art. 60), closed as met before a final state (revoked)
# would cancel it; a decision after the limit is met late (``cases.models.Deadline.late``).
MEETS = {trigger: (registration.PENALTY_LIMIT[0],) for trigger in ("approve_suspension", "approve_revocation")}

EFFECTS = {
    "propose_penalty_case": (_name_officers,),
    "approve_penalty_case": (_open_case,),
    "appoint_officer": (_appoint_officer,),
    "schedule_hearing": (_appoint_presiding,),
    "appoint_legal_reviewer": (_appoint_reviewer,),
    "approve_suspension": (_decided,),
    "approve_revocation": (_decided,),
    "drop_action": (_dropped,),
}


# -- the case page ----------------------------------------------------------------------------------

HEARING_ENDS = ("confirm_hearing_record", "note_refusal_to_sign", "record_non_attendance")


def summary(case: Case) -> dict[str, Any] | None:
    """What the case page shows of a penalty case (to the legal reviewer and the head before they
    decide): the ninety-day limit (running, met, met late, cancelled) and the latest hearing with
    how it ended (record confirmed or objected to, refusal to sign noted, or the party absent)."""
    from supervision.cases.models import Deadline

    limit = db.session.execute(
        db.select(Deadline).where(Deadline.case_id == case.id, Deadline.name == registration.PENALTY_LIMIT[0])
        .order_by(Deadline.id.desc()).limit(1)).scalar()
    if limit is None:
        return None
    out: dict[str, Any] = {"limit": limit, "hearing": None}
    notified = latest(case, ("schedule_hearing",))
    if notified is not None:
        d = details(notified)
        presiding = db.session.get(User, int(d["presiding_officer"])) if d.get("presiding_officer") else None
        ended = latest(case, HEARING_ENDS, after=notified.seq)
        how = ended.trigger if ended is not None else None
        if how == "confirm_hearing_record" and details(ended).get("confirmation") != "objections":
            how = "confirmed"
        out["hearing"] = {"date": d.get("hearing_date", ""), "time": d.get("hearing_time", ""),
                          "place": d.get("hearing_place", ""), "presiding": presiding.name if presiding else "",
                          "ended": how, "note": (ended.reason or "") if ended is not None else ""}
    return out
