"""The units endpoints: events all-or-none, the firm's own units only, the public record by code."""
from __future__ import annotations

import pytest

from supervision.extensions import db
from supervision.units import codes, services
from supervision.units.models import UnitEvent
from tests.api.conftest import bearer
from tests.cases.conftest import use_catalog
from tests.registry.conftest import fire, make_registration
from tests.units.conftest import (MANUFACTURE, SELL, SHIP, coded, english_request, state_of, step,  # noqa: F401
                                 units_change_meanwhile)

EN = {"Accept-Language": "en"}


@pytest.fixture
def b_units(coded):
    """A registered model of firm B with a batch of 2 (prefix B0B0B0 from ``coded``)."""
    world = coded.world
    reg = make_registration(world, firm=world.firm_b, actor=world.applicant_b, name="Robot B")
    fire(reg, "submit", world.applicant_b)
    for trigger, actor in (("accept", world.officer), ("start_review", world.officer),
                           ("propose_grant", world.officer), ("approve", world.approver)):
        fire(reg, trigger, actor)
    model = reg.model
    batch = services.request_batch(model, firm=world.firm_b, actor=world.applicant_b, size=2)
    db.session.commit()
    return [u.code for u in services.batch_units(batch)]


def _events(client, token, body, **headers):
    return client.post("/api/v1/events", json=body, headers=bearer(token, **EN, **headers))


def _recorded() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(UnitEvent)).scalar()


def test_events_are_recorded_all_together(client, coded, api_tokens):
    a, b = coded.codes[:2]
    r = _events(client, api_tokens.a, {"events": [step(MANUFACTURE, a, b), step(SHIP, a)]})
    assert r.status_code == 201, r.json
    assert r.json["recorded"] == 2 and len(r.json["ids"]) == 2
    assert state_of(a) == "in_distribution" and state_of(b) == "manufactured"


def test_one_bad_event_records_nothing_and_names_it(client, coded, api_tokens):
    a = coded.codes[0]
    r = _events(client, api_tokens.a, {"events": [step(MANUFACTURE, a), step(SELL, coded.codes[1])]})
    assert r.status_code == 422
    assert r.json["status"] == 422 and r.json["errors"][0]["index"] == 1
    assert r.json["errors"][0]["field"]
    assert _recorded() == 0 and state_of(a) == "code_assigned"


def test_a_retry_with_the_same_key_records_once(client, coded, api_tokens):
    body = {"events": [step(MANUFACTURE, *coded.codes)]}
    first = _events(client, api_tokens.a, body, **{"Idempotency-Key": "batch-1"})
    again = _events(client, api_tokens.a, body, **{"Idempotency-Key": "batch-1"})
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert _recorded() == 1
    other = _events(client, api_tokens.a, {"events": [step(SHIP, coded.codes[0])]}, **{"Idempotency-Key": "batch-1"})
    assert other.status_code == 422 and _recorded() == 1


def test_firm_a_cannot_act_on_firm_b_units(client, coded, b_units, api_tokens):
    r = _events(client, api_tokens.a, {"events": [step(MANUFACTURE, b_units[0])]})
    assert r.status_code == 422
    assert r.json["errors"][0]["index"] == 0 and r.json["errors"][0]["field"] == "epcList[0]"
    assert _recorded() == 0 and state_of(b_units[0]) == "code_assigned"
    assert _events(client, api_tokens.b, {"events": [step(MANUFACTURE, b_units[0])]}).status_code == 201


def test_firm_a_lists_only_its_own_units(client, coded, b_units, api_tokens):
    mine = client.get("/api/v1/units", headers=bearer(api_tokens.a_read)).json
    assert sorted(u["code"] for u in mine["units"]) == sorted(coded.codes) and mine["total"] == 5
    theirs = client.get("/api/v1/units", headers=bearer(api_tokens.b)).json
    assert sorted(u["code"] for u in theirs["units"]) == sorted(b_units)
    page = client.get("/api/v1/units?per_page=2&page=2", headers=bearer(api_tokens.a)).json
    assert len(page["units"]) == 2 and page["pages"] == 3 and "page=3" in page["next"]
    assert client.get("/api/v1/units?relation=incoming", headers=bearer(api_tokens.a)).json["total"] == 0


def test_listing_filters_by_state_and_names_a_bad_parameter(client, coded, api_tokens):
    _events(client, api_tokens.a, {"events": [step(MANUFACTURE, coded.codes[0])]})
    made = client.get("/api/v1/units?state=manufactured", headers=bearer(api_tokens.a)).json
    assert [u["code"] for u in made["units"]] == [coded.codes[0]]
    for query, name in (("state=flying", "state"), ("per_page=0", "per_page"), ("page=x", "page"),
                        ("relation=all", "relation")):
        r = client.get(f"/api/v1/units?{query}", headers=bearer(api_tokens.a, **EN))
        assert r.status_code == 400 and r.json["field"] == name and name in r.json["error"]


