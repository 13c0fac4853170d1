"""Who reported an event (EPCIS "who"): the token's firm, recorded with the event and shown with
the channel on the regulators' and the firm's unit pages — never on the public page."""
from __future__ import annotations

from supervision.extensions import db
from supervision.units.models import UnitEvent
from tests.api.conftest import bearer
from tests.cases.conftest import sign_in
from tests.units.conftest import MANUFACTURE, SELL, coded, english_request, record, step  # noqa: F401


def test_an_api_event_names_the_tokens_firm_as_reporter_and_the_pages_show_it(app, client, web, coded, api_tokens):
    world = coded.world
    a = coded.codes[0]
    r = client.post("/api/v1/events", json={"events": [step(MANUFACTURE, a)]},
                    headers=bearer(api_tokens.a, **{"Accept-Language": "en"}))
    assert r.status_code == 201, r.json
    record(world, [step(SELL, a)])  # then a form submission by the same firm
    event = db.session.execute(db.select(UnitEvent).order_by(UnitEvent.id)).scalars().first()
    assert event.reporter_id == world.firm_a.id and event.document["reporter"] == world.firm_a.credit_code
    sign_in(web, "officer@t.test")
    page = web.get(f"/regulator/units/{a}").get_data(as_text=True)
    assert page.count(world.firm_a.credit_code) >= 2 and "API" in page and "Form" in page
    public = client.get(f"/units/{a}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Reported by" not in public and "API" not in public
    assert "reporter" not in client.get(f"/api/v1/units/{a}").get_json()["history"][0]
