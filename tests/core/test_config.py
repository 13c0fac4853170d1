"""Configuration profiles: only config.py reads the environment; production insists on its secrets."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_CONFIG = ("from supervision import create_app; app = create_app(); "
                "print(app.config['ENV_NAME']); print(app.config['SQLALCHEMY_DATABASE_URI']); "
                "print(app.config['SECRET_KEY'])")


def run_app(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "SECRET_KEY", "SUPERVISION_ENV", "SUPERVISION_INSTANCE",
                          "PUBLIC_BASE_URL")}
    clean.update({"SUPERVISION_INSTANCE": str(tmp_path / "instance")}, **env)
    return subprocess.run([sys.executable, "-c", PRINT_CONFIG], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_only_config_reads_the_environment():
    offenders = []
    for folder in ("supervision", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            if re.search(r"os\.environ|getenv|environ\.get|from os import environ", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("env, missing", [
    ({}, "SECRET_KEY and DATABASE_URL"),
    ({"SECRET_KEY": "s" * 40}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db.example/supervision"}, "SECRET_KEY"),
])
def test_production_refuses_to_start_without_its_secrets(tmp_path, env, missing):
    result = run_app({"SUPERVISION_ENV": "production", **env}, tmp_path)
    assert result.returncode != 0
    assert f"Production configuration refuses to start: set {missing} in the environment." in result.stderr


def test_production_starts_with_its_secrets_and_honours_database_url(tmp_path):
    result = run_app({"SUPERVISION_ENV": "production", "SECRET_KEY": "k" * 40,
                      "DATABASE_URL": "postgres://user@db.example:5432/supervision",
                      "PUBLIC_BASE_URL": "https://robots.hangzhou.example"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["production", "postgresql+psycopg://user@db.example:5432/supervision",
                                          "k" * 40]
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("profile", ["development", "testing"])
def test_database_url_is_honoured_in_every_profile(tmp_path, profile):
    url = f"sqlite:///{tmp_path}/elsewhere.db"
    result = run_app({"SUPERVISION_ENV": profile, "DATABASE_URL": url}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [profile, url]


def test_development_keeps_one_random_secret_key_in_instance(tmp_path):
    first = run_app({"SUPERVISION_ENV": "development"}, tmp_path)
    second = run_app({"SUPERVISION_ENV": "development"}, tmp_path)
    assert first.returncode == 0, first.stderr
    key = first.stdout.splitlines()[2]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert second.stdout.splitlines()[2] == key
    path = tmp_path / "instance" / "secret_key"
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Another installation gets another key.
    other = run_app({"SUPERVISION_ENV": "development"}, tmp_path / "other")
    assert other.stdout.splitlines()[2] != key


def test_development_database_defaults_to_instance_sqlite(tmp_path):
    result = run_app({"SUPERVISION_ENV": "development"}, tmp_path)
    assert result.stdout.splitlines()[1] == f"sqlite:///{tmp_path}/instance/supervision.db"


SECURITY_SETTINGS = ("from supervision import create_app; app = create_app(); "
                     "print([bool(app.config.get(k)) for k in ('TWO_FACTOR_REQUIRED', 'SESSION_COOKIE_SECURE', "
                     "'REMEMBER_COOKIE_SECURE')] + [app.config['HSTS_SECONDS']])")


@pytest.mark.parametrize("profile, expected", [
    # Production: two-factor sign-in for the regulators' roles, cookies only over HTTPS, HSTS.
    ("production", "[True, True, True, 31536000]"),
    # `make run` (development): the demo accounts sign in with their password; plain HTTP.
    ("development", "[False, False, False, 0]"),
])
def test_production_requires_two_factor_and_secure_cookies_and_make_run_does_not(tmp_path, profile, expected):
    env = {"SUPERVISION_ENV": profile, "SECRET_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
           "PUBLIC_BASE_URL": "https://robots.hangzhou.example"}
    clean = {k: v for k, v in os.environ.items() if k not in ("TWO_FACTOR_REQUIRED",)}
    clean.update({"SUPERVISION_INSTANCE": str(tmp_path / "instance")}, **env)
    result = subprocess.run([sys.executable, "-c", SECURITY_SETTINGS], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
    makefile = (ROOT / "Makefile").read_text()
    assert "TWO_FACTOR_REQUIRED" not in makefile and "SUPERVISION_ENV=production" not in makefile
