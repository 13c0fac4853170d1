"""The unit pages as people use them: the public page behind the QR code, the label sheet (drawn,
rendered to PNG and its QR decoded), the event form and CSV upload, the regulators' search with
logged location views, and the administrators' prefixes."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from supervision.audit.models import AuditEvent
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units import codes
from supervision.units.models import UnitEvent, UnitEventLocation
from tests.units.conftest import MANUFACTURE, SELL, record, state_of, step


@pytest.fixture(autouse=True)
def english_pages(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_public_page_mistyped_not_issued_and_found(coded, client):
    c = coded.codes[0]
    record(coded.world, [step(MANUFACTURE, c, bizLocation={"address": "Room 5, 1 Secret Road"}), step(SELL, c)])
    mistyped = c[:-1] + ("K" if c[-1] != "K" else "L")
    r = client.get(f"/units/{mistyped}")
    assert r.status_code == 400 and "mistyped" in r.get_data(as_text=True)
    not_issued = codes.RULE_V1.compose("A1B2C3", "0001", 999).text
    r = client.get(f"/units/{not_issued}")
    assert r.status_code == 404 and "never issued" in r.get_data(as_text=True)
    assert client.get("/units/hello").status_code == 400
    r = client.get(f"/units/{c.lower()}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Sold" in html and "Robot X" in html and "Manufactured" in html
    assert "Secret Road" not in html


def test_check_a_robot_form_leads_to_the_page(client):
    r = client.get("/units?code=HZR-A1B2C3-0001-00000001-*")
    assert r.status_code == 303 and r.headers["Location"].endswith("/units/HZR-A1B2C3-0001-00000001-*")


def test_label_sheet_shows_qr_codes_that_lead_to_the_public_page(coded, web, app, tmp_path):
    web.login("a@firm-a.test")
    r = web.get(f"/units/batches/{coded.batch.id}/labels.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(r.data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    assert shutil.which("zbarimg"), "zbarimg (Debian zbar-tools) decodes the QR codes"
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert sorted(out) == sorted(f"{base}/units/{c}" for c in coded.codes)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert all(c in text for c in coded.codes)
    csv_text = web.get(f"/units/batches/{coded.batch.id}/codes.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith(coded.codes[0] + ",1,Robot X,")


def test_another_firm_cannot_see_the_batch_or_its_units(coded, web):
    web.login("b@firm-b.test")
    assert web.get(f"/units/batches/{coded.batch.id}").status_code == 404
    assert web.get(f"/units/batches/{coded.batch.id}/labels.pdf").status_code == 404
    assert web.get(f"/units/u/{coded.codes[0]}").status_code == 404


def test_request_codes_and_record_an_event_with_the_form(coded, web):
    web.login("a@firm-a.test")
    r = web.post("/units/batches", {"model_id": coded.model.id, "size": 2}, token_from="/units/mine")
    assert r.status_code == 303 and "/units/batches/" in r.headers["Location"]
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert "HZR-A1B2C3-0001-00000006-" in page
    data = {"codes": "\n".join(coded.codes[:2]), "step": "commissioning/active", "event_time": "2026-12-01T09:30",
            "offset": "+08:00", "address": "geo:30.2741,120.1551"}
    r = web.post("/units/events/new", data, token_from="/units/events/new")
    assert r.status_code == 303
    assert state_of(coded.codes[0]) == state_of(coded.codes[1]) == "manufactured"
    assert db.session.execute(db.select(db.func.count(UnitEventLocation.event_id))).scalar() == 1
    r = web.post("/units/events/new", {**data, "step": "commissioning/active"}, token_from="/units/events/new")
    assert r.status_code == 422 and "cannot be reported" in r.get_data(as_text=True)


def test_csv_wrong_on_its_last_row_records_nothing_and_reports_the_row(coded, web):
    web.login("a@firm-a.test")
    rows = ["code,eventTime,bizStep,disposition,address"]
    rows += [f"{c},2026-12-01T09:30:00+08:00,commissioning,active,Plant 1" for c in coded.codes]
    rows.append(f"{coded.codes[0]},2026-12-01T10:30:00+08:00,retail_selling,retail_sold_typo,")
    body = ("\n".join(rows) + "\n").encode()
    r = web.post("/units/events/upload", {"file": (io.BytesIO(body), "events.csv")}, token_from="/units/events/upload",
                 content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Nothing was recorded" in html
    assert "<td>7</td>" in html and "disposition" in html
    assert db.session.execute(db.select(db.func.count(UnitEvent.id))).scalar() == 0
    fixed = body.replace(b"retail_sold_typo", b"retail_sold")
    r = web.post("/units/events/upload", {"file": (io.BytesIO(fixed), "events.csv")}, token_from="/units/events/upload",
                 content_type="multipart/form-data")
    assert r.status_code == 303
    assert state_of(coded.codes[0]) == "sold"


def test_a_regulator_finds_a_unit_and_each_view_of_its_locations_is_logged(coded, web):
    record(coded.world, [step(MANUFACTURE, coded.codes[0], bizLocation={"address": "Binjiang plant"})])
    web.login("officer@t.test")
    html = web.get("/regulator/units?firm=Firm+A&state=manufactured").get_data(as_text=True)
    assert coded.codes[0] in html and coded.codes[1] not in html
    history = web.get(f"/regulator/units/{coded.codes[0]}").get_data(as_text=True)
    assert "Manufactured" in history and "Binjiang plant" not in history
    where = web.get(f"/regulator/units/{coded.codes[0]}/locations").get_data(as_text=True)
    assert "Binjiang plant" in where
    viewed = db.session.execute(db.select(AuditEvent).filter_by(action="units.location_viewed")).scalars().all()
    assert len(viewed) == 1 and viewed[0].actor_id == coded.world.officer.id
    assert coded.codes[0] in web.get("/regulator/units?area=Binjiang").get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "units.locations_searched")).scalar() == 1


def test_firms_cannot_use_the_regulator_search(coded, web):
    web.login("a@firm-a.test")
    assert web.get("/regulator/units").status_code == 403


def test_administrators_assign_prefixes(world, web):
    web.login("admin@t.test")
    r = web.post("/admin/unit-prefixes", {"firm_id": world.firm_a.id, "prefix": "zz0001"},
                 token_from="/admin/unit-prefixes")
    assert r.status_code == 303
    assert "ZZ0001" in web.get("/admin/unit-prefixes").get_data(as_text=True)


def test_locations_are_purged_after_the_retention_period(coded, app):
    import datetime as dt

    from supervision.units import retention
    from supervision.units.ledger import verify_ledger

    record(coded.world, [step(MANUFACTURE, coded.codes[0], bizLocation={"address": "Plant"})])
    later = utcnow() + dt.timedelta(days=app.config["UNIT_LOCATION_RETENTION_DAYS"] + 1)
    assert retention.purge(now=later) == 1
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(UnitEventLocation.event_id))).scalar() == 0
    assert verify_ledger().ok


def test_a_large_batch_gets_its_label_sheet_from_a_background_job(coded, web, app, tmp_path, monkeypatch):
    from supervision.jobs import runners

    monkeypatch.setitem(app.config, "LABEL_SHEET_INLINE_MAX", 30)
    monkeypatch.setitem(app.config, "LABEL_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    web.login("a@firm-a.test")
    r = web.post("/units/batches", {"model_id": coded.model.id, "size": 50}, token_from="/units/mine")
    batch_url = r.headers["Location"]
    assert runners.drain(app, 120)
    page = web.get(batch_url).get_data(as_text=True)
    assert "labels.pdf" in page
    pdf = web.get(batch_url + "/labels.pdf")
    assert pdf.status_code == 200
    (tmp_path / "sheet.pdf").write_bytes(pdf.data)
    pdf.close()
    info = subprocess.run(["pdfinfo", str(tmp_path / "sheet.pdf")], capture_output=True, text=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    assert pages == "3"  # 50 labels, 24 a page
