"""The API's tables: firms' access tokens (only their hash) and remembered idempotent answers."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

# The scopes a token may hold, with what each lets a firm's system do (written once, read by
# the token form, the token check and the OpenAPI document).
SCOPES = {
    "units:read": N_("Read the firm's own units"),
    "events:write": N_("Report lifecycle events of the firm's units"),
    "positions:write": N_("Report positions of units in a sandbox test"),
    "geofences:validate": N_("Check allowed-area geometries"),
}


class ApiToken(db.Model):
    """A firm's bearer token.  The secret is shown once; the table keeps its SHA-256 and the
    first characters (``prefix``) so people can tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    demo: Mapped[bool] = mapped_column(default=False)  # the one `flask api demo-token` replaces
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    firm = relationship("Organisation", lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or ())


class IdempotentAnswer(db.Model):
    """The first answer to a request sent with an ``Idempotency-Key``, per token, kept for
    ``API_IDEMPOTENCY_HOURS``.  Written in the same transaction as what the request recorded,
    so a retry either finds both or neither."""

    __tablename__ = "api_idempotent_answers"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_api_idempotent_answers_token_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
