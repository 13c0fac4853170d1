"""Imports every model module so metadata (and Alembic autogenerate) sees all tables."""
from supervision.accounts.models import LoginThrottle, Organisation, User, UserRole  # noqa: F401
from supervision.audit.models import AuditEvent  # noqa: F401
from supervision.cases.models import Case, CaseLink, CaseRole, ClockPause  # noqa: F401
from supervision.documents.models import Document  # noqa: F401
from supervision.workdays.models import CalendarDay, CalendarYear  # noqa: F401
from supervision.registry.models import (  # noqa: F401
    Classification, ModelVersion, Objection, Registration, RobotModel, Ruleset, SandboxReferral)
from supervision.jobs.models import Job  # noqa: F401
from supervision.dossiers.models import Checkpoint  # noqa: F401
from supervision.decisions.models import Decision, DocumentCounter, LegalBasis  # noqa: F401
from supervision.notifications.models import InboxItem, OutboxMessage  # noqa: F401
from supervision.experts.models import Expert, ExpertConflict, ExpertDraw, ExpertOpinion  # noqa: F401
