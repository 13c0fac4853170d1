"""Certificate services: the only code that records certificates and changes their state.

Each public function checks before it writes (the lifecycle table in ``workflows/certificate.py``,
the certifier's own body), writes one audit event and flushes; the unit of work of the request,
command or job commits.  What registration reads (the status of a model's certificates, the
cases that relied on one, their flags) is answered here too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import func

from supervision.audit.services import record
from supervision.cases import reads
from supervision.certificates.access import body_roles
from supervision.certificates.models import Certificate, CertificateChange, CertificateReliance
from supervision.core.actors import SYSTEM
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.models import RobotModel
from workflows.base import N_, Context
from workflows.certificate import CERTIFICATE, ENDED, IN_FORCE, LIVE

IN_FORCE_STATES = CERTIFICATE.tagged(IN_FORCE)
ENDED_STATES = CERTIFICATE.tagged(ENDED)
OUTCOMES = ("issue", "refuse")


class CertificateError(Exception):
    """A refused certificate action; ``message`` is N_-marked and translated by the view."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message, self.params = message, params


# -- what a certificate is worth -------------------------------------------------------------

def is_valid(cert: Certificate, day: dt.date | None = None) -> bool:
    """In force on ``day`` (default today): issued or reinstated, and within its dates."""
    day = day or local_today()
    return cert.state in IN_FORCE_STATES and cert.valid_from <= day <= cert.valid_until


def of_model(model_id: int) -> list[Certificate]:
    """The model's certificates, the newest first (refusals included)."""
    return list(db.session.execute(
        db.select(Certificate).where(Certificate.model_id == model_id)
        .order_by(Certificate.valid_until.desc(), Certificate.id.desc())).scalars())


def _valid_on(day: dt.date):
    return (Certificate.state.in_(IN_FORCE_STATES), Certificate.valid_from <= day, Certificate.valid_until >= day)


def valid_models(model_ids: Iterable[int], day: dt.date | None = None) -> set[int]:
    """Of ``model_ids``, those with a valid certificate (one query)."""
    day = day or local_today()
    ids = list(model_ids)
    if not ids:
        return set()
    return set(db.session.execute(db.select(Certificate.model_id).where(
        Certificate.model_id.in_(ids), *_valid_on(day))).scalars())


def valid_condition(model_id, day: dt.date):
    """SQL: the model whose id is the column ``model_id`` holds a valid certificate on ``day``."""
    return (db.select(Certificate.id).where(Certificate.model_id == model_id, *_valid_on(day))
            .correlate_except(Certificate).exists())


@dataclass(frozen=True)
class ModelStatus:
    """What a model's certificates amount to: ``status`` is ``valid``, ``none``, ``not_yet_valid``,
    ``dates_over`` or the state of its newest certificate (suspended, withdrawn …)."""

    status: str
    certificate: Certificate | None


def status_of_model(model_id: int, day: dt.date | None = None) -> ModelStatus:
    day = day or local_today()
    certs = reads.once("certificates_of_model", model_id, lambda: of_model(model_id))
    valid = [c for c in certs if is_valid(c, day)]
    if valid:
        return ModelStatus("valid", valid[0])
    recorded = [c for c in certs if c.state != "applied"]
    if not recorded:
        return ModelStatus("none", None)
    newest = recorded[0]
    if newest.state in IN_FORCE_STATES:
        return ModelStatus("not_yet_valid" if newest.valid_from > day else "dates_over", newest)
    return ModelStatus(newest.state, newest)


# -- recording and changing ------------------------------------------------------------------

def context_for(cert: Certificate, actor, inputs: dict[str, Any] | None = None,
                day: dt.date | None = None) -> Context:
    """The lifecycle table's context: the actor's roles on this certificate and its facts."""
    roles = frozenset({"system"}) if actor is SYSTEM else body_roles(actor, cert.body_id)
    return Context(getattr(actor, "id", None), roles,
                   {"validity_over": cert.valid_until < (day or local_today())}, inputs or {})


def _apply(cert: Certificate, trigger: str, *, actor, reason: str, effective_on: dt.date,
           action: str, extra: dict[str, Any] | None = None, day: dt.date | None = None) -> CertificateChange:
    """Fire ``trigger`` on ``cert`` through the table; one change row and one audit event."""
    ctx = context_for(cert, actor, {"reason": (reason or "").strip(), "effective_on": effective_on}, day)
    from_state = cert.state
    CERTIFICATE.fire(cert, trigger, ctx)  # TransitionRefused / InvalidTrigger before any write
    cert.state_since = effective_on
    change = CertificateChange(certificate=cert, trigger=trigger, from_state=from_state, to_state=cert.state,
                               reason=(reason or "").strip(), effective_on=effective_on,
                               actor_id=None if actor is SYSTEM else actor.id)
    db.session.add(change)
    db.session.flush()
    details = {"number": cert.number, "body_id": cert.body_id, "model_id": cert.model_id,
               "effective_on": effective_on.isoformat(), **(extra or {})}
    if cert.state in ENDED_STATES:
        details["flagged_cases"] = [r.case_id for r in relied_on_by(cert)]
    record(action, actor=actor, object_type="certificate", object_id=cert.id, workflow=CERTIFICATE.name,
           workflow_version=CERTIFICATE.version, trigger=trigger, from_state=from_state,
           to_state=cert.state, reason=change.reason, details=details)
    return change