def test_scopes_are_enforced(client, coded, api_tokens):
    assert _events(client, api_tokens.a_read, {"events": [step(MANUFACTURE, coded.codes[0])]}).status_code == 403
    assert client.get("/api/v1/units", headers=bearer(api_tokens.revoked)).status_code == 401
    assert _recorded() == 0


@pytest.mark.parametrize("body, field", [
    ([], "events"),
    ({}, "events"),
    ({"events": "all of them"}, "events"),
    ({"events": []}, "events"),
    ({"events": [], "extra": 1}, "extra"),
    ({"events": [{"epcList": ["HZR-A1B2C3-0001-00000001-K"]}]}, "eventTime"),
    ({"events": [{"eventTime": "2026-12-01T09:30:00+08:00", "bizStep": "flying", "disposition": "active",
                  "epcList": ["x"]}]}, None),
    ({"events": [5]}, None),
])
def test_every_malformed_payload_gets_a_4xx_naming_the_field_and_records_nothing(client, coded, api_tokens,
                                                                                  body, field):
    r = _events(client, api_tokens.a, body)
    assert r.status_code == 422, r.json
    fields = [e["field"] for e in r.json["errors"]]
    assert all(fields), r.json
    if field:
        assert field in fields, r.json
    assert _recorded() == 0


def test_more_than_10000_events_are_refused(client, coded, api_tokens):
    body = {"events": [step(MANUFACTURE, coded.codes[0])] * 10_001}
    r = _events(client, api_tokens.a, body)
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "events"
    assert _recorded() == 0


def test_a_body_that_is_not_json_is_400(client, coded, api_tokens):
    r = client.post("/api/v1/events", data=b'{"events": [NaN]}', content_type="application/json",
                    headers=bearer(api_tokens.a, **EN))
    assert r.status_code == 400 and "NaN" in r.json["error"]


def test_the_public_record_needs_no_token(client, coded, api_tokens):
    _events(client, api_tokens.a, {"events": [step(MANUFACTURE, coded.codes[0])]})
    r = client.get(f"/api/v1/units/{coded.codes[0].lower()}", headers=EN)
    assert r.status_code == 200
    assert r.json["code"] == coded.codes[0] and r.json["state"] == "manufactured"
    assert len(r.json["history"]) == 1


def test_mistyped_and_never_issued_codes_get_different_answers(client, coded):
    code = coded.codes[0]
    wrong_check = code[:-1] + ("A" if code[-1] != "A" else "B")
    mistyped = client.get(f"/api/v1/units/{wrong_check}", headers=EN)
    assert mistyped.status_code == 400 and "mistyped" in mistyped.json["error"]
    assert client.get("/api/v1/units/hello", headers=EN).status_code == 400
    never = codes.CURRENT.compose("A1B2C3", code.split("-")[2], 99_999_999).text
    r = client.get(f"/api/v1/units/{never}", headers=EN)
    assert r.status_code == 404 and "never issued" in r.json["error"]


def test_unit_answers_in_chinese_and_english(client, coded, monkeypatch):
    mistyped = "This code is mistyped: its check character does not match. Check the label."
    use_catalog(monkeypatch, {mistyped: "编码有误：校验字符不符，请核对标签。"})
    wrong = coded.codes[0][:-1] + ("A" if coded.codes[0][-1] != "A" else "B")
    assert client.get(f"/api/v1/units/{wrong}", headers={"Accept-Language": "zh-CN"}).json["error"] == \
        "编码有误：校验字符不符，请核对标签。"
    assert client.get(f"/api/v1/units/{wrong}", headers={"Accept-Language": "en"}).json["error"] == mistyped


def test_a_unit_changed_meanwhile_answers_409_in_the_callers_language(client, coded, api_tokens, monkeypatch,
                                                                      units_change_meanwhile):
    message = ("A unit was changed by someone else meanwhile: nothing was recorded. "
               "Read its state again and send the events again.")
    use_catalog(monkeypatch, {message: "单元已被他人同时更改，未记录任何事件。请重新读取其状态后再次发送。"})
    body = {"events": [step(MANUFACTURE, coded.codes[0])]}
    r = _events(client, api_tokens.a, body, **{"Idempotency-Key": "race-1"})
    assert r.status_code == 409 and r.json == {"error": message, "status": 409, "request_id": r.json["request_id"]}
    zh = client.post("/api/v1/events", json=body, headers=bearer(api_tokens.a, **{"Accept-Language": "zh-CN"}))
    assert zh.status_code == 409 and zh.json["error"] == "单元已被他人同时更改，未记录任何事件。请重新读取其状态后再次发送。"
    assert _recorded() == 0 and state_of(coded.codes[0]) == "code_assigned"
    # the refusal is not kept for the key: the retry, once nobody else is changing the unit, records
    monkeypatch.undo()
    again = _events(client, api_tokens.a, body, **{"Idempotency-Key": "race-1"})
    assert again.status_code == 201 and _recorded() == 1
