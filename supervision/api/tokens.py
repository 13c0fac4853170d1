"""Firms' API tokens: created, named, scoped and revoked by the firm's applicants (one audit
event each); the secret is returned once and only its SHA-256 is kept.  ``authenticate`` turns
a request's ``Authorization: Bearer`` header into the token, or refuses with 401/403."""
from __future__ import annotations

import hashlib
import secrets

from flask import request
from flask_babel import gettext as _

from supervision.accounts.models import Organisation
from supervision.api.errors import ApiError
from supervision.api.models import SCOPES, ApiToken
from supervision.audit.services import record
from supervision.core.actors import SYSTEM
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_

TOKEN_PREFIX = "sup_"  # noqa: S105  # nosec B105 - the public prefix of every token, not a secret
DEMO_TOKEN_NAME = "Demo token"  # noqa: S105  # nosec B105 - a token's display name, not a secret


class TokenRefused(ValueError):
    """A token could not be created or revoked; ``message`` is an ``N_`` msgid."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(firm: Organisation, *, actor, name: str, scopes: list[str],
                 demo: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``firm``; returns it with its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused(N_("Give the token a name."), "name")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise TokenRefused(N_("Choose at least one of the offered scopes."), "scopes")
    if not firm.is_firm:
        raise TokenRefused(N_("Only firms hold API tokens."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(firm_id=firm.id, name=name[:120], prefix=secret[:10], token_hash=digest(secret),
                     scopes=[s for s in SCOPES if s in scopes], demo=demo,
                     created_by_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record("api_token.create", actor=actor, object_type="api_token", object_id=token.id,
           details={"firm_id": firm.id, "name": token.name, "scopes": token.scopes, "prefix": token.prefix})
    return token, secret


def revoke_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is not None:
        raise TokenRefused(N_("This token was already revoked."))
    token.revoked_at = utcnow()
    token.revoked_by_id = getattr(actor, "id", None)
    record("api_token.revoke", actor=actor, object_type="api_token", object_id=token.id,
           details={"firm_id": token.firm_id, "name": token.name, "prefix": token.prefix})


def firm_tokens(firm_id: int) -> list[ApiToken]:
    return list(db.session.execute(
        db.select(ApiToken).where(ApiToken.firm_id == firm_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())).scalars())


def issue_demo_token(firm: Organisation) -> str:
    """A fresh every-scope demo token for ``firm``, revoking the previous demo tokens."""
    for old in db.session.execute(db.select(ApiToken).where(
            ApiToken.firm_id == firm.id, ApiToken.demo.is_(True), ApiToken.revoked_at.is_(None))).scalars():
        revoke_token(old, actor=SYSTEM)
    _token, secret = create_token(firm, actor=SYSTEM, name=DEMO_TOKEN_NAME, scopes=list(SCOPES), demo=True)
    return secret


# -- the check on every request ------------------------------------------------------------

def _challenge(error: str | None = None, scope: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="api"'
    if error:
        value += f', error="{error}"'
    if scope:
        value += f', scope="{scope}"'
    return {"WWW-Authenticate": value}


def authenticate(scope: str) -> ApiToken:
    """The request's token if it is known, not revoked and holds ``scope``; otherwise 401
    (missing, unknown or revoked) or 403 (without the scope).  Reads headers only."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise ApiError(401, _("An API token is required: send the header Authorization: Bearer <token>."),
                       headers=_challenge())
    token = db.session.execute(db.select(ApiToken).where(ApiToken.token_hash == digest(secret))).scalar()
    if token is None or not token.active:
        raise ApiError(401, _("The API token is unknown or has been revoked."),
                       headers=_challenge("invalid_token"))
    if not token.allows(scope):
        raise ApiError(403, _("This API token does not hold the scope %(scope)s.", scope=scope),
                       headers=_challenge("insufficient_scope", scope))
    return token
