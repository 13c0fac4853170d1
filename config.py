"""Application configuration: the only module that reads the environment.

Each class is one deployment profile.  ``DATABASE_URL`` is honoured by every profile; production
refuses to start without ``SECRET_KEY`` and ``DATABASE_URL``.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from workflows.base import N_

BASE_DIR = Path(__file__).resolve().parent
_INSTANCE = Path(os.environ.get("SUPERVISION_INSTANCE", BASE_DIR / "instance"))


def _normalise_db_url(url: str) -> str:
    """Accept the common ``postgres://`` / ``postgresql://`` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _dev_secret_key(instance_dir: str | Path) -> str:
    """A random key created once per installation and kept in ``instance/`` (mode 0600)."""
    folder = Path(instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        # O_EXCL: two processes starting at once cannot both write a key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Settings shared by every profile."""

    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{_INSTANCE / 'supervision.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    INSTANCE_DIR = str(_INSTANCE)
    DOCUMENT_STORE = os.environ.get("DOCUMENT_STORE", str(_INSTANCE / "documents"))
    MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
    # Upload quotas (number of files and bytes) per uploading user and per firm; 0: no limit.
    UPLOAD_QUOTA_USER_FILES = int(os.environ.get("UPLOAD_QUOTA_USER_FILES", "2000"))
    UPLOAD_QUOTA_USER_BYTES = int(os.environ.get("UPLOAD_QUOTA_USER_BYTES", str(5 * 1024 ** 3)))
    UPLOAD_QUOTA_FIRM_FILES = int(os.environ.get("UPLOAD_QUOTA_FIRM_FILES", "10000"))
    UPLOAD_QUOTA_FIRM_BYTES = int(os.environ.get("UPLOAD_QUOTA_FIRM_BYTES", str(20 * 1024 ** 3)))
    # The whole document store is re-hashed this often (hours); 0: only by `flask documents fixity`.
    FIXITY_CHECK_HOURS = float(os.environ.get("FIXITY_CHECK_HOURS", "24"))
    # Request bodies a little above the upload limit still reach the view, so an oversize file
    # gets the friendly message rather than a bare 413.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh", "en")
    TIMEZONE = "Asia/Shanghai"
    # A form's CSRF token lives in the session and expires after this many seconds.
    WTF_CSRF_TIME_LIMIT = int(os.environ.get("WTF_CSRF_TIME_LIMIT", str(4 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    # Two-factor sign-in (TOTP): enforced for these roles where required (production).
    TWO_FACTOR_REQUIRED = _env_bool("TWO_FACTOR_REQUIRED", False)
    TWO_FACTOR_ROLES = ("officer", "approver", "expert", "auditor", "certifier", "admin")
    # A sensitive change (roles, 2FA, API tokens) needs the password confirmed this recently.
    REAUTH_MINUTES = float(os.environ.get("REAUTH_MINUTES", "10"))
    # Identifier probing: this many 404/403 answers in the window, then 429 on object pages.
    PROBE_MAX_MISSES = int(os.environ.get("PROBE_MAX_MISSES", "100"))
    PROBE_WINDOW_MINUTES = int(os.environ.get("PROBE_WINDOW_MINUTES", "10"))
    # Used one-time form tokens older than a day are deleted this often (seconds); 0: never.
    FORM_TOKEN_CLEANUP_SECONDS = float(os.environ.get("FORM_TOKEN_CLEANUP_SECONDS", "3600"))
    # The passphrase `flask backup` / `flask restore` use when none is typed.
    BACKUP_PASSPHRASE = os.environ.get("BACKUP_PASSPHRASE")
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    # Failed sign-ins from one client address (any accounts) before it is slowed down.
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
    # A session ends after this long without a request, and this long after signing in.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    JOB_RUNNER = os.environ.get("JOB_RUNNER", "thread")  # "thread" (embedded) or "rq"
    # WeasyPrint renders in a child process with these limits (a hostile or enormous document
    # cannot stall a worker); off, it renders in the process itself (the tests, which spy on it).
    PDF_RENDER_ISOLATED = _env_bool("PDF_RENDER_ISOLATED", True)
    PDF_RENDER_SECONDS = float(os.environ.get("PDF_RENDER_SECONDS", "120"))
    PDF_RENDER_MEMORY_MB = int(os.environ.get("PDF_RENDER_MEMORY_MB", "2048"))
    # Logs: one JSON object per line ("json") or plain text ("text"); an access line per request.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    ACCESS_LOG = _env_bool("ACCESS_LOG", True)
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # A signed checkpoint of the audit log once the newest is this old and the log grew; 0: off.
    CHECKPOINT_INTERVAL_MINUTES = float(os.environ.get("CHECKPOINT_INTERVAL_MINUTES", "60"))
    # Clock lengths per case type, over the workflow tables' defaults (JSON in the environment),
    # e.g. {"registration": {"acceptance": {"length": 5, "unit": "working_days"}}}.
    CASE_CLOCKS: dict = json.loads(os.environ.get("CASE_CLOCKS") or "{}")
    # How often the timer looks for deadlines that ran out (seconds); 0 switches it off.
    DEADLINE_CHECK_SECONDS = float(os.environ.get("DEADLINE_CHECK_SECONDS", "60"))
    # A reminder goes out once this many calendar days before a due item of these kinds falls
    # due (0: no reminders); after the date the timer's overdue notice follows, once.
    DEADLINE_REMINDER_DAYS = int(os.environ.get("DEADLINE_REMINDER_DAYS", "3"))
    DEADLINE_REMINDER_KINDS = ("report",)
    # Image sources the Content-Security-Policy allows besides this site (a map tile server),
    # space-separated in the environment.
    CSP_IMG_SOURCES = tuple(os.environ.get("CSP_IMG_SOURCES", "").split())
    HSTS_SECONDS = 0  # production: a year
    # Public pages rendered for one signed-out visitor are served to the next under the same
    # ETag (supervision/public/caching.py): a Flask-Caching backend ("SimpleCache": each
    # worker's memory; "RedisCache": REDIS_URL; "NullCache": off) and how long a page is kept.
    PUBLIC_PAGE_CACHE = os.environ.get("PUBLIC_PAGE_CACHE", "SimpleCache")
    PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"))
    # Rendered parts of signed-in pages (the queue's tabs and rows) kept under the data version
    # (supervision/core/fragments.py): the same kinds of backend; tests keep it on, so every
    # queue test also proves a change shows on the next request.
    FRAGMENT_CACHE = os.environ.get("FRAGMENT_CACHE", "SimpleCache")
    FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "300"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # The newest published checkpoint, remembered outside the database (restores behind it are
    # detected); empty: off.
    CHECKPOINT_WITNESS_PATH = os.environ.get("CHECKPOINT_WITNESS_PATH",
                                             str(_INSTANCE / "checkpoint-witness.json"))
    # The installed case types (dotted ``module:NAME`` of each ``CaseType``), in menu order.
    CASE_TYPES = ("supervision.registry.case_type:REGISTRATION",
                  "supervision.assessments.case_type:ASSESSMENT_TYPE",
                  "supervision.sandbox.case_type:SANDBOX_TYPE",  # sandbox: issue 12
                  "supervision.incidents.case_type:INCIDENT_TYPE",  # incidents: issue 14
                  "supervision.conduct.case_type:CONDUCT_TYPE",  # prohibited conduct (Art. 43): issue 14
                  "supervision.changes.case_type:REGISTRATION_CHANGE",  # change and renewal: issue 10 (12)
                  "supervision.compensation.case_type:COMPENSATION")  # compensation after rescission: issue 10 (5)
    # The offices of the competent authorities a prohibited-conduct case may be referred to
    # (kinds in workflows.conduct.AUTHORITIES); ``basis_extra``: provisions that make a referral
    # to that office precise (a suspected crime goes to public security: 行政处罚法 Art. 27 ¶1).
    CONDUCT_REFERRAL_AUTHORITIES = {
        "market_regulation": {"name_zh": "杭州市市场监督管理局", "name_en": "Hangzhou Administration for Market Regulation"},
        "cyberspace": {"name_zh": "中共杭州市委网络安全和信息化委员会办公室",
                       "name_en": "Cyberspace Affairs Office of Hangzhou"},
        "public_security": {"name_zh": "杭州市公安局", "name_en": "Hangzhou Public Security Bureau",
                            "basis_extra": ("penalty:27.1",)},
        "national_security": {"name_zh": "杭州市国家安全局", "name_en": "Hangzhou State Security Bureau",
                              "basis_extra": ("penalty:27.1",)},
        "emergency_management": {"name_zh": "杭州市应急管理局", "name_en": "Hangzhou Emergency Management Bureau"},
    }
    # The regulators' queue: a case that reaches its department unassigned goes to its officers
    # in turn (the one whose latest assignment is the oldest); off: officers claim or are assigned.
    QUEUE_ROUND_ROBIN = _env_bool("QUEUE_ROUND_ROBIN")
    # The expert pool's fields of expertise (Art. 8): code, label.
    EXPERT_FIELDS = (
        ("robotics_safety", N_("Robotics safety")),
        ("ai_algorithms", N_("AI and algorithms")),
        ("data_privacy", N_("Data and privacy")),
        ("ethics", N_("Ethics")),
        ("law", N_("Law")),
        ("industry_scenarios", N_("Industry scenarios")),
    )
    # E-mail (notifications.mail): "file" writes one .eml per message into MAIL_DIR (development,
    # tests); "smtp" hands them to MAIL_SERVER.  MAIL_USE_TLS: implicit TLS (SMTPS, port 465);
    # MAIL_USE_STARTTLS: upgrade a plain connection (port 587).
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "file")
    MAIL_DIR = os.environ.get("MAIL_DIR", str(_INSTANCE / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_STARTTLS = _env_bool("MAIL_USE_STARTTLS")
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    # The sender looks for due messages this often (besides the wake-up after each commit); 0: off.
    MAIL_SEND_INTERVAL_SECONDS = float(os.environ.get("MAIL_SEND_INTERVAL_SECONDS", "30"))
    # After a failed attempt n the message waits MAIL_RETRY_BASE_SECONDS * 2**(n-1); after
    # MAIL_MAX_ATTEMPTS attempts it is marked failed for an administrator to look at.
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # A message "sending" for longer than this: its sender died mid-send; an administrator decides.
    MAIL_STUCK_AFTER_SECONDS = float(os.environ.get("MAIL_STUCK_AFTER_SECONDS", "600"))
    # -- sandbox (issue 12) --------------------------------------------------------------------
    # Admission conditions' defaults, the position ledger and the fence map.  Positions are
    # personal tracking information (个人信息保护法 Art. 28): kept SANDBOX_POSITION_RETENTION_DAYS,
    # sealed every SANDBOX_SEAL_SECONDS (one audit event carrying the hash of the interval).
    SANDBOX = {
        "incident_report_hours": int(os.environ.get("SANDBOX_INCIDENT_REPORT_HOURS", "24")),
        "pause_condition": os.environ.get(
            "SANDBOX_PAUSE_CONDITION",
            "监管部门发现围栏越界、事件或者安全隐患时，企业应当按要求立即暂停测试，隐患消除后经确认恢复。"),
        "position_retention_days": int(os.environ.get("SANDBOX_POSITION_RETENTION_DAYS", "180")),
        "seal_seconds": int(os.environ.get("SANDBOX_SEAL_SECONDS", "60")),
        "max_positions": 10_000,
        "future_tolerance_seconds": 300,
    }
    # A tile layer for the fence map ({z}/{x}/{y} URL); none: a plain background with a grid.
    # SANDBOX_TILE_CRS says which datum the tiles use: "wgs84" (天地图 / CGCS2000) or "gcj02"
    # (most mainland services: WGS-84 areas appear shifted by hundreds of metres; see README).
    SANDBOX_AREA_MAX_BYTES = 2 * 1024 * 1024   # an uploaded or drawn area, as for the API
    SANDBOX_TILE_URL = os.environ.get("SANDBOX_TILE_URL", "")
    SANDBOX_TILE_CRS = os.environ.get("SANDBOX_TILE_CRS", "wgs84")
    SANDBOX_TILE_ATTRIBUTION = os.environ.get("SANDBOX_TILE_ATTRIBUTION", "")
    # Where positions are checked against the fences: "shapely" (in the app process, the default)
    # or "postgis" (in PostgreSQL with PostGIS, after `flask sandbox enable-postgis`; README).
    FENCE_ENGINE = os.environ.get("FENCE_ENGINE", "shapely")
    # -- incidents (issue 14) -----------------------------------------------------------------
    # The reports a firm owes on an incident, by severity (1 most severe), counted from the moment
    # it became aware: {severity: {report: {"length": n, "unit": hours|working_days|calendar_days}}}
    # (JSON in the environment; keys initial_report, follow_up_report, final_report).
    INCIDENT_CLOCKS: dict = json.loads(os.environ.get("INCIDENT_CLOCKS") or "null") or {
        1: {"initial_report": {"length": 24, "unit": "hours"},
            "follow_up_report": {"length": 5, "unit": "working_days"},
            "final_report": {"length": 30, "unit": "calendar_days"}},
        2: {"initial_report": {"length": 48, "unit": "hours"},
            "follow_up_report": {"length": 10, "unit": "working_days"},
            "final_report": {"length": 30, "unit": "calendar_days"}},
        3: {"initial_report": {"length": 72, "unit": "hours"},
            "final_report": {"length": 60, "unit": "calendar_days"}},
        4: {"initial_report": {"length": 5, "unit": "working_days"}},
    }
    # The provisional severity of an incident a geofence breach opens.
    INCIDENT_BREACH_SEVERITY = int(os.environ.get("INCIDENT_BREACH_SEVERITY", "3"))
    # -- units --
    # Label sheets of batches above this size are drawn by a background job.
    LABEL_SHEET_INLINE_MAX = int(os.environ.get("LABEL_SHEET_INLINE_MAX", "240"))
    # CSV files of events with more rows than this are recorded by a background job.
    UNIT_CSV_INLINE_ROWS = int(os.environ.get("UNIT_CSV_INLINE_ROWS", "5000"))
    # Where units' events happened is kept this long (personal tracking information).
    UNIT_LOCATION_RETENTION_DAYS = int(os.environ.get("UNIT_LOCATION_RETENTION_DAYS", "365"))
    # -- api --
    # How long an Idempotency-Key's first answer is kept (per token), in hours.
    API_IDEMPOTENCY_HOURS = float(os.environ.get("API_IDEMPOTENCY_HOURS", "24"))
    # -- Art. 47 market-access measure assessments (supervision.assessments) --
    # Public comments one client address may send per hour; whom the recommendation (建议) is
    # addressed to, and through which office (the city's legal affairs office).
    ASSESSMENT_COMMENTS_PER_HOUR = int(os.environ.get("ASSESSMENT_COMMENTS_PER_HOUR", "5"))
    ASSESSMENT_RECOMMENDATION_TO_ZH = os.environ.get("ASSESSMENT_RECOMMENDATION_TO_ZH", "杭州市人民政府")
    ASSESSMENT_RECOMMENDATION_TO_EN = os.environ.get("ASSESSMENT_RECOMMENDATION_TO_EN",
                                                     "Hangzhou Municipal People's Government")
    ASSESSMENT_RECOMMENDATION_VIA_ZH = os.environ.get("ASSESSMENT_RECOMMENDATION_VIA_ZH", "杭州市司法局")
    ASSESSMENT_RECOMMENDATION_VIA_EN = os.environ.get("ASSESSMENT_RECOMMENDATION_VIA_EN",
                                                      "Hangzhou Municipal Bureau of Justice")
    RECONSIDERATION_BODY_ZH = os.environ.get("RECONSIDERATION_BODY_ZH", "杭州市人民政府")
    RECONSIDERATION_BODY_EN = os.environ.get(
        "RECONSIDERATION_BODY_EN", "Hangzhou Municipal People's Government"
    )
    # -- legal-docs: legal nature and public addresses ------------------------------------------
    # Registration's legal nature under the implementing measure: "filing" (备案, default) or
    # "licence" (许可, only where a law-level basis exists); it selects each decision kind's
    # provisions and wording (README, "Legal nature of registration").
    REGISTRATION_NATURE = os.environ.get("REGISTRATION_NATURE", "filing")
    # How many days before a registration expires its renewal must be applied for at the latest
    # (行政许可法 Art. 50: thirty, unless the measure sets otherwise).
    RENEWAL_LEAD_DAYS = int(os.environ.get("RENEWAL_LEAD_DAYS", "30"))
    # The penalties decided only after a collective discussion of the authority's heads (集体讨论,
    # 行政处罚法 Art. 57: serious cases), comma-separated: "revocation" (default), "suspension".
    PENALTY_COLLECTIVE_DISCUSSION = tuple(
        a.strip() for a in os.environ.get("PENALTY_COLLECTIVE_DISCUSSION", "revocation").split(",") if a.strip())
    # The 抄送 line of every decision's 版记 (GB/T 9704-2012 §7.4.2).
    DECISION_COPY_TO_ZH = os.environ.get("DECISION_COPY_TO_ZH", "杭州市市场监督管理局")
    DECISION_COPY_TO_EN = os.environ.get("DECISION_COPY_TO_EN", "Hangzhou Administration for Market Regulation")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False

    @staticmethod
    def fill_secret_key(config: dict) -> None:
        """Development keeps a random key in ``instance/`` when none is given."""
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _dev_secret_key(config.get("INSTANCE_DIR") or _INSTANCE)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # the test profile only  # noqa: S105  # nosec B105
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("DATABASE_URL", "sqlite:///" + str(_INSTANCE / "test.db"))
    )
    # Tests hash passwords quickly; production keeps argon2's defaults.
    FAST_PASSWORD_HASH = True
    CHECKPOINT_INTERVAL_MINUTES = 0.0  # tests that want periodic checkpoints switch them on
    MAIL_TRANSPORT = "file"
    MAIL_SEND_INTERVAL_SECONDS = 0.0  # tests that want the periodic sender switch it on
    DEADLINE_CHECK_SECONDS = 0.0       # tests run the deadline timer themselves
    FIXITY_CHECK_HOURS = 0.0
    ACCESS_LOG = False
    CHECKPOINT_WITNESS_PATH = ""  # tests that want it point it at their own file
    FORM_TOKEN_CLEANUP_SECONDS = 0.0
    LOGIN_MAX_FAILURES = 5
    PDF_RENDER_ISOLATED = False  # the tests of the limits switch it on
    PUBLIC_PAGE_CACHE = "NullCache"  # the test of the page cache switches it on


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 31536000
    TWO_FACTOR_REQUIRED = _env_bool("TWO_FACTOR_REQUIRED", True)
    JOB_RUNNER = os.environ.get("JOB_RUNNER", "rq")
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "smtp")

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets a production installation must have."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start: set " + " and ".join(missing)
                + " in the environment."
            )
        # legal-docs: issued PDFs print their verification address for good, so it must be
        # the public https address of this installation.
        base = os.environ.get("PUBLIC_BASE_URL", "")
        if not base.startswith("https://") or len(base) <= len("https://"):
            raise RuntimeError(
                "Production configuration refuses to start: set PUBLIC_BASE_URL to the public "
                "https:// address of this installation (printed in every decision's QR code)."
            )


PROFILES = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def profile_from_env() -> str:
    """The profile named by ``SUPERVISION_ENV`` (default: development)."""
    return os.environ.get("SUPERVISION_ENV", "development")
