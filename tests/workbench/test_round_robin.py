"""QUEUE_ROUND_ROBIN: a case that reaches its department goes to its officers in turn (audited
as an assignment by the system); off by default."""
from __future__ import annotations

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.extensions import db


def _submit(world, title: str):
    case = world.case(title=title)
    db.session.commit()
    cases.fire(case, "submit", actor=world.applicant_a)
    db.session.commit()
    return case


def test_off_by_default_nobody_is_assigned(app, world, complete_applications):
    assert app.config["QUEUE_ROUND_ROBIN"] is False
    assert _submit(world, "one").assignee_id is None


@pytest.fixture
def round_robin(app):
    app.config["QUEUE_ROUND_ROBIN"] = True
    yield
    app.config["QUEUE_ROUND_ROBIN"] = False


def test_new_cases_go_to_the_departments_officers_in_turn(world, complete_applications, round_robin):
    officers = {world.officer.id, world.officer2.id, world.dual.id}   # the approver is no officer
    got = [_submit(world, f"case {i}").assignee_id for i in range(4)]
    assert set(got[:3]) == officers
    assert got[3] == got[0]
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case.assign")).scalars().all()
    assert len(events) == 4 and {e.actor_email for e in events} == {"system"}


def test_a_case_still_in_draft_is_not_routed(world, complete_applications, round_robin):
    case = world.case(title="draft")
    db.session.commit()
    assert case.assignee_id is None
