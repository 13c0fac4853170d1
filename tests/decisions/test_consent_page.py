"""The firm gives and withdraws its prior written consent to electronic service on its own page
(issue 10, defect 10): documents issued meanwhile are served when they reach its inbox."""
from __future__ import annotations

import io

from supervision.decisions import delivery
from supervision.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_firm_gives_and_withdraws_its_consent(world, web):
    web.login("a@firm-a.test")
    page = web.get("/service-consent", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No consent to electronic service is on record." in page
    resp = web.post("/service-consent", {"given_on": "2026-11-02", "document": (io.BytesIO(PDF), "consent.pdf")},
                    token_from="/service-consent", content_type="multipart/form-data")
    assert resp.status_code == 303
    consent = delivery.consent_of(world.firm_a.id)
    assert consent is not None and consent.given_on.isoformat() == "2026-11-02"
    assert delivery.consent_of(world.firm_b.id) is None
    page = web.get("/service-consent", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "signed on 2026-11-02 is on record" in page
    assert web.post("/service-consent/withdraw", token_from="/service-consent").status_code == 303
    db.session.expire_all()
    assert delivery.consent_of(world.firm_a.id) is None


def test_regulators_do_not_use_the_firms_consent_page(world, web):
    web.login("officer@t.test")
    assert web.get("/service-consent").status_code in (403, 404)
