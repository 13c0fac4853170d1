"""What certifiers, regulators and firms see and do on the certificates pages."""
from __future__ import annotations

import datetime as dt

from supervision.certificates.models import Certificate
from supervision.core.timeutil import local_today
from supervision.extensions import db
from tests.factories import certify
from tests.registry.conftest import make_registration


def _record_form(model_id: int, **over) -> dict:
    today = local_today()
    form = {"model_id": str(model_id), "number": "ZJ-2026-01", "standards": "GB 4943.1-2022",
            "scope": "Design and manufacture", "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=365)).isoformat(), "outcome": "issue",
            "reason": "Audit passed"}
    form.update(over)
    return form


def test_the_certifier_lands_on_their_certificates_and_records_one(world, bodies, tier2, web):
    web.login("cert@body.test")
    assert web.get("/home").headers["Location"].endswith("/certificates/")
    resp = web.post("/certificates/new", _record_form(tier2.model_id), token_from="/certificates/new")
    assert resp.status_code == 303
    cert = db.session.execute(db.select(Certificate)).scalar_one()
    assert (cert.body_id, cert.model_id, cert.state) == (bodies.body.id, tier2.model_id, "issued")
    page = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "ZJ-2026-01" in page and "Valid today." in page and 'id="change-form"' in page


def test_a_refused_record_says_why_and_writes_nothing(world, bodies, tier2, web):
    web.login("cert@body.test")
    today = local_today()
    resp = web.post("/certificates/new", _record_form(tier2.model_id, valid_until=(today - dt.timedelta(days=1)).isoformat()),
                    token_from="/certificates/new")
    assert resp.status_code == 422 and "The certificate cannot end before it begins." in resp.get_data(as_text=True)
    assert db.session.execute(db.select(Certificate)).first() is None


def test_a_certifier_sees_only_their_bodys_certificates_and_cannot_change_others(world, bodies, tier2, web):
    ours = certify(tier2.model, by=bodies.certifier, number="OURS-1")
    theirs = certify(tier2.model, by=bodies.other_certifier, number="THEIRS-1")
    db.session.commit()
    web.login("cert@body.test")
    listing = web.get("/certificates/").get_data(as_text=True)
    assert "OURS-1" in listing and "THEIRS-1" not in listing
    assert web.get(f"/certificates/{theirs.id}").status_code == 403
    resp = web.post(f"/certificates/{theirs.id}/change", {"trigger": "withdraw", "reason": "x",
                                                          "effective_on": local_today().isoformat()},
                    token_from=f"/certificates/{ours.id}")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Certificate, theirs.id).state == "issued"


def test_the_certifier_changes_the_state_with_reason_and_date(world, bodies, tier2, web):
    cert = certify(tier2.model, by=bodies.certifier)
    db.session.commit()
    web.login("cert@body.test")
    url = f"/certificates/{cert.id}"
    resp = web.post(f"{url}/change", {"trigger": "suspend", "reason": "Label mismatch found in audit",
                                      "effective_on": local_today().isoformat()}, token_from=url)
    assert resp.status_code == 303
    page = web.get(url).get_data(as_text=True)
    assert "Label mismatch found in audit" in page and 'id="certificate-state">Certificate suspended' in page
    resp = web.post(f"{url}/change", {"trigger": "suspend", "reason": "again", "effective_on": local_today().isoformat()},
                    token_from=url)
    assert resp.status_code == 422  # only reinstate and withdraw are offered now
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).state == "suspended"


def test_regulators_search_every_certificate(world, bodies, tier2, web):
    certify(tier2.model, by=bodies.certifier, number="ZJ-A")
    other = make_registration(world, name="Cargo C3", firm=world.firm_b, actor=world.applicant_b)
    certify(other.model, by=bodies.other_certifier, number="SH-B")
    db.session.commit()
    web.login(world.officer.email)
    both = web.get("/certificates/").get_data(as_text=True)
    assert "ZJ-A" in both and "SH-B" in both
    found = web.get("/certificates/?q=Cargo").get_data(as_text=True)
    assert "SH-B" in found and "ZJ-A" not in found
    assert web.get("/certificates/new").status_code == 403


def test_a_firm_sees_its_own_models_certificates_only(world, bodies, tier2, web):
    mine = certify(tier2.model, by=bodies.certifier, number="MINE-1")
    other = make_registration(world, name="Cargo C3", firm=world.firm_b, actor=world.applicant_b)
    theirs = certify(other.model, by=bodies.certifier, number="FIRM-B-1")
    db.session.commit()
    web.login(world.applicant_a.email)
    listing = web.get("/certificates/").get_data(as_text=True)
    assert "MINE-1" in listing and "FIRM-B-1" not in listing
    assert web.get(f"/certificates/{mine.id}").status_code == 200
    assert web.get(f"/certificates/{theirs.id}").status_code == 404
    assert 'id="change-form"' not in web.get(f"/certificates/{mine.id}").get_data(as_text=True)
