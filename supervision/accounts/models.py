"""Organisations, users and their roles."""
from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervision.core.timeutil import utcnow
from supervision.extensions import db
from workflows.base import N_


class OrgKind(str, enum.Enum):
    FIRM = "firm"
    DEPARTMENT = "department"
    CERTIFICATION_BODY = "certification_body"
    TESTING_BASE = "testing_base"


class Role(str, enum.Enum):
    APPLICANT = "applicant"
    OFFICER = "officer"
    APPROVER = "approver"
    EXPERT = "expert"
    CERTIFIER = "certifier"
    AUDITOR = "auditor"
    ADMIN = "admin"


REGULATOR_ROLES = frozenset({Role.OFFICER.value, Role.APPROVER.value})
# Which organisation kinds may hold which roles.
ROLES_BY_ORG_KIND = {
    OrgKind.FIRM.value: {Role.APPLICANT.value},
    OrgKind.DEPARTMENT.value: {Role.OFFICER.value, Role.APPROVER.value, Role.AUDITOR.value, Role.ADMIN.value, Role.EXPERT.value},
    OrgKind.CERTIFICATION_BODY.value: {Role.EXPERT.value, Role.CERTIFIER.value},
    OrgKind.TESTING_BASE.value: {Role.EXPERT.value},
}
ORG_KIND_LABELS = {
    OrgKind.FIRM.value: N_("Firm"),
    OrgKind.DEPARTMENT.value: N_("Regulator department"),
    OrgKind.CERTIFICATION_BODY.value: N_("Certification body"),
    OrgKind.TESTING_BASE.value: N_("Testing base"),
}
ROLE_LABELS = {
    Role.APPLICANT.value: N_("Applicant"),
    Role.OFFICER.value: N_("Officer"),
    Role.APPROVER.value: N_("Approver"),
    Role.EXPERT.value: N_("Expert"),
    Role.CERTIFIER.value: N_("Certifier"),
    Role.AUDITOR.value: N_("Auditor"),
    Role.ADMIN.value: N_("Administrator"),
}
# Roles that are held alone: an auditor inspects the work of the others and does none of it.
EXCLUSIVE_ROLES = frozenset({Role.AUDITOR.value})


def _in(values) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(OrgKind)})", name="kind"),
        CheckConstraint("kind <> 'firm' OR credit_code IS NOT NULL", name="firm_has_credit_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    # A firm's registered address (住所), printed under the addressee of decisions to it.
    address_zh: Mapped[str | None] = mapped_column(String(300))
    address_en: Mapped[str | None] = mapped_column(String(300))
    # Short prefix used in document numbers, e.g. 杭经信 (departments only); each kind adds its own letter, 杭经信登〔2026〕7号.
    doc_prefix: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    @property
    def is_firm(self) -> bool:
        return self.kind == OrgKind.FIRM.value

    @property
    def is_department(self) -> bool:
        return self.kind == OrgKind.DEPARTMENT.value

    @property
    def allowed_roles(self) -> list[str]:
        """The roles its users may hold, in the order of ``Role``."""
        return [r.value for r in Role if r.value in ROLES_BY_ORG_KIND[self.kind]]

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name_en}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Changing this token ends every open session of the user (disable, password change).
    session_token: Mapped[str] = mapped_column(String(64))
    # The sessions the user signed out of, until they would have expired anyway: a JSON object
    # {session id: epoch seconds} (read with the row, so checking it costs no query).
    ended_sessions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime | None]
    # Two-factor sign-in (TOTP, RFC 6238): the shared secret once enrolment is confirmed, and the
    # last time step accepted, so a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # sealed (core.sealed)
    totp_enabled_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login: the session cookie names the user *and* the session token.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_regulator(self) -> bool:
        return bool(self.roles & REGULATOR_ROLES)

    @property
    def firm_id(self) -> int | None:
        return self.organisation_id if self.organisation.is_firm else None

    @property
    def department_id(self) -> int | None:
        return self.organisation_id if self.organisation.is_department else None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="user_role"),
        CheckConstraint(f"role IN ({_in(Role)})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginThrottle(db.Model):
    """Failed sign-ins per (normalised) email, whether or not the account exists."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None]


class PasswordReset(db.Model):
    """A password-reset link sent by e-mail: only the SHA-256 of its token is kept; single use,
    valid for ``PASSWORD_RESET_MINUTES``; a newer request or a use voids the older ones."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    # An administrator who forced the reset (None: the user asked for it).
    forced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecoveryCode(db.Model):
    """One single-use recovery code of a user's two-factor sign-in (only its hash is kept)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None]
