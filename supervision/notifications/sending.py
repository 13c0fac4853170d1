"""Sending the outbox, after the commits that wrote it.

``send_due`` is a boundary, like a job runner: it commits its own short transactions, one per
step, so that what it did to a row is durable before the next step can go wrong:

1. claim one due row (``queued`` → ``sending``) and commit.  PostgreSQL: ``SELECT … FOR UPDATE
   SKIP LOCKED``, so senders running at once take different rows; SQLite ignores row locks,
   so the claim is an ``UPDATE … WHERE status = 'queued'`` that counts the rows it changed;
2. hand it to the transport, outside any transaction;
3. mark it ``sent``; or, on a transport error, put it back to ``queued`` with an exponential
   back-off (``failed`` when the server refused it for good or attempts ran out).

A row that stays ``sending`` (its sender died between 1 and 3: did the server get it?) is never
sent again by this module: administrators decide on ``/admin/outbox``.

It runs from the periodic scheduler (``MAIL_SEND_INTERVAL_SECONDS``), from ``kick`` (soon after
a commit that queued mail: on the jobs thread pool, or enqueued on RQ) and from
``flask mail send``.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, current_app

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.notifications import mail
from supervision.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
TASK_NAME = "mail"
BATCH = 200  # at most this many rows per run; the next run takes the rest


def send_due(*, limit: int = BATCH) -> int:
    """Send the queued e-mails whose time has come; returns how many were sent.

    A boundary of its own: call it outside any unit of work (it commits and rolls back the
    session it runs in)."""
    config = current_app.config
    transport = mail.transport_from_config(config)
    sent = 0
    seen: set[int] = set()
    try:
        while len(seen) < limit:
            claimed = _claim(seen)
            if claimed is None:
                break
            row_id, attempts = claimed
            seen.add(row_id)
            message = _message(row_id, config["MAIL_FROM"])
            try:
                transport.send(message)
            except mail.TransportError as err:
                log.warning("e-mail %s (attempt %s) not sent: %s", row_id, attempts, err)
                _back_off(row_id, attempts, err)
                if err.unavailable:
                    break  # the server is down: the other rows keep their time and wait
                continue
            _mark_sent(row_id)
            sent += 1
    finally:
        transport.close()
        db.session.rollback()
    return sent


def _claim(seen: set[int]) -> tuple[int, int] | None:
    """Take the next due row for this sender: ``(id, attempts including this one)``."""
    while True:
        now = utcnow()
        candidate = (db.select(OutboxMessage.id)
                     .where(OutboxMessage.status == OutboxStatus.QUEUED.value,
                            OutboxMessage.next_attempt_at <= now)
                     .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1)
                     .with_for_update(skip_locked=True))
        if seen:
            candidate = candidate.where(OutboxMessage.id.not_in(seen))
        row_id = db.session.execute(candidate).scalar()
        if row_id is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.QUEUED.value)
            .values(status=OutboxStatus.SENDING.value, claimed_at=now, updated_at=now,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.attempts)
            .execution_options(synchronize_session=False)).scalar()
        if taken is not None:
            db.session.commit()
            return row_id, taken
        db.session.rollback()  # another sender took it between our look and our update
        seen.add(row_id)


def _message(row_id: int, sender: str):
    row = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.id == row_id)).scalar_one()
    message = mail.build_message(to=row.to_address, subject=row.subject, body=row.body,
                                 message_id=row.message_id, sender=sender)
    db.session.rollback()  # no transaction stays open while the mail server takes its time
    return message


def _finish(row_id: int, **values) -> None:
    """Record the outcome, if the row is still ours (an administrator may have decided on a
    row that looked stuck)."""
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING.value)
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        log.warning("e-mail %s changed while it was being sent; outcome %s not recorded", row_id, values)
    db.session.commit()


def _mark_sent(row_id: int) -> None:
    _finish(row_id, status=OutboxStatus.SENT.value, sent_at=utcnow())


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after failed attempt ``attempts``: base, 2 × base, 4 × base …"""
    base = float(current_app.config["MAIL_RETRY_BASE_SECONDS"])
    return dt.timedelta(seconds=base * 2 ** max(0, attempts - 1))


def _back_off(row_id: int, attempts: int, err: mail.TransportError) -> None:
    error = str(err)[:2000]
    if err.permanent or attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        _finish(row_id, status=OutboxStatus.FAILED.value, last_error=error)
    else:
        _finish(row_id, status=OutboxStatus.QUEUED.value, last_error=error,
                next_attempt_at=utcnow() + retry_delay(attempts))


# -- when it runs --------------------------------------------------------------------------


def kick() -> None:
    """Have ``send_due`` run soon (registered with ``uow.after_commit`` by whoever queued mail)."""
    from supervision.jobs import runners

    runners.run_task_soon(TASK_NAME)


def periodic() -> int:
    return send_due()


def interval_seconds(app: Flask) -> float:
    return max(0.0, float(app.config.get("MAIL_SEND_INTERVAL_SECONDS") or 0))
