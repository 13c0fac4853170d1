"""Change and renewal services: the only code that opens a change or renewal application and
applies a granted one to the registration.  Each public function checks before it writes, writes
one audit event and flushes; the unit of work of the request or command commits.

A change application freezes the proposed particulars as a new ``ModelVersion`` (never the one
the registration was decided on); the grant (``approve`` to ``change_granted``) points the
registration at it and gives the model its new name, so the public register shows the new
particulars from then on.  A renewal grant extends the term by the registration's term.  A grant
set aside on reconsideration or by a court is undone: the registration holds again what the
application recorded it held before (``previous_*``, frozen when it was made).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import func

from supervision.accounts.models import User
from supervision.audit.services import record
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.cases.types import Firing
from supervision.changes.models import ChangeApplication
from supervision.core.timeutil import local_today, utcnow
from supervision.extensions import db
from supervision.registry.models import TERM_YEARS, ModelVersion, Registration
from supervision.registry.services import IN_FORCE_STATES as IN_FORCE, VERSION_FIELDS
from workflows.base import N_
from workflows.registration_change import CHANGE, RENEWAL, REGISTRATION_CHANGE

APPLIED_EVENT = "changes.apply"
OPEN = tuple(name for name, st in REGISTRATION_CHANGE.states.items() if not st.final)
GRANTED = {"change_granted": CHANGE, "renewed": RENEWAL}


class ChangeError(Exception):
    """A refused change or renewal application; ``message`` is N_-marked, ``params`` its fields."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message, self.params = message, params


def lead_days() -> int:
    """How many days before expiry a renewal must be applied for at the latest (行政许可法 Art. 50:
    thirty, unless the measure sets otherwise: ``RENEWAL_LEAD_DAYS``)."""
    return int(current_app.config.get("RENEWAL_LEAD_DAYS", 30))


def application_of(case: Case) -> ChangeApplication | None:
    return db.session.execute(db.select(ChangeApplication).filter_by(case_id=case.id)).scalar()


def applications_on(reg: Registration) -> list[ChangeApplication]:
    return list(db.session.execute(db.select(ChangeApplication).filter_by(registration_id=reg.id)
                                   .order_by(ChangeApplication.id)).scalars())


def pending_on(reg: Registration) -> ChangeApplication | None:
    return db.session.execute(
        db.select(ChangeApplication).join(Case, Case.id == ChangeApplication.case_id)
        .where(ChangeApplication.registration_id == reg.id, Case.state.in_(OPEN)).limit(1)).scalar()


def expired(reg: Registration, today: dt.date | None = None) -> bool:
    return reg.expires_on is not None and (today or local_today()) >= reg.expires_on


def _check_open(reg: Registration, actor: User) -> None:
    if reg.case.firm_id != actor.organisation_id:
        raise ChangeError(N_("Only the registered firm may apply."))
    if reg.case.state not in IN_FORCE or reg.registration_number is None:
        raise ChangeError(N_("Only a registration in force can be changed or renewed."))
    if pending_on(reg) is not None:
        raise ChangeError(N_("An application to change or renew this registration is already in progress."))


def _open_case(reg: Registration, actor: User, kind: str, title: str, **values: Any) -> ChangeApplication:
    case = cases.create_case(case_type=REGISTRATION_CHANGE.name, title=title,
                             department_id=reg.case.department_id, firm_id=reg.case.firm_id, actor=actor)
    app = ChangeApplication(case_id=case.id, registration_id=reg.id, kind=kind, previous_name=reg.model.name,
                            previous_version_id=reg.version_id, previous_expires_on=reg.expires_on, **values)
    db.session.add(app)
    db.session.flush()
    cases.link_cases(case, reg.case, relation="amends", actor=actor)
    record(f"changes.{kind}_apply", actor=actor, case=case, object_type="change_application", object_id=app.id,
           details={"registration": reg.registration_number, "name": values.get("name")})
    # The application is the submission: the department's officers hear of it (the case type's
    # notification rules), as they hear of a submitted registration.
    cases.notify_event(case, APPLIED_EVENT, actor)
    return app


