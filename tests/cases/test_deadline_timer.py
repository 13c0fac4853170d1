"""The deadline timer: a deadline that runs out fires its expiry trigger as the system actor
(or is flagged overdue), exactly once, even when two processes run the task together."""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from supervision import policies
from supervision.audit.models import AuditEvent
from supervision.audit.verify import verify_database
from supervision.cases import clocks, services, timers
from supervision.cases.models import Case, Deadline
from supervision.core.actors import SYSTEM
from supervision.extensions import db
from supervision.jobs import periodic
from tests.cases.deadline_flow import at, flow, flow_case  # noqa: F401  (fixture)
from workflows.base import TransitionRefused


def events(case_id: int, **where) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(db.select(AuditEvent).where(
        AuditEvent.case_id == case_id, *[getattr(AuditEvent, k) == v for k, v in where.items()])
        .order_by(AuditEvent.seq)).scalars())


def asked_case(world):
    case = flow_case(world)
    with at(2026, 4, 1, 22, 30):
        services.fire(case, "ask", actor=world.officer)               # reply due 22:30 on 2 Apr
    return case


def test_the_timer_lapses_the_case_as_the_system_actor_once(world, flow, web):
    case = asked_case(world)
    with at(2026, 4, 2, 22, 29):
        assert timers.tick().fired == []                              # one minute left
    assert case.state == "waiting"
    with at(2026, 4, 2, 22, 31):
        result = timers.tick()
        assert timers.tick().fired == []                              # handled once only
    [deadline_id] = result.fired
    case = db.session.get(Case, case.id)
    assert case.state == "lapsed" and case.due_date is None
    d = db.session.get(Deadline, deadline_id)
    assert (d.status, d.flagged_overdue_at) == ("expired", None)
    [lapse] = events(case.id, trigger="lapse")
    assert (lapse.actor_id, lapse.actor_email, lapse.actor_roles) == (None, "system", "system")
    assert (lapse.from_state, lapse.to_state, lapse.organisation_id) == ("waiting", "lapsed", None)
    assert verify_database().ok
    # The case's timeline names the system as the one who acted.
    web.login("officer@t.test")
    page = web.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    entries = re.findall(r"<li>\s*<span class=\"muted\">#\d+.*?</li>", page, re.S)
    [entry] = [e for e in entries if "<strong>Lapse</strong>" in e]
    assert "· System" in entry and "Waiting for a reply → Lapsed" in entry


def test_only_the_system_may_fire_a_system_row_and_the_system_nothing_else(world, flow):
    case = asked_case(world)
    assert policies.case_roles(SYSTEM, case) == {"system"}
    for person in (world.officer, world.approver, world.applicant_a, world.auditor, None):
        with pytest.raises(TransitionRefused):
            services.fire(case, "lapse", actor=person)
    with pytest.raises(TransitionRefused):
        services.fire(case, "hold", actor=SYSTEM)
    assert db.session.get(Case, case.id).state == "waiting"


def test_a_deadline_without_a_trigger_is_flagged_overdue_once(world):
    case = accepted_case(world)
    assert case.due_date == dt.date(2026, 4, 30)
    with at(2026, 4, 30, 23, 59):
        assert timers.tick().flagged == []                             # the whole due day counts
    with at(2026, 5, 1, 0, 0):
        result = timers.tick()
    with at(2026, 5, 6):
        assert timers.tick().flagged == []
    assert len(result.flagged) == 1
    [flag] = events(case.id, action="deadline.overdue")
    assert (flag.actor_email, flag.actor_roles, flag.object_type) == ("system", "system", "deadline")
    case = db.session.get(Case, case.id)
    assert case.state == "accepted"                                    # only flagged
    d = db.session.get(Deadline, result.flagged[0])
    assert d.status == "running" and d.flagged_overdue_at is not None


def test_a_paused_deadline_does_not_run_out_and_is_flagged_once_its_extension_ends(world):
    case = accepted_case(world)
    with at(2026, 4, 1):
        services.fire(case, "start_review", actor=world.officer)
    with at(2026, 4, 2):
        services.fire(case, "pause_for_procedure", actor=world.officer, procedure="appraisal",
                      expected_until=dt.date(2026, 5, 8), reason="An appraisal is needed.")
    with at(2026, 5, 8):
        assert timers.tick().flagged == []                              # paused past 30 Apr
        case = db.session.get(Case, case.id)
        services.fire(case, "resume_review", actor=world.officer, comment="Appraisal received.")
    due = case.due_date
    assert due > dt.date(2026, 5, 8)
    with at(due.year, due.month, due.day, 23, 59):
        assert timers.tick().flagged == []
    with at(*(due + dt.timedelta(days=1)).timetuple()[:3]):
        assert len(timers.tick().flagged) == 1


