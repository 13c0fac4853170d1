"""Notifications: turning an event into inbox rows and outbox e-mails, reading the inbox, and
the administrators' decisions on e-mails that did not go out.

Every function here changes state in the caller's transaction and flushes; the boundary (the
web request, a CLI command, the case engine's caller) commits.  Sending is ``sending.py``'s.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import uuid
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext as _

from supervision.accounts.models import User
from supervision.audit.services import record
from supervision.cases.models import Case
from supervision.core import uow
from supervision.core.errors import Conflict
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.notifications.audiences import AUDIENCES
from supervision.notifications.models import InboxItem, OutboxMessage, OutboxStatus
from supervision.notifications.rules import Event, Rule

log = logging.getLogger(__name__)
PAGE_SIZE = 50


class _Params(dict):
    """Text parameters: a %(name)s the event did not supply renders empty, not as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def fill(msgid: str, params: Mapping[str, Any]) -> str:
    """``msgid`` translated into the current language with ``params`` filled in; the stored
    ``{"values", "msgids"}`` of an inbox row, the msgids (action and state labels) translated too."""
    values = _Params(params.get("values", {}))
    values.update({k: _(v) for k, v in params.get("msgids", {}).items() if v})
    text = _(msgid)
    try:
        return text % values
    except (TypeError, ValueError):  # a stray % in a translation: show it unfilled, not a 500
        log.warning("could not fill the %%(name)s fields of %r", msgid)
        return text


# -- emitting --------------------------------------------------------------------------------


def emit(event: Event, rules: Sequence[Rule], *, action_label: str | None = None,
         state_label: str | None = None) -> int:
    """Turn one event into inbox rows for users and outbox rows for e-mail, in the caller's
    transaction (flush only).  Returns the number of inbox rows.

    One row per user per event even if several rules match: the first matching rule (in the
    table's order) that reaches a user decides their text and whether they get an e-mail.
    The actor is never told of their own act; inactive users are told nothing.  The sender is
    woken after the commit when e-mails were written."""
    matching = [rule for rule in rules if rule.matches(event)]
    if not matching or event.case_id is None:
        return 0  # every audience is an audience of a case
    case = db.session.get(Case, event.case_id)
    if case is None:
        raise ValueError(f"event {event.name} names case {event.case_id}, which does not exist")
    chosen: dict[int, tuple[User, Rule]] = {}
    for rule in matching:
        resolver = AUDIENCES.get(rule.audience)
        if resolver is None:
            raise ValueError(f"rule {rule.name!r}: unknown audience {rule.audience!r}")
        query = resolver(case).where(User.active.is_(True))
        if event.actor_id is not None:
            query = query.where(User.id != event.actor_id)
        for user in db.session.execute(query.order_by(User.id)).scalars():
            chosen.setdefault(user.id, (user, rule))
    if not chosen:
        return 0

    params = _text_params(event, case, action_label, state_label)
    stored = json.dumps(params, ensure_ascii=False, sort_keys=True)
    key = uuid.uuid4().hex
    items = []
    for user_id, (user, rule) in chosen.items():
        item = InboxItem(event_key=key, user_id=user_id, case_id=case.id, event=event.name,
                         rule=rule.name, subject=rule.subject, body=rule.body, params=stored)
        db.session.add(item)
        items.append((item, user, rule))
    db.session.flush()
    mails = 0
    for item, user, rule in items:
        if rule.email and user.email:
            db.session.add(_email(item, user, rule, params, case))
            mails += 1
    if mails:
        db.session.flush()
        from supervision.notifications.sending import kick

        uow.after_commit(kick, once=True)
    return len(items)


def _text_params(event: Event, case: Case, action_label: str | None,
                 state_label: str | None) -> dict[str, dict[str, str]]:
    values = {**{k: str(v) for k, v in event.params.items()},
              "case": case.number or str(case.id), "title": case.title,
              "action": event.trigger or "", "state": event.to_state or ""}
    msgids = {}
    if action_label:
        msgids["action"] = action_label
    if state_label:
        msgids["state"] = state_label
    return {"values": values, "msgids": msgids}


