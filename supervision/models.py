"""Imports every model module so metadata (and Alembic autogenerate) sees all tables."""
from supervision.accounts.models import LoginThrottle, Organisation, User, UserRole  # noqa: F401
from supervision.audit.models import AuditEvent  # noqa: F401
from supervision.cases.models import Case, ClockPause, Notification  # noqa: F401
from supervision.documents.models import Document  # noqa: F401
from supervision.workdays.models import CalendarDay, CalendarYear  # noqa: F401
