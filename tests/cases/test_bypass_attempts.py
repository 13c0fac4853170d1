"""A trigger that is unknown or not possible in the case's state is refused and logged as a
business-logic bypass attempt in the security log (who, what, from where), not in the audit chain."""
from __future__ import annotations

import json
import logging

import pytest

from supervision.audit.models import AuditEvent
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, version_of


@pytest.fixture
def submitted(world):
    case = world.case()
    put_in_state(case, "submitted")
    return case


def _events() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)).scalar()


@pytest.mark.parametrize("trigger", ["approve", "no_such_trigger\nforged line"])
def test_an_impossible_trigger_is_logged_as_a_bypass_attempt(world, web, submitted, caplog, trigger):
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    before = _events()
    with caplog.at_level(logging.WARNING, logger="supervision.security"):
        resp = web.post(f"/cases/{submitted.id}/act", {"trigger": trigger, "version": version_of(html)},
                        token_from=f"/cases/{submitted.id}", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert resp.status_code == 400
    records = [r for r in caplog.records if r.name == "supervision.security"]
    assert len(records) == 1
    line = records[0].getMessage()
    assert line.startswith("business-logic bypass attempt ") and "\n" not in line
    fields = json.loads(line[len("business-logic bypass attempt "):])
    assert fields["user_id"] == world.officer.id and fields["user"] == "officer@t.test"
    assert fields["case_id"] == submitted.id and fields["state"] == "submitted"
    assert fields["trigger"] == trigger
    assert fields["client_address"] == "203.0.113.7" and fields["route"] == "cases.act"
    db.session.expire_all()
    assert _events() == before  # nothing in the audit chain


def test_a_possible_trigger_logs_nothing(world, web, submitted, caplog):
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{submitted.id}").get_data(as_text=True)
    with caplog.at_level(logging.WARNING, logger="supervision.security"):
        resp = web.post(f"/cases/{submitted.id}/act", {"trigger": "accept", "version": version_of(html)},
                        token_from=f"/cases/{submitted.id}")
    assert resp.status_code == 303
    assert not [r for r in caplog.records if r.name == "supervision.security"]