def recipient_locale(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def case_url(case_id: int) -> str:
    """The case page's address as the public sees the installation (``PUBLIC_BASE_URL``)."""
    path = current_app.url_map.bind("localhost").build("cases.show", {"case_id": case_id})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _email(item: InboxItem, user: User, rule: Rule, params: dict, case: Case) -> OutboxMessage:
    """The e-mail of one inbox row, rendered now in the recipient's language."""
    with force_locale(recipient_locale(user)):
        subject = " ".join(fill(rule.subject, params).split())  # one header line
        body = "\n\n".join([
            fill(rule.body, params),
            _("Open the case: %(url)s", url=case_url(case.id)),
            "-- \n" + _("Embodied-Robot Supervision Platform") + "\n"
            + _("This message was sent automatically. Please do not reply to it."),
        ])
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return OutboxMessage(inbox_item_id=item.id, to_address=user.email, subject=subject[:300],
                         body=body, message_id=email.utils.make_msgid("notify", domain=host),
                         status=OutboxStatus.QUEUED.value, next_attempt_at=utcnow())


def queue_email(*, to_address: str, subject: str, body: str) -> OutboxMessage:
    """An e-mail that belongs to no case (a password reset): into the outbox, in the caller's
    transaction, sent after it commits like every other message."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    footer = "-- \n" + _("Embodied-Robot Supervision Platform") + "\n" + _(
        "This message was sent automatically. Please do not reply to it.")
    message = OutboxMessage(to_address=to_address, subject=" ".join(subject.split())[:300],
                            body=body + "\n\n" + footer,
                            message_id=email.utils.make_msgid("account", domain=host),
                            status=OutboxStatus.QUEUED.value, next_attempt_at=utcnow())
    db.session.add(message)
    from supervision.notifications.sending import kick

    uow.after_commit(kick, once=True)
    return message


# -- the inbox -------------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """One COUNT over ``ix_inbox_items_user_unread``."""
    return db.session.execute(
        db.select(db.func.count()).select_from(InboxItem)
        .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))).scalar_one()


def inbox_page(user: User, page: int) -> tuple[list[InboxItem], int, int]:
    """``(items, page, pages)``: the user's rows, newest first, ``PAGE_SIZE`` a page."""
    from supervision.cases.queries import page_bounds

    total = db.session.execute(db.select(db.func.count()).select_from(InboxItem)
                               .where(InboxItem.user_id == user.id)).scalar_one()
    page, pages = page_bounds(total, page, PAGE_SIZE)
    items = list(db.session.execute(
        db.select(InboxItem).where(InboxItem.user_id == user.id).order_by(InboxItem.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).scalars())
    return items, page, pages


def own_item(user: User, item_id: int) -> InboxItem | None:
    """The user's own inbox row ``item_id`` (None for anyone else's: it is not disclosed)."""
    return db.session.execute(db.select(InboxItem).where(
        InboxItem.id == item_id, InboxItem.user_id == user.id)).scalar_one_or_none()


def mark_read(item: InboxItem, *, user: User) -> bool:
    """Mark one of the user's rows read; False if it already was (nothing changes)."""
    if item.user_id != user.id:
        raise PermissionError("an inbox row is marked read by its own user only")
    if item.read_at is not None:
        return False
    item.read_at = utcnow()
    record("notification.read", actor=user, object_type="inbox_item", object_id=item.id,
           details={"case_id": item.case_id} if item.case_id else None)
    db.session.flush()
    return True


def mark_all_read(*, user: User) -> int:
    """Mark every unread row of the user read; returns how many."""
    result = db.session.execute(
        db.update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session="fetch"))
    count = result.rowcount or 0
    if count:
        record("notification.read_all", actor=user, object_type="user", object_id=user.id,
               details={"count": count})
        db.session.flush()
    return count


# -- e-mails that did not go out -------------------------------------------------------------


def stuck_before() -> dt.datetime:
    """Rows claimed before this moment and still "sending": their sender died mid-send."""
    return utcnow() - dt.timedelta(seconds=current_app.config["MAIL_STUCK_AFTER_SECONDS"])


def needing_attention(limit: int = 200) -> list[OutboxMessage]:
    """Stuck and failed e-mails, oldest first: the administrators decide what happens to them."""
    return list(db.session.execute(
        db.select(OutboxMessage).where(db.or_(
            OutboxMessage.status == OutboxStatus.FAILED.value,
            db.and_(OutboxMessage.status == OutboxStatus.SENDING.value,
                    OutboxMessage.claimed_at < stuck_before())))
        .order_by(OutboxMessage.id).limit(limit)).scalars())


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(db.select(OutboxMessage.status, db.func.count())
                              .group_by(OutboxMessage.status)).all()
    return {status: n for status, n in rows}


def _decide(message: OutboxMessage, values: dict[str, Any], action: str, actor: User) -> None:
    """Apply an administrator's decision only if the row is still stuck or failed: a sender
    that came back to life in the meantime (and marked it sent) wins, and the admin is told."""
    before = (message.status, message.attempts, message.last_error)
    result = db.session.execute(
        db.update(OutboxMessage).where(
            OutboxMessage.id == message.id,
            db.or_(OutboxMessage.status == OutboxStatus.FAILED.value,
                   db.and_(OutboxMessage.status == OutboxStatus.SENDING.value,
                           OutboxMessage.claimed_at < stuck_before())))
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict()
    db.session.refresh(message)
    record(action, actor=actor, object_type="outbox_message", object_id=message.id,
           details={"to": message.to_address, "message_id": message.message_id,
                    "previous_status": before[0], "attempts": before[1],
                    "last_error": (before[2] or "")[:500]})
    db.session.flush()


def resend(message: OutboxMessage, *, actor: User) -> None:
    """Queue a stuck or failed e-mail again, now, with a fresh count of attempts.  A stuck one
    may have reached the recipient already: the administrator accepts a possible duplicate."""
    _decide(message, {"status": OutboxStatus.QUEUED.value, "attempts": 0,
                      "next_attempt_at": utcnow(), "claimed_at": None},
            "notification.mail_resend", actor)
    from supervision.notifications.sending import kick

    uow.after_commit(kick, once=True)


def drop(message: OutboxMessage, *, actor: User) -> None:
    """Give up a stuck or failed e-mail for good (the row stays, marked dropped)."""
    _decide(message, {"status": OutboxStatus.DROPPED.value, "claimed_at": None},
            "notification.mail_drop", actor)
