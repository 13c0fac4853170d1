"""Recalls on the public register (HTML, JSON, CSV) and in its Atom feed, with how many units
are still outstanding; no holder or owner is named."""
from __future__ import annotations

from xml.etree import ElementTree as ET  # nosec B405 - parses the app's own feed

from supervision.extensions import db
from supervision.units import recalls
from tests.units.conftest import INSTALL, MANUFACTURE, REPAIRED, SELL, record, step

ATOM = "{http://www.w3.org/2005/Atom}"


def _recall(coded):
    world = coded.world
    a, b = coded.codes[0], coded.codes[1]
    record(world, [step(MANUFACTURE, a, b), step(SELL, a, b), step(INSTALL, a, b)])
    recalls.report_recall(coded.model, firm=world.firm_a, actor=world.applicant_a,
                          reason="Battery may overheat.", measures="Free battery replacement.")
    db.session.commit()
    record(world, [step(REPAIRED, a)])
    return a, b


def test_the_register_lists_recalls_in_json_html_and_csv(coded, client):
    _recall(coded)
    data = client.get("/register.json?section=recalls").get_json()
    assert data["total"] == 1
    entry = data["entries"][0]
    assert entry["model"] == "Robot X" and entry["reason"] == "Battery may overheat."
    assert entry["units_recalled"] == 2 and entry["units_outstanding"] == 1 and entry["scope"] == "model"
    assert entry["manufacturer"]["credit_code"] == coded.world.firm_a.credit_code
    page = client.get("/register/recalls", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Battery may overheat." in page and "Every unit of the model" in page
    csv = client.get("/register/recalls.csv").get_data(as_text=True)
    assert "units_outstanding" in csv.splitlines()[0] and "Free battery replacement." in csv
    assert client.get("/register.json?section=recalls&q=nothing-like-it").get_json()["total"] == 0


def test_the_feed_announces_the_recall_with_the_registration(coded, client):
    _recall(coded)
    feed = ET.fromstring(client.get("/register/feed.atom").data)  # nosec B314 - the app's own feed
    entries = {e.find(f"{ATOM}category").get("term"): e for e in feed.findall(f"{ATOM}entry")}
    assert {"recall", "registration"} <= set(entries)
    assert "Robot X" in entries["recall"].find(f"{ATOM}title").text
    assert "/register/recalls" in entries["recall"].find(f"{ATOM}link").get("href")
