"""Sending through a real SMTP server (aiosmtpd on a free local port): a server that is down
never undoes the change and the e-mail waits with back-off; once the server is up it receives
each e-mail exactly once; an e-mail stuck in "sending" is never sent again by the sender."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine

from supervision.core import uow
from supervision.extensions import db
from supervision.jobs import runners
from supervision.notifications import sending
from supervision.notifications.services import emit
from tests.factories import UserFactory
from tests.jobs.test_jobs import _redis_available
from tests.notifications.conftest import EMIT_LABELS, RULES, inbox_rows, outbox_rows, request_event


def later(seconds: float):
    """The clock ``seconds`` from now (the sender compares stored times with it)."""
    return time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds), tick=False)


def notify_firm(world, case, title: str | None = None) -> None:
    """A committed change (the case's title) with the notification it causes."""
    with uow.unit_of_work():
        if title:
            case.title = title
        emit(request_event(case, world.officer), RULES, **EMIT_LABELS)


def test_server_down_keeps_the_change_and_backs_off_then_delivers_exactly_once(app, world, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 60)
    case = world.case()
    notify_firm(world, case, title="Renamed while the mail server is down")
    assert runners.drain(app, 30)  # the wake-up after the commit tried and failed

    db.session.expire_all()
    assert case.title == "Renamed while the mail server is down"
    assert len(inbox_rows()) == 1
    [row] = outbox_rows()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "cannot reach 127.0.0.1" in row.last_error
    wait = (row.next_attempt_at - row.updated_at).total_seconds()
    assert 59 <= wait <= 61

    smtp.start()
    assert sending.send_due() == 0          # not due yet: the back-off holds even with the server up
    assert smtp.received == []

    with later(120):
        assert sending.send_due() == 1
        assert sending.send_due() == 0      # nothing left: no second copy
    assert len(smtp.received) == 1
    [message] = smtp.received
    [row] = outbox_rows()
    assert (row.status, row.attempts) == ("sent", 2) and row.sent_at is not None
    assert message["Message-ID"] == row.message_id and message["To"] == "a@firm-a.test"
    assert smtp.envelopes == [(app.config["MAIL_FROM"], ["a@firm-a.test"])]
    assert case.number in message["Subject"]


def test_back_off_doubles_and_the_last_attempt_fails_the_row(app, world, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 60)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    notify_firm(world, world.case())
    assert runners.drain(app, 30)
    waits = []
    for minutes_later in (2, 5):
        [row] = outbox_rows()
        waits.append(round((row.next_attempt_at - row.updated_at).total_seconds() / 60))
        with later(minutes_later * 60):
            assert sending.send_due() == 0
    [row] = outbox_rows()
    assert waits == [1, 2]
    assert (row.status, row.attempts) == ("failed", 3)
    smtp.start()
    with later(24 * 3600):
        assert sending.send_due() == 0       # a failed row waits for an administrator
    assert smtp.received == []


def test_a_permanent_refusal_fails_at_once(app, world, smtp):
    smtp.refuse_recipients = True
    smtp.start()
    notify_firm(world, world.case())
    assert runners.drain(app, 30)
    [row] = outbox_rows()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error and smtp.received == []


def test_a_row_stuck_in_sending_is_never_sent_again_by_the_sender(app, world, smtp):
    notify_firm(world, world.case())
    assert runners.drain(app, 30)
    [row] = outbox_rows()
    # A sender claims the row and dies before it can say what happened.
    with later(120):
        assert sending._claim(set()) == (row.id, 2)
    smtp.start()
    with later(3600):
        assert sending.send_due() == 0
        [row] = outbox_rows()
        assert row.status == "sending"
    assert smtp.received == []


@pytest.mark.postgres
def test_senders_running_at_once_send_each_email_once(app, world, smtp, monkeypatch):
    """Three senders start together over twelve queued e-mails (row locks: PostgreSQL)."""
    for k in range(2):
        UserFactory(email=f"colleague{k}@firm-a.test", organisation=world.firm_a, roles=["applicant"])
    case = world.case()
    monkeypatch.setattr(sending, "kick", lambda: None)  # no wake-up: the three below are the senders
    with uow.unit_of_work():
        for _ in range(4):
            assert emit(request_event(case, world.officer), RULES, **EMIT_LABELS) == 3
    smtp.start()
    barrier = threading.Barrier(3, timeout=30)
    counts: list[int] = []

    def sender() -> None:
        with app.app_context():
            barrier.wait()
            try:
                counts.append(sending.send_due())
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sum(counts) == 12 and len(counts) == 3
    ids = [m["Message-ID"] for m in smtp.received]
    assert len(ids) == len(set(ids)) == 12
    assert {row.status for row in outbox_rows()} == {"sent"}
    assert {row.attempts for row in outbox_rows()} == {1}


# -- who runs the sender ---------------------------------------------------------------------


def test_the_periodic_scheduler_sends_what_no_wake_up_sent(app, world, client, mailbox, monkeypatch):
    from supervision.jobs import periodic
    from tests.notifications.conftest import delivered

    monkeypatch.setattr(sending, "kick", lambda: None)
    notify_firm(world, world.case())
    assert [row.status for row in outbox_rows()] == ["queued"]
    monkeypatch.setitem(app.config, "MAIL_SEND_INTERVAL_SECONDS", 0.2)
    app.extensions["jobs"]["timer_checked"] = False
    try:
        client.get("/")  # the first request of the process starts its timer
        deadline = time.monotonic() + 15
        while not delivered(mailbox) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        periodic.stop_timer(app)
        app.extensions["jobs"]["timer_checked"] = False
    assert len(delivered(mailbox)) == 1
    assert [row.status for row in outbox_rows()] == ["sent"]


def test_the_sender_is_off_when_its_interval_is_zero(app):
    from supervision.jobs import periodic

    assert sending.TASK_NAME not in {task.name for task, _every in periodic.active(app)}


@pytest.mark.skipif(not _redis_available(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_with_rq_the_wake_up_is_a_job_on_the_queue(app, world, mailbox, monkeypatch):
    from redis import Redis
    from rq import SimpleWorker

    from tests.notifications.conftest import delivered

    monkeypatch.setitem(app.config, "JOB_RUNNER", "rq")
    monkeypatch.setitem(app.config, "JOB_QUEUE", "supervision-tests-mail")
    queue = runners.rq_queue(app)
    queue.empty()
    notify_firm(world, world.case())
    assert queue.count == 1 and delivered(mailbox) == []   # nothing was sent in the request
    worker = SimpleWorker([queue], connection=Redis.from_url(app.config["REDIS_URL"]))
    assert worker.work(burst=True)
    assert len(delivered(mailbox)) == 1 and queue.count == 0
    assert [row.status for row in outbox_rows()] == ["sent"]
