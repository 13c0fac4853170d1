"""Recording certificates and changing their state: only a certifier of the certificate's own
body, each change with its reason and date, audited; the expiry timer."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.audit.models import AuditEvent
from supervision.certificates import services
from supervision.certificates.models import Certificate, CertificateChange
from supervision.core.timeutil import local_today
from supervision.extensions import db
from tests.factories import certify
from workflows.base import TransitionRefused


def _events(action: str) -> list[AuditEvent]:
    return db.session.execute(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.seq)).scalars().all()


def test_a_certifier_records_for_their_own_body_with_an_audit_event(world, bodies, tier2):
    cert = certify(tier2.model, by=bodies.certifier, number="ZJ-1")
    db.session.commit()
    assert (cert.body_id, cert.state, cert.number) == (bodies.body.id, "issued", "ZJ-1")
    [event] = _events("certificate.record")
    assert (event.object_id, event.from_state, event.to_state, event.trigger) == (str(cert.id), "applied", "issued", "issue")
    assert event.actor_email == "cert@body.test" and event.reason == "Audit passed"
    assert [(c.from_state, c.to_state) for c in cert.changes] == [("applied", "issued")]


def test_only_certifiers_of_a_certification_body_record(world, bodies, tier2):
    for actor in (world.officer, world.applicant_a, world.admin):
        with pytest.raises(services.CertificateError):
            certify(tier2.model, by=actor)
    assert db.session.execute(db.select(Certificate)).first() is None


def test_a_certifier_cannot_change_another_bodys_certificate(world, bodies, tier2):
    cert = certify(tier2.model, by=bodies.certifier)
    with pytest.raises(TransitionRefused) as refused:
        services.change_state(cert, "withdraw", actor=bodies.other_certifier, reason="not ours")
    assert refused.value.forbidden
    db.session.commit()
    assert cert.state == "issued" and len(cert.changes) == 1 and _events("certificate.change") == []


def test_one_body_numbers_each_certificate_once(world, bodies, tier2):
    certify(tier2.model, by=bodies.certifier, number="ZJ-1")
    with pytest.raises(services.CertificateError):
        certify(tier2.model, by=bodies.certifier, number="ZJ-1")
    certify(tier2.model, by=bodies.other_certifier, number="ZJ-1")  # another body's numbering


def test_each_change_keeps_its_reason_and_date(world, bodies, tier2):
    cert = certify(tier2.model, by=bodies.certifier)
    day = local_today() - dt.timedelta(days=2)
    services.change_state(cert, "suspend", actor=bodies.certifier, reason="Label mismatch", effective_on=day)
    services.change_state(cert, "reinstate", actor=bodies.certifier, reason="Remedied")
    db.session.commit()
    rows = db.session.execute(db.select(CertificateChange).order_by(CertificateChange.id)).scalars().all()
    assert [(r.to_state, r.reason) for r in rows] == [("issued", "Audit passed"), ("suspended", "Label mismatch"),
                                                       ("reinstated", "Remedied")]
    assert rows[1].effective_on == day and cert.state_since == local_today()
    assert [e.to_state for e in _events("certificate.change")] == ["suspended", "reinstated"]


def test_the_timer_expires_certificates_past_their_dates_as_the_system(world, bodies, tier2, app):
    old = certify(tier2.model, by=bodies.certifier, number="OLD", valid_from=local_today() - dt.timedelta(days=400),
                  valid_until=local_today() - dt.timedelta(days=1))
    current = certify(tier2.model, by=bodies.certifier, number="NEW")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "expire"])
    assert result.exit_code == 0 and "1 certificates expired" in result.output
    db.session.expire_all()
    assert (db.session.get(Certificate, old.id).state, db.session.get(Certificate, current.id).state) == (
        "expired", "issued")
    [event] = _events("certificate.change")
    assert (event.actor_email, event.to_state) == ("system", "expired")
    assert runner.invoke(args=["certificates", "expire"]).output.startswith("0 certificates")


def test_a_model_status_names_what_is_wrong(world, bodies, tier2):
    model_id = tier2.model_id
    assert services.status_of_model(model_id).status == "none"
    later = certify(tier2.model, by=bodies.certifier, valid_from=local_today() + dt.timedelta(days=5))
    assert services.status_of_model(model_id).status == "not_yet_valid"
    services.change_state(later, "withdraw", actor=bodies.certifier, reason="error")
    assert services.status_of_model(model_id).status == "withdrawn"
    cert = certify(tier2.model, by=bodies.certifier)
    assert services.status_of_model(model_id) == services.ModelStatus("valid", cert)
    services.change_state(cert, "suspend", actor=bodies.certifier, reason="audit")
    assert services.status_of_model(model_id).status == "suspended"
