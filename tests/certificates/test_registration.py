"""Registration relies on certificates: a tier-2+ grant is proposed only on a valid certificate
that a certification body recorded for the model (the guard names what is missing), and a
certificate that is later withdrawn or expires flags the registrations that relied on it."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.certificates import services
from supervision.certificates.models import CertificateReliance
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry.case_type import snapshot
from tests.factories import certify
from tests.registry.conftest import BASE, fire, make_registration, state, to_review

PREFIX = "Tier 2 and above need a valid certificate recorded by a certification body for this model: "


def refusal(reg, actor) -> list[str]:
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "propose_grant", actor)
    return refused.value.reasons


def test_the_guard_names_what_is_missing(world, bodies, tier2):
    assert refusal(tier2, world.officer) == [PREFIX + "none is recorded."]
    other = make_registration(world, name="Other model")
    certify(other.model, by=bodies.certifier)            # another model's certificate does not count
    assert refusal(tier2, world.officer) == [PREFIX + "none is recorded."]
    cert = certify(tier2.model, by=bodies.certifier)
    services.change_state(cert, "suspend", actor=bodies.certifier, reason="audit")
    assert refusal(tier2, world.officer) == [PREFIX + "its certificate is suspended."]
    services.change_state(cert, "withdraw", actor=bodies.certifier, reason="audit failed")
    assert refusal(tier2, world.officer) == [PREFIX + "its certificate was withdrawn."]
    certify(tier2.model, by=bodies.certifier, outcome="refuse", number="R-1")
    assert refusal(tier2, world.officer) == [PREFIX + "certification was refused."]
    certify(tier2.model, by=bodies.certifier, number="LATER", valid_from=local_today() + dt.timedelta(days=3))
    assert refusal(tier2, world.officer) == [PREFIX + "its certificate is not yet in force."]


def test_a_valid_certificate_lets_the_grant_be_proposed_and_is_relied_on(world, bodies, tier2):
    cert = certify(tier2.model, by=bodies.certifier, number="ZJ-7")
    fire(tier2, "propose_grant", world.officer)
    assert state(tier2.case_id) == "decision_proposed"
    [reliance] = db.session.execute(db.select(CertificateReliance)).scalars().all()
    assert (reliance.certificate_id, reliance.case_id) == (cert.id, tier2.case_id)
    assert snapshot(tier2.case)["certificate"]["number"] == "ZJ-7"


def test_tier_1_needs_no_certificate(world, bodies):
    reg = make_registration(world, BASE, name="Arm A1")
    to_review(world, reg)
    fire(reg, "propose_grant", world.officer)
    assert state(reg.case_id) == "decision_proposed"


def _flags_on_the_list(web, case_id) -> str:
    page = web.get("/cases").get_data(as_text=True)
    row = re.search(rf'<tr[^>]*data-case="{case_id}".*?</tr>', page, re.S).group(0)
    return " ".join(re.findall(r'class="badge case-flag">([^<]*)<', row))


def test_a_withdrawn_certificate_flags_the_registration_on_the_list_and_case_page(world, bodies, tier2, web):
    cert = certify(tier2.model, by=bodies.certifier, number="ZJ-8")
    fire(tier2, "propose_grant", world.officer)
    untouched = make_registration(world, BASE, name="Arm A2")
    to_review(world, untouched)
    db.session.commit()
    web.login(world.officer.email)
    assert _flags_on_the_list(web, tier2.case_id) == ""
    assert 'id="certificate-flag"' not in web.get(f"/cases/{tier2.case_id}").get_data(as_text=True)

    services.change_state(cert, "withdraw", actor=bodies.certifier, reason="Serious nonconformity")
    db.session.commit()
    assert _flags_on_the_list(web, tier2.case_id) == "Certificate withdrawn"
    assert _flags_on_the_list(web, untouched.case_id) == ""
    page = web.get(f"/cases/{tier2.case_id}").get_data(as_text=True)
    assert 'id="certificate-flag"' in page and "ZJ-8" in page
    event = db.session.execute(db.select(AuditEvent).filter_by(to_state="withdrawn")).scalar_one()
    assert json.loads(event.details)["flagged_cases"] == [tier2.case_id]


def test_an_expired_certificate_flags_the_registration(world, bodies, tier2, web):
    certify(tier2.model, by=bodies.certifier, number="ZJ-9", valid_until=local_today())
    fire(tier2, "propose_grant", world.officer)
    services.expire_due(today=local_today() + dt.timedelta(days=1))
    db.session.commit()
    web.login(world.officer.email)
    assert _flags_on_the_list(web, tier2.case_id) == "Certificate expired"
    assert 'id="certificate-flag"' in web.get(f"/cases/{tier2.case_id}").get_data(as_text=True)
