"""The sandbox's API: geometry validation answers, positions with per-record rejections,
breaches by kind and episodes, firm isolation, the ledger's seals."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from supervision.api.models import SCOPES
from supervision.api import tokens
from supervision.audit.models import AuditEvent
from supervision.cases.services import fire
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.geo import services as zones
from supervision.notifications.models import InboxItem
from supervision.sandbox import fences
from supervision.sandbox.models import BreachEpisode, Position, PositionSeal
from tests.sandbox.conftest import SQUARE

INSIDE, OUTSIDE = (120.15, 30.25), (120.35, 30.25)


@pytest.fixture
def keys(world):
    _t, a = tokens.create_token(world.firm_a, actor=world.applicant_a, name="A", scopes=list(SCOPES))
    _t, b = tokens.create_token(world.firm_b, actor=world.applicant_b, name="B", scopes=list(SCOPES))
    _t, a_units = tokens.create_token(world.firm_a, actor=world.applicant_a, name="A-read", scopes=["units:read"])
    db.session.commit()
    return {"a": a, "b": b, "a_units": a_units}


def post(client, path, body, secret, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en",
                                                 "Content-Type": "application/json", **headers})


# -- geometry ------------------------------------------------------------------------------


def test_validate_without_a_valid_token_answers_401(client, keys):
    assert client.post("/api/v1/geofences/validate", json=SQUARE).status_code == 401
    assert post(client, "/api/v1/geofences/validate", SQUARE, "nope").status_code == 401
    assert post(client, "/api/v1/geofences/validate", SQUARE, keys["a_units"]).status_code == 403


def test_validate_accepts_a_clockwise_square_and_answers_one_multipolygon(client, keys):
    clockwise = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[120.1, 30.2], [120.1, 30.3], [120.2, 30.3], [120.2, 30.2], [120.1, 30.2]]]}}
    resp = post(client, "/api/v1/geofences/validate", clockwise, keys["a"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["valid"] is True and body["geometry"]["type"] == "MultiPolygon"
    ring = body["geometry"]["coordinates"][0][0]
    assert sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) > 0


@pytest.mark.parametrize("geometry, path, words", [
    ({"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0]]]}, "/coordinates/0", "not closed"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "/coordinates/0", "at least four"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [0, 95], [1, 1], [0, 0]]]}, "/coordinates/0/1", "out of range"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "/coordinates",
     "Self-intersection[0.5 0.5]"),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "/type", "only Polygon or MultiPolygon"),
    ({"type": "Polygon", "crs": {"type": "name"}, "coordinates": SQUARE["coordinates"]}, "/crs", "crs"),
    ({"type": "Polygon", "coordinates": [[[0, 0]] * 100_001]}, "/", "More than 100,000 vertices."),
    ({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]] * 1001}, "/", "More than 1,000 polygons."),
])
def test_validate_refuses_each_bad_geometry_with_422_path_and_message(client, keys, geometry, path, words):
    resp = post(client, "/api/v1/geofences/validate", geometry, keys["a"])
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["valid"] is False
    assert any(e["path"] == path and words in e["message"] for e in body["errors"]), body


@pytest.mark.parametrize("text", ['{"type": "Polygon", "coordinates": [[[NaN, 0]]]}', '{"a": Infinity}',
                                  '{"a": 1e400}', '{"type": "Polygon", "type": "Point"}', '{"a": '])
def test_validate_refuses_what_is_not_strict_json_with_400(client, keys, text):
    resp = post(client, "/api/v1/geofences/validate", text, keys["a"])
    assert resp.status_code == 400 and resp.get_json()["status"] == 400


def test_a_body_over_2_mib_is_refused_413_before_parsing_even_500000_vertices(client, keys):
    body = json.dumps({"type": "Polygon", "coordinates": [[[120 + i * 1e-6, 30.0] for i in range(500_000)]]})
    assert len(body) > 2 * 1024 * 1024
    start = time.perf_counter()
    resp = post(client, "/api/v1/geofences/validate", body, keys["a"])
    assert resp.status_code == 413 and resp.get_json()["status"] == 413
    assert time.perf_counter() - start < 0.5


# -- positions -----------------------------------------------------------------------------


def _at(minutes: int = 0) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10 - minutes)).isoformat()


def _pos(unit, where, minutes=0):
    return {"unit": unit, "time": _at(minutes), "lon": where[0], "lat": where[1]}


def test_positions_inside_are_accepted_outside_open_one_episode_closed_when_back(client, world, keys, running):
    unit = running.unit_codes[0]
    resp = post(client, "/api/v1/sandbox/positions", {"positions": [
        _pos(unit, INSIDE, 0), _pos(unit, OUTSIDE, 1), _pos(unit, OUTSIDE, 2), _pos(unit, OUTSIDE, 3)]}, keys["a"])
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["accepted"] == 4 and body["rejected"] == []
    assert [(b["index"], b["kind"]) for b in body["breaches"]] == [(1, "outside_area"), (2, "outside_area"),
                                                                  (3, "outside_area")]
    assert len({b["episode"] for b in body["breaches"]}) == 1  # one episode, not three alerts
    again = post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit, OUTSIDE, 4), _pos(unit, INSIDE, 5)]},
                 keys["a"]).get_json()
    assert again["breaches"][0]["episode"] == body["breaches"][0]["episode"]
    db.session.expire_all()
    episode = db.session.execute(db.select(BreachEpisode)).scalar_one()
    assert episode.count == 4 and episode.closed_at is not None
    # Notified once, to the officer and the firm.
    told = db.session.execute(db.select(InboxItem.user_id).where(InboxItem.rule.like("sandbox_breach%"))).scalars()
    assert sorted(told) == sorted([world.officer.id, world.applicant_a.id])


def test_prohibited_zone_and_outside_period_breaches(client, world, keys, running):
    unit = running.unit_codes[0]
    zone = {"type": "Polygon", "coordinates": [[[120.14, 30.24], [120.16, 30.24], [120.16, 30.26],
                                               [120.14, 30.26], [120.14, 30.24]]]}
    zones.create_zone(name="School", geojson=zone, valid_from=utcnow() - dt.timedelta(days=1), valid_to=None,
                      actor=world.officer)
    db.session.commit()
    body = post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit, INSIDE)]}, keys["a"]).get_json()
    assert body["breaches"][0]["kind"] == "prohibited_zone"
    fire(running.case, "pause", actor=world.officer, reason="Breach of a prohibited zone.")
    db.session.commit()
    body = post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit, (120.11, 30.21), 1)]}, keys["a"]).get_json()
    assert body["breaches"][0]["kind"] == "outside_period"


def test_a_firm_never_posts_for_another_firms_units_nor_reads_its_test(client, web, world, keys, codes, running):
    unit_of_a = running.unit_codes[0]
    resp = post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit_of_a, INSIDE)]}, keys["b"])
    assert resp.status_code == 200
    assert resp.get_json() == {"accepted": 0, "breaches": [], "rejected": [
        {"index": 0, "message": "unit: not a unit of your firm in a test in progress."}]}
    assert db.session.execute(db.select(db.func.count()).select_from(Position)).scalar() == 0
    # A unit of A outside its test is a breach "unit_not_in_test" on A's own test.
    spare = codes[world.firm_a.id][2]
    body = post(client, "/api/v1/sandbox/positions", {"positions": [_pos(spare, INSIDE)]}, keys["a"]).get_json()
    assert body["breaches"][0]["kind"] == "unit_not_in_test"
    from tests.cases.conftest import sign_in
    sign_in(web, "b@firm-b.test")
    assert web.get(f"/sandbox/{running.case_id}/map.json").status_code == 404


def test_each_malformed_record_is_named_and_the_good_ones_kept(client, keys, running):
    unit = running.unit_codes[0]
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=6)).isoformat()
    records = [_pos(unit, INSIDE), {"unit": unit, "time": "yesterday", "lon": 120.1, "lat": 30.2},
               {"unit": unit, "time": _at(), "lon": 200, "lat": 30.2}, {"unit": unit, "time": future, "lon": 120.1, "lat": 30.2},
               {"unit": "HZR-NOPE", "time": _at(), "lon": 120.1, "lat": 30.2}, "not an object",
               {"unit": unit, "time": "2026-12-07T09:30:00", "lon": 120.1, "lat": 30.2},
               {"unit": unit, "time": _at(), "lon": True, "lat": 30.2}]
    body = post(client, "/api/v1/sandbox/positions", {"positions": records}, keys["a"]).get_json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4, 5, 6, 7]
    messages = {r["index"]: r["message"] for r in body["rejected"]}
    assert "RFC 3339" in messages[1] and "out of range" in messages[2] and "future" in messages[3]
    assert "not a unit of your firm" in messages[4] and "Expected an object" in messages[5]
    assert "RFC 3339" in messages[6] and "numbers" in messages[7]


@pytest.mark.parametrize("body, status", [({"positions": [{}] * 10_001}, 422), ({"items": []}, 422),
                                          ([1, 2], 422), ('{"positions": [NaN]}', 400)])
def test_malformed_bodies_get_their_status(client, keys, running, body, status):
    resp = post(client, "/api/v1/sandbox/positions", body, keys["a"])
    assert resp.status_code == status and resp.get_json()["status"] == status


def test_the_ledger_is_sealed_per_interval_with_one_audit_event_carrying_the_hash(client, keys, running):
    unit = running.unit_codes[0]
    post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit, INSIDE, i) for i in range(5)]}, keys["a"])
    post(client, "/api/v1/sandbox/positions", {"positions": [_pos(unit, INSIDE, 6)]}, keys["a"])
    seals = db.session.execute(db.select(PositionSeal)).scalars().all()
    assert len(seals) == 1 and seals[0].count == 5  # the second batch waits for the next interval
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "sandbox.positions_seal")).scalar_one()
    assert seals[0].sha256 in event.details and fences.verify_seal(seals[0])
    assert fences.seal().count == 1
    db.session.execute(db.update(Position).where(Position.seal_id == seals[0].id).values(lat=30.2501))
    assert not fences.verify_seal(seals[0])  # an altered position no longer matches its seal