def record_certificate(*, actor, model: RobotModel, number: str, standards: str, scope: str,
                       valid_from: dt.date, valid_until: dt.date, outcome: str = "issue",
                       reason: str = "", effective_on: dt.date | None = None) -> Certificate:
    """A certifier records its body's certificate (or refusal) for ``model``; the body is always
    the certifier's own organisation."""
    if not body_roles(actor, actor.organisation_id):
        raise CertificateError(N_("Only a certification body's certifiers record certificates."))
    if outcome not in OUTCOMES:
        raise CertificateError(N_("Choose one of the listed options."))
    number = (number or "").strip()
    if not number or not (standards or "").strip() or not (scope or "").strip():
        raise CertificateError(N_("Fill in every required field."))
    if valid_until < valid_from:
        raise CertificateError(N_("The certificate cannot end before it begins."))
    taken = db.session.execute(db.select(Certificate.id).filter_by(
        body_id=actor.organisation_id, number=number)).first()
    if taken:
        raise CertificateError(N_("Your body already recorded a certificate numbered %(number)s."), number=number)
    cert = Certificate(body_id=actor.organisation_id, model_id=model.id, number=number,
                       standards=standards.strip(), scope=scope.strip(), valid_from=valid_from,
                       valid_until=valid_until, state=CERTIFICATE.initial,
                       state_since=effective_on or valid_from, created_by_id=actor.id)
    db.session.add(cert)
    db.session.flush()
    _apply(cert, outcome, actor=actor, reason=reason or "", effective_on=effective_on or valid_from,
           action="certificate.record",
           extra={"standards": cert.standards, "scope": cert.scope, "valid_from": valid_from.isoformat(),
                  "valid_until": valid_until.isoformat()})
    return cert


def change_state(cert: Certificate, trigger: str, *, actor, reason: str,
                 effective_on: dt.date | None = None) -> CertificateChange:
    """Suspend, reinstate or withdraw a certificate (the certifier of its body)."""
    return _apply(cert, trigger, actor=actor, reason=reason, effective_on=effective_on or local_today(),
                  action="certificate.change")


def expire_due(today: dt.date | None = None) -> list[int]:
    """The expiry timer: every live certificate whose validity ended before ``today`` expires,
    as the system actor.  Safe to run by several processes: each row is re-read and checked."""
    today = today or local_today()
    ids = list(db.session.execute(db.select(Certificate.id).where(
        Certificate.state.in_(LIVE), Certificate.valid_until < today).order_by(Certificate.id)).scalars())
    done = []
    for cert_id in ids:
        # The row is locked (PostgreSQL) and re-read: another process may have expired it since.
        still_live = db.session.execute(db.select(Certificate.id).where(
            Certificate.id == cert_id, Certificate.state.in_(LIVE)).with_for_update()).first()
        if still_live is None:
            continue
        cert = db.session.get(Certificate, cert_id, populate_existing=True)
        _apply(cert, "expire", actor=SYSTEM, reason="validity ended",
               effective_on=cert.valid_until + dt.timedelta(days=1), action="certificate.change", day=today)
        done.append(cert_id)
    return done


# -- reliance and flags ----------------------------------------------------------------------

def rely_on_valid(case, model_id: int) -> CertificateReliance | None:
    """Record that ``case`` relies on the model's valid certificate (when there is one)."""
    found = status_of_model(model_id)
    if found.status != "valid":
        return None
    reliance = CertificateReliance(certificate_id=found.certificate.id, case_id=case.id)
    db.session.add(reliance)
    db.session.flush()
    return reliance


def relied_on_by(cert: Certificate) -> list[CertificateReliance]:
    return list(db.session.execute(db.select(CertificateReliance).filter_by(certificate_id=cert.id)
                                   .order_by(CertificateReliance.id)).scalars())


def reliance_of(case_id: int) -> CertificateReliance | None:
    """The certificate the case relies on now: the one its latest proposal relied on."""
    return db.session.execute(db.select(CertificateReliance).filter_by(case_id=case_id)
                              .order_by(CertificateReliance.id.desc()).limit(1)).scalar()


def flags_for(case_ids: Iterable[int]) -> dict[int, Certificate]:
    """Of ``case_ids``, those whose relied-on certificate is withdrawn or expired (one query)."""
    ids = list(case_ids)
    if not ids:
        return {}
    latest = (db.select(func.max(CertificateReliance.id)).where(CertificateReliance.case_id.in_(ids))
              .group_by(CertificateReliance.case_id))
    rows = db.session.execute(
        db.select(CertificateReliance.case_id, Certificate)
        .join(Certificate, Certificate.id == CertificateReliance.certificate_id)
        .where(CertificateReliance.id.in_(latest), Certificate.state.in_(ENDED_STATES))).all()
    return {case_id: cert for case_id, cert in rows}
