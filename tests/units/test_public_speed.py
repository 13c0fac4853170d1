"""The public page of a unit and its JSON twin stay cheap (issue 11, "Benchmarks"): a fixed, small
number of statements whatever the history, no cookie for a visitor, an ETag answered with 304,
and a cached answer that changes with every change the page shows."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from supervision.extensions import db
from supervision.public import caching
from supervision.units import recalls
from tests.registry.conftest import fire
from tests.units.conftest import INSTALL, MANUFACTURE, MAINTAIN, SELL, SHIP, record, step

EN = {"Accept-Language": "en"}
# The unit row, its history, the certificate and sandbox providers; and the data version that
# keys the public-page cache (run on the driver, counted by wrapping it).
MAX_STATEMENTS = 5


@contextlib.contextmanager
def counted(monkeypatch):
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args):
        seen.append(statement)

    version = caching.data_version

    def counted_version() -> str:
        seen.append("data_version")
        return version()

    monkeypatch.setattr(caching, "data_version", counted_version)
    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
        monkeypatch.undo()


@pytest.mark.parametrize("prefix", ["/units/", "/api/v1/units/"])
def test_the_public_record_takes_a_fixed_number_of_statements_whatever_its_history(coded, client, monkeypatch,
                                                                                   prefix):
    short, long = coded.codes[0], coded.codes[1]
    record(coded.world, [step(MANUFACTURE, short)])
    record(coded.world, [step(MANUFACTURE, long), step(SHIP, long), step(SELL, long), step(INSTALL, long),
                         step(MAINTAIN, long)])
    counts = []
    for code in (short, long):
        with counted(monkeypatch) as seen:
            resp = client.get(prefix + code, headers=EN)
        assert resp.status_code == 200 and code in resp.get_data(as_text=True)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= MAX_STATEMENTS, counts


@pytest.mark.parametrize("prefix", ["/units/", "/api/v1/units/"])
def test_a_visitor_gets_no_cookie_and_a_repeated_request_is_answered_304_with_one_statement(
        coded, client, monkeypatch, prefix):
    code = coded.codes[0]
    first = client.get(prefix + code, headers=EN)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert first.headers["ETag"] and first.headers["Cache-Control"] == "public, no-cache"
    with counted(monkeypatch) as seen:
        again = client.get(prefix + code, headers={**EN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b"" and seen == ["data_version"]
    chinese = client.get(prefix + code, headers={"Accept-Language": "zh-CN"})
    assert chinese.headers["ETag"] != first.headers["ETag"]


def _suspend(world, model):
    from supervision.units.services import registration_of_model

    reg, _case = registration_of_model(model)
    fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="Records")
    fire(reg, "file_statement", world.applicant_a, comment="An oversight.")
    fire(reg, "propose_suspension", world.officer, reason="Not justified.", defence_reply="Not accepted.")
    fire(reg, "approve_suspension", world.approver)
    db.session.commit()


def test_the_cached_record_changes_with_a_new_event_a_recall_and_a_suspension(coded, client, page_cache):
    world, code = coded.world, coded.codes[0]
    record(world, [step(MANUFACTURE, code, bizLocation={"address": "Room 5, 1 Secret Road"})])

    def both() -> tuple[str, dict]:
        return (client.get(f"/units/{code}", headers=EN).get_data(as_text=True),
                client.get(f"/api/v1/units/{code}", headers=EN).get_json())

    page, data = both()
    assert both() == (page, data)  # served again, from the cache
    assert [h["step"] for h in data["history"]] == ["manufacture"] and "Secret Road" not in page

    record(world, [step(SELL, code), step(INSTALL, code)])
    page, data = both()
    assert data["state"] == "in_service" and "In service" in page
    assert len(data["history"]) == 3 and data["history"][-1]["step"] == "put_in_service"

    recalls.report_recall(coded.model, firm=world.firm_a, actor=world.applicant_a,
                          reason="Battery may overheat.", measures="Free battery replacement.")
    db.session.commit()
    page, data = both()
    assert data["recall"]["open"] and "Battery may overheat." in page and data["state"] == "recalled"

    assert data["registration"]["status"] == "registered"
    _suspend(world, coded.model)
    page, data = both()
    assert data["registration"]["status"] == "suspended" and "Suspended" in page
    for text in (page, str(data)):
        assert "Secret Road" not in text and "Room 5" not in text