def test_an_expiry_trigger_that_no_longer_applies_is_flagged_instead(world, flow, monkeypatch):
    case = asked_case(world)
    monkeypatch.setitem(flow.guards, "still_owed", lambda ctx: "The reply arrived by post.")
    with at(2026, 4, 3):
        result = timers.tick()
        assert timers.tick().flagged == []
    assert (result.fired, len(result.flagged), result.failed) == ([], 1, [])
    assert db.session.get(Case, case.id).state == "waiting"
    [flag] = events(case.id, action="deadline.overdue")
    assert "The reply arrived by post." in flag.details and flag.actor_email == "system"


def _race(app, monkeypatch, now_at) -> list[timers.TickResult]:
    """Two processes' timers: both list the same expired deadline, then both handle it."""
    barrier = threading.Barrier(2, timeout=30)
    listed = timers.expired_ids

    def listed_together(now, limit):
        ids = listed(now, limit)
        barrier.wait()
        return ids

    monkeypatch.setattr(timers, "expired_ids", listed_together)
    results: list = []

    def worker() -> None:
        with app.app_context():
            try:
                with now_at:
                    results.append(timers.tick())
            except Exception as err:  # pragma: no cover - reported by the assertion below
                results.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return results


def test_two_timers_at_once_fire_the_expiry_trigger_once(app, world, flow, monkeypatch):
    case = asked_case(world)
    db.session.commit()
    results = _race(app, monkeypatch, at(2026, 4, 3))
    assert all(isinstance(r, timers.TickResult) for r in results), results
    assert sorted(len(r.fired) for r in results) == [0, 1]
    assert [r.failed for r in results] == [[], []]                      # the loser skipped it
    assert len(events(case.id, trigger="lapse")) == 1
    assert db.session.get(Case, case.id).state == "lapsed"


def accepted_case(world):
    """A registration accepted on 1 Apr 2026: its decision period (no expiry trigger) ends 30 Apr."""
    with at(2026, 4, 1):
        case = world.case()
        services.fire(case, "submit", actor=world.applicant_a)
        services.fire(case, "accept", actor=world.officer)
    return case


def test_two_timers_at_once_flag_an_overdue_deadline_once(app, world, monkeypatch):
    case = accepted_case(world)
    db.session.commit()
    results = _race(app, monkeypatch, at(2026, 5, 8))
    assert all(isinstance(r, timers.TickResult) for r in results), results
    assert sorted(len(r.flagged) for r in results) == [0, 1]
    assert [r.failed for r in results] == [[], []]
    assert len(events(case.id, action="deadline.overdue")) == 1


def test_a_timer_that_listed_a_deadline_another_has_since_handled_skips_it(world, flow, monkeypatch):
    flagged = accepted_case(world)
    lapsed = asked_case(world)
    with at(2026, 5, 8):
        stale = timers.expired_ids(clocks.utcnow(), 10)
        assert len(stale) == 2
        first = timers.tick()
        assert (len(first.fired), len(first.flagged)) == (1, 1)
        monkeypatch.setattr(timers, "expired_ids", lambda now, limit: stale)
        assert timers.tick() == timers.TickResult()
    assert len(events(flagged.id, action="deadline.overdue")) == 1
    assert len(events(lapsed.id, trigger="lapse")) == 1


def test_the_timer_is_a_periodic_task_and_a_command(app, world, runner, monkeypatch):
    monkeypatch.setitem(app.config, "DEADLINE_CHECK_SECONDS", 60)
    assert ("deadlines", 60) in [(t.name, every) for t, every in periodic.active(app)]
    monkeypatch.setitem(app.config, "DEADLINE_CHECK_SECONDS", 0)
    assert "deadlines" not in [t.name for t, _ in periodic.active(app)]
    case = accepted_case(world)
    db.session.commit()
    with at(2026, 5, 8):
        out = runner.invoke(args=["cases", "tick"])
        assert out.exit_code == 0, out.output
        assert "0 expiry triggers fired, 1 deadlines flagged overdue, 0 failed" in out.output
        periodic.run(app, "deadlines")                                  # nothing left to do
    assert len(events(case.id, action="deadline.overdue")) == 1