def particulars(version: ModelVersion) -> dict[str, Any]:
    return {f: getattr(version, f) for f in VERSION_FIELDS}


def apply_for_change(reg: Registration, *, actor: User, name: str, values: dict[str, Any]) -> ChangeApplication:
    """The firm asks to change what its registration holds: the proposed particulars are frozen
    as a new version of the model (the registered one is never touched)."""
    _check_open(reg, actor)
    name = (name or "").strip()
    proposed = {**particulars(reg.version), **{k: v for k, v in values.items() if k in VERSION_FIELDS}}
    last = db.session.execute(db.select(func.max(ModelVersion.number)).where(ModelVersion.model_id == reg.model_id)).scalar()
    version = ModelVersion(model_id=reg.model_id, number=(last or 0) + 1, created_by_id=actor.id)
    for f, v in proposed.items():
        setattr(version, f, v)
    if name == reg.model.name and _same(version, reg.version):
        raise ChangeError(N_("Nothing differs from the registered particulars."))
    if version.missing_fields():
        raise ChangeError(N_("The application is incomplete: fill in every required field first."))
    version.frozen_at = utcnow()
    db.session.add(version)
    db.session.flush()
    return _open_case(reg, actor, CHANGE, name, name=name, version_id=version.id)


def _same(a: ModelVersion, b: ModelVersion) -> bool:
    from decimal import Decimal

    def norm(v: Any) -> Any:
        return f"{Decimal(v):.2f}" if isinstance(v, (Decimal, float, int)) and not isinstance(v, bool) else v

    return all(norm(getattr(a, f)) == norm(getattr(b, f)) for f in VERSION_FIELDS)


def apply_for_renewal(reg: Registration, *, actor: User) -> ChangeApplication:
    """The firm asks to renew its registration's term (延续): before it expires, and at least
    ``lead_days()`` before."""
    _check_open(reg, actor)
    ends = reg.expires_on
    if ends is None:
        raise ChangeError(N_("This registration has no term to renew."))
    if expired(reg):
        raise ChangeError(N_("The registration expired on %(day)s: it can no longer be renewed. Apply for a new "
                             "registration instead."), day=ends.isoformat())
    if local_today() > ends - dt.timedelta(days=lead_days()):
        raise ChangeError(N_("A renewal must be applied for at least %(days)s days before the registration expires "
                             "(on %(day)s)."), days=lead_days(), day=ends.isoformat())
    return _open_case(reg, actor, RENEWAL, reg.model.name)


def renewed_term(ends: dt.date) -> dt.date:
    try:
        return ends.replace(year=ends.year + TERM_YEARS)
    except ValueError:  # ends on 29 February
        return ends.replace(year=ends.year + TERM_YEARS, day=28) + dt.timedelta(days=1)


# -- the engine's plug-ins --------------------------------------------------------------------

# The decisions that put a change case in a state a set-aside undoes (the restore trigger's sources).
DECIDING = ("change_non_acceptance", "change_grant", "change_refusal", "renewal_grant", "renewal_refusal")


def _deciding_set_aside(case: Case) -> bool:
    """Whether the case's latest deciding decision was set aside (on reconsideration or in court)."""
    from supervision.decisions.models import Decision

    status = db.session.execute(
        db.select(Decision.status).where(Decision.case_id == case.id, Decision.kind.in_(DECIDING))
        .order_by(Decision.id.desc()).limit(1)).scalar()
    return status == "set_aside"


def facts(case: Case, actor: Any) -> dict[str, Any]:
    app = application_of(case)
    out: dict[str, Any] = {"nature": current_app.config.get("REGISTRATION_NATURE", "filing"),
                           "supplement_count": cases.triggers_since(case).count("request_supplement"),
                           "decision_set_aside": _deciding_set_aside(case)}
    if app is not None:
        out.update({"kind": app.kind, "expired": expired(app.registration)})
    return out


