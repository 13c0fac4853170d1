"""The inbox (one row per user and event, shown in the reader's language) and the outbox (one
row per e-mail, rendered in the recipient's language and sent after the commit)."""
from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class InboxItem(db.Model):
    """What one user was told about one event.  The text is kept as msgids and parameters, so
    it renders in whatever language the reader uses when they open the inbox."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("event_key", "user_id"),  # one row per user per event
        # The inbox page (a user's rows, newest first) and the header's unread count.
        Index("ix_inbox_items_user_newest", "user_id", "id"),
        Index("ix_inbox_items_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(32))  # shared by the rows one event made
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(48))
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))   # msgid
    body: Mapped[str] = mapped_column(Text)              # msgid
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, see ``text_params``
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def text_params(self) -> dict[str, Any]:
        """``{"values": {...}, "msgids": {...}}``: values as they are, msgids (the action and
        state labels) translated when shown."""
        return json.loads(self.params or "{}")


class OutboxStatus(str, enum.Enum):
    QUEUED = "queued"      # waiting for its time (next_attempt_at)
    SENDING = "sending"    # claimed by one sender; if it stays so, that sender died mid-send
    SENT = "sent"
    FAILED = "failed"      # refused for good, or out of attempts: an administrator decides
    DROPPED = "dropped"    # an administrator gave it up


OUTBOX_STATUS_LABELS = {
    OutboxStatus.QUEUED.value: N_("Queued"),
    OutboxStatus.SENDING.value: N_("Sending"),
    OutboxStatus.SENT.value: N_("Sent"),
    OutboxStatus.FAILED.value: N_("Failed"),
    OutboxStatus.DROPPED.value: N_("Dropped"),
}


def _in(values) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class OutboxMessage(db.Model):
    """One e-mail, written in the transaction of the change that caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(OutboxStatus)})", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("status <> 'sending' OR claimed_at IS NOT NULL", name="sending_is_claimed"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        # The sender's scan for due rows, and the admin page's list of stuck and failed ones.
        Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Kept across attempts, so a recipient's client can recognise a duplicate after a resend.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} to {self.to_address}>"
