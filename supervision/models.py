"""Imports every model module so metadata (and Alembic autogenerate) sees all tables."""
from supervision.core.once import FormSubmission  # noqa: F401
from supervision.core.dataversion import DataVersion  # noqa: F401
from supervision.accounts.models import (LoginThrottle, Organisation, PasswordReset,  # noqa: F401
                                         RecoveryCode, User, UserRole)
from supervision.audit.models import AuditEvent  # noqa: F401
from supervision.cases.models import Case, CaseLink, CaseRole, ClockPause  # noqa: F401
from supervision.documents.models import Document  # noqa: F401
from supervision.workdays.models import CalendarDay, CalendarYear  # noqa: F401
from supervision.registry.models import (  # noqa: F401
    Classification, ModelVersion, Objection, Registration, RobotModel, Ruleset, SandboxReferral)
from supervision.jobs.models import Job  # noqa: F401
from supervision.dossiers.models import Checkpoint  # noqa: F401
from supervision.decisions.models import Decision, DocumentCounter  # noqa: F401
from supervision.legal.models import KindBasis, LegalInstrument, LegalProvision  # noqa: F401
from supervision.decisions.delivery import ServiceConsent, ServiceRecord  # noqa: F401
from supervision.decisions.outcomes import ChallengeOutcome  # noqa: F401
from supervision.notifications.models import InboxItem, OutboxMessage  # noqa: F401
from supervision.experts.models import Expert, ExpertConflict, ExpertDraw, ExpertOpinion  # noqa: F401
# -- units (robot unit codes and traceability) --
from supervision.units.models import (  # noqa: F401,E402
    ManufacturerPrefix, ModelCode, Unit, UnitBatch, UnitEvent, UnitEventLocation, UnitEventUnit, UnitRecall,
    UnitSubmission)
from supervision.api.models import ApiToken, IdempotentAnswer  # noqa: F401  (api branch)
from supervision.certificates.models import Certificate, CertificateChange, CertificateReliance  # noqa: F401
from supervision.assessments.models import (  # noqa: F401
    Comment, Consultation, Finding, Measure, MeasureRevision, RulesetBinding)
# -- sandbox (issue 12) --
from supervision.geo.models import ProhibitedZone  # noqa: F401,E402
from supervision.sandbox.models import (  # noqa: F401,E402
    BreachEpisode, ChangeRequest, ConditionSet, Position, PositionSeal, SandboxArea, SandboxReport, SandboxTest)
# -- prohibited conduct (issue 14) --
from supervision.conduct.models import ConductCase  # noqa: F401,E402
from supervision.changes.models import ChangeApplication  # noqa: F401,E402  (change and renewal)
from supervision.compensation.models import CompensationClaim  # noqa: F401,E402  (compensation claims)
