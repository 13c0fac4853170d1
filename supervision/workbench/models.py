"""A named view of the queue that a user saved: the query string of its filters and sort."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

__all__ = ["SavedView", "N_"]


class SavedView(db.Model):
    __tablename__ = "queue_views"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_queue_views_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))   # the URL's query string, normalised
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
