"""Logs are one JSON object per line: request id, user, route, status and duration on access
lines, and no value a user sends can start a new line or forge a field."""
from __future__ import annotations

import json
import logging

from supervision.core.logs import JsonFormatter


def format_in_request(app, message: str, **extra) -> str:
    record = logging.LogRecord("supervision.test", logging.WARNING, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    with app.test_request_context("/cases?x=1", headers={"X-Request-Id": "req-42"}):
        from flask import g
        g.request_id = "req-42"
        return JsonFormatter().format(record)


def test_a_record_is_one_json_line_with_the_request(app):
    line = format_in_request(app, "refused", status=403, duration_ms=1.5)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-42" and entry["route"] == "cases.index"
    assert entry["status"] == 403 and entry["duration_ms"] == 1.5 and entry["level"] == "WARNING"


def test_user_input_cannot_forge_a_line_or_a_field(app):
    hostile = 'x"\n{"level": "INFO", "message": "all fine"}\r\n\u2028'
    line = format_in_request(app, hostile)
    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert entry["message"] == hostile and entry["level"] == "WARNING"


def test_every_request_writes_an_access_line(app, client, caplog, monkeypatch):
    from supervision.core import logs

    monkeypatch.setitem(app.config, "ACCESS_LOG", True)
    with app.test_request_context("/"):
        pass
    caplog.set_level(logging.INFO, logger="supervision.access")
    app.before_request_funcs.setdefault(None, []).append(logs._started)
    app.after_request_funcs.setdefault(None, []).append(logs._access)
    try:
        client.get("/register")
    finally:
        app.before_request_funcs[None].remove(logs._started)
        app.after_request_funcs[None].remove(logs._access)
    [record] = [r for r in caplog.records if r.name == "supervision.access"]
    assert record.status == 200 and record.path == "/register" and record.duration_ms > 0
