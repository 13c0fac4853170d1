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
    # Request bodies a little above the upload limit still reach the view, so an oversize file
    # gets the friendly message rather than a bare 413.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh", "en")
    TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    # A session ends after this long without a request, and this long after signing in.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    JOB_RUNNER = os.environ.get("JOB_RUNNER", "thread")  # "thread" (embedded) or "rq"
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # A signed checkpoint of the audit log once the newest is this old and the log grew; 0: off.
    CHECKPOINT_INTERVAL_MINUTES = float(os.environ.get("CHECKPOINT_INTERVAL_MINUTES", "60"))
    # Clock lengths per case type, over the workflow tables' defaults (JSON in the environment),
    # e.g. {"registration": {"acceptance": {"length": 5, "unit": "working_days"}}}.
    CASE_CLOCKS: dict = json.loads(os.environ.get("CASE_CLOCKS") or "{}")
    # How often the timer looks for deadlines that ran out (seconds); 0 switches it off.
    DEADLINE_CHECK_SECONDS = float(os.environ.get("DEADLINE_CHECK_SECONDS", "60"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # The installed case types (dotted ``module:NAME`` of each ``CaseType``), in menu order.
    CASE_TYPES = ("supervision.registry.case_type:REGISTRATION",)
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
    RECONSIDERATION_BODY_ZH = os.environ.get("RECONSIDERATION_BODY_ZH", "杭州市人民政府")
    RECONSIDERATION_BODY_EN = os.environ.get(
        "RECONSIDERATION_BODY_EN", "Hangzhou Municipal People's Government"
    )


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
    SECRET_KEY = "testing-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("DATABASE_URL", "sqlite:///" + str(_INSTANCE / "test.db"))
    )
    # Tests hash passwords quickly; production keeps argon2's defaults.
    FAST_PASSWORD_HASH = True
    CHECKPOINT_INTERVAL_MINUTES = 0.0  # tests that want periodic checkpoints switch them on
    MAIL_TRANSPORT = "file"
    MAIL_SEND_INTERVAL_SECONDS = 0.0  # tests that want the periodic sender switch it on
    DEADLINE_CHECK_SECONDS = 0.0       # tests run the deadline timer themselves
    LOGIN_MAX_FAILURES = 5


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
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


PROFILES = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def profile_from_env() -> str:
    """The profile named by ``SUPERVISION_ENV`` (default: development)."""
    return os.environ.get("SUPERVISION_ENV", "development")