def _apply_grant(case: Case, actor: Any, firing: Firing) -> None:
    """A granted change or renewal takes effect on the registration in the same unit of work."""
    if firing.to_state not in GRANTED:
        return
    app = application_of(case)
    reg = app.registration
    if app.kind == CHANGE:
        reg.version = app.version
        reg.model.name = app.name
        reg.case.title = app.name
        details = {"name": app.name, "previous_name": app.previous_name, "version": app.version.number,
                   "previous_version": app.previous_version.number}
    else:
        app.new_expires_on = renewed_term(reg.expires_on)
        reg.renewed_until = app.new_expires_on
        details = {"expires_on": app.new_expires_on.isoformat(),
                   "previous_expires_on": app.previous_expires_on.isoformat() if app.previous_expires_on else None}
    app.applied_at = utcnow()
    db.session.flush()
    record(f"changes.{app.kind}_applied", actor=actor, case=reg.case, object_type="registration", object_id=reg.id,
           details={**details, "change_case": case.number})


def _undo_grant(case: Case, actor: Any, firing: Firing) -> None:
    """A grant set aside (``restore_after_set_aside`` from a granted state): the registration holds
    again what it held before the application (its frozen ``previous_*``), on the register too.
    A later change or renewal granted since has superseded this one: it is left as it is."""
    if firing.from_state not in GRANTED:
        return
    app = application_of(case)
    reg = app.registration
    if app.kind == CHANGE:
        current = reg.version_id == app.version_id
        if current:
            reg.version = app.previous_version
            reg.model.name = app.previous_name
            reg.case.title = app.previous_name
        details = {"name": app.previous_name, "set_aside_name": app.name, "version": app.previous_version.number,
                   "set_aside_version": app.version.number}
    else:
        current = reg.renewed_until == app.new_expires_on
        if current:
            reg.renewed_until = app.previous_expires_on  # the same end as before the renewal
        details = {"expires_on": app.previous_expires_on.isoformat() if app.previous_expires_on else None,
                   "set_aside_expires_on": app.new_expires_on.isoformat() if app.new_expires_on else None}
    app.applied_at = None
    app.new_expires_on = None
    db.session.flush()
    record(f"changes.{app.kind}_undone", actor=actor, case=reg.case, object_type="registration", object_id=reg.id,
           details={**details, "change_case": case.number, "superseded": None if current else True})


EFFECTS = {"approve": (_apply_grant,), "deem_renewed": (_apply_grant,), "restore_after_set_aside": (_undo_grant,)}


def snapshot(case: Case) -> dict[str, Any]:
    """What a change or renewal decision rests on: the registration, what it held and what is
    asked (nothing a grant changes afterwards)."""
    app = application_of(case)
    if app is None:
        return {"title": case.title, "firm_id": case.firm_id}
    out: dict[str, Any] = {"kind": app.kind, "registration_id": app.registration_id,
                           "registration_number": app.registration.registration_number,
                           "previous": {"name": app.previous_name, "version_id": app.previous_version_id},
                           "previous_expires_on": app.previous_expires_on.isoformat() if app.previous_expires_on else None}
    if app.version is not None:
        proposed = particulars(app.version)
        for key in ("mass_kg", "max_speed_mps"):
            proposed[key] = None if proposed[key] is None else f"{proposed[key]:.2f}"
        out["proposed"] = {"name": app.name, "version_id": app.version_id, **proposed}
    return out


def deem_overdue_renewals(*, actor: Any) -> int:
    """Under licence, renewals not decided before the registration expired are deemed granted
    (行政许可法 Art. 50 ¶2).  Returns how many; run daily (``flask changes deem-renewals``)."""
    n = 0
    pending = db.session.execute(
        db.select(Case).join(ChangeApplication, ChangeApplication.case_id == Case.id)
        .where(ChangeApplication.kind == RENEWAL, Case.state.in_(OPEN))).scalars().all()
    for case in pending:
        ctx = cases.context_for(case, actor)
        if not REGISTRATION_CHANGE.refusals(case.state, "deem_renewed", ctx):
            cases.fire(case, "deem_renewed", actor=actor)
            n += 1
    return n
