"""The public register's additions: the certificates section, a CSV of every section (formula
cells neutralised) and the Atom feed of announcements — with nothing confidential on any."""
from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree as ET

import pytest

from supervision.certificates import services
from supervision.extensions import db
from supervision.public.csvout import neutralise
from tests.factories import certify
from tests.registry.conftest import BASE, fire, make_registration, to_registered

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "CONFIDENTIAL-7731"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _rows(resp) -> list[dict]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("GB 4943.1-2022", "GB 4943.1-2022"), ("", ""), (None, ""), (7, "7")])
def test_formula_cells_are_neutralised(value, cell):
    assert neutralise(value) == cell


def test_the_certificates_section_lists_public_facts_only(world, bodies, tier2, client):
    cert = certify(tier2.model, by=bodies.certifier, number="ZJ-PUB-1", reason=f"issued {SECRET}")
    services.change_state(cert, "suspend", actor=bodies.certifier, reason=f"nonconformity {SECRET}")
    certify(tier2.model, by=bodies.certifier, number="ZJ-REFUSED", outcome="refuse", reason=f"failed {SECRET}")
    db.session.commit()
    data = client.get("/register.json?section=certificates").get_json()
    [entry] = data["entries"]
    assert set(entry) == {"number", "body", "model", "firm", "standards", "scope", "valid_from", "valid_until",
                          "status", "status_since"}
    assert (entry["number"], entry["status"], entry["model"]) == ("ZJ-PUB-1", "suspended", "Guide G2")
    page = client.get("/register/certificates").get_data(as_text=True)
    assert "ZJ-PUB-1" in page and "Certificate suspended" in page and "ZJ-REFUSED" not in page
    for body in (str(data), page, client.get("/register/certificates.csv").get_data(as_text=True)):
        assert SECRET not in body and "cert@body.test" not in body
    assert client.get("/register.json?section=certificates&status=refused").status_code == 400


def test_every_section_downloads_as_csv_with_formulas_neutralised(world, bodies, tier2, client):
    certify(tier2.model, by=bodies.certifier, number="=HYPERLINK(\"http://evil\")", standards="+cmd|' /C calc'!A0",
            scope="@SUM(1)")
    reg = make_registration(world, BASE, name="-Arm A1")
    to_registered(world, reg)
    db.session.commit()
    [row] = _rows(client.get("/register/certificates.csv"))
    assert row["number"] == "'=HYPERLINK(\"http://evil\")" and row["standards"].startswith("'+cmd")
    assert row["scope"] == "'@SUM(1)" and row["firm.credit_code"] == world.firm_a.credit_code
    [registered] = _rows(client.get("/register/registered.csv"))
    assert registered["model"] == "'-Arm A1" and registered["status"] == "registered"
    assert client.get("/register/nothing.csv").status_code == 404
    assert client.get("/register/certificates.csv?status=bogus").status_code == 400


def _suspended(world, name: str):
    reg = make_registration(world, BASE, name=name)
    to_registered(world, reg)
    fire(reg, "notice_suspension", world.officer, reason=f"intended {SECRET}", evidence=f"evidence {SECRET}")
    fire(reg, "file_statement", world.applicant_a, comment=f"defence {SECRET}")
    fire(reg, "propose_suspension", world.officer, reason=f"proposal {SECRET}", defence_reply=f"reply {SECRET}")
    fire(reg, "approve_suspension", world.approver)
    return reg


def test_the_atom_feed_is_valid_and_announces_registrations_and_suspensions(world, client):
    registered = make_registration(world, BASE, name="Arm A1")
    to_registered(world, registered)
    _suspended(world, "Arm A6")
    db.session.commit()
    resp = client.get("/register/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    body = resp.get_data()
    assert body.startswith(b"<?xml") and SECRET.encode() not in body
    feed = ET.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/register/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    for e in entries:
        assert RFC3339.match(e.find(f"{ATOM}updated").text)
        assert e.find(f"{ATOM}title").text and e.find(f"{ATOM}link").get("href").startswith("http")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0] == "Suspended: Arm A6"
    assert titles.count("Registered: Arm A6") == 1 and "Registered: Arm A1" in titles
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    assert [e.find(f"{ATOM}category").get("term") for e in entries][:1] == ["suspension"]
    assert client.get("/register/feed.atom").get_data() == body  # stable ids and times


def test_nothing_confidential_reaches_the_register(world, bodies, client):
    """Reasons, defences, objectors and people never appear on any register page, JSON, CSV or
    the feed."""
    _suspended(world, "Arm A8")
    cert = certify(make_registration(world, name="Guide G5").model, by=bodies.certifier,
                   reason=f"issued {SECRET}")
    services.change_state(cert, "withdraw", actor=bodies.certifier, reason=f"withdrawn {SECRET}")
    db.session.commit()
    urls = ["/register", "/register/feed.atom", "/register/certificates", "/register/certificates.csv",
            "/register.json?section=certificates"]
    for section in ("registered", "public_notice", "suspended_or_ended"):
        urls += [f"/register/{section}", f"/register/{section}.csv", f"/register.json?section={section}"]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert SECRET not in body, url
        for email in ("officer@t.test", "approver@t.test", "a@firm-a.test", "cert@body.test"):
            assert email not in body, (url, email)


def test_a_dropped_intended_action_announces_nothing(world, client):
    reg = make_registration(world, BASE, name="Arm A9")
    to_registered(world, reg)
    fire(reg, "notice_suspension", world.officer, reason="intended", evidence="the report log")
    fire(reg, "drop_action", world.officer, reason="remedied")
    db.session.commit()
    feed = ET.fromstring(client.get("/register/feed.atom").get_data())
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Registered: Arm A9"]
