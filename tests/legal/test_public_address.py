"""Defect 14: verification addresses use the installation's public address; production insists
on an https one; a number typed with ASCII or full-width brackets or spaces is found."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from supervision.documents import storage
from tests.core.test_config import run_app
from tests.legal.conftest import issue, pdf_text

SECRETS = {"SUPERVISION_ENV": "production", "SECRET_KEY": "k" * 40,
           "DATABASE_URL": "postgresql://db.example/supervision"}


@pytest.mark.parametrize("base", [None, "", "http://robots.hangzhou.example", "https://"])
def test_production_refuses_to_start_without_an_https_public_address(tmp_path, base):
    env = dict(SECRETS) if base is None else {**SECRETS, "PUBLIC_BASE_URL": base}
    result = run_app(env, tmp_path)
    assert result.returncode != 0
    assert "set PUBLIC_BASE_URL to the public https:// address" in result.stderr


def test_production_starts_with_an_https_public_address(tmp_path):
    result = run_app({**SECRETS, "PUBLIC_BASE_URL": "https://robots.hangzhou.example"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_make_run_derives_the_address_from_host_and_port():
    root = Path(__file__).resolve().parents[2]
    # `make test` exports PUBLIC_BASE_URL to the tests: the command under test must not inherit it.
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "MAKEFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-s", "-n", "-p", "HOST=10.1.2.3", "PORT=8123", "serve"], cwd=root,
                         capture_output=True, text=True, env=env).stdout
    assert "PUBLIC_BASE_URL = http://$(HOST):$(PORT)" in out or "PUBLIC_BASE_URL := http://10.1.2.3:8123" in out
    value = subprocess.run(["make", "-s", "--eval", "show:\n\t@echo $(PUBLIC_BASE_URL)", "HOST=10.1.2.3",
                            "PORT=8123", "show"], cwd=root, capture_output=True, text=True, env=env).stdout.strip()
    assert value == "http://10.1.2.3:8123"


def test_the_qr_address_is_the_configured_public_address(app, world, tmp_path):
    before = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "https://robots.hangzhou.example/"
    try:
        decision = issue(world, "acceptance")
    finally:
        app.config["PUBLIC_BASE_URL"] = before
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert f"https://robots.hangzhou.example/verify/{decision.token}".replace("-", "") in text.replace("-", "")
    assert "127.0.0.1" not in text


def test_verify_by_number_accepts_the_ways_people_type_it(client, world):
    decision = issue(world, "acceptance")
    year, serial = decision.year, decision.serial
    prefix = decision.number.split("〔")[0]
    for typed in (f"{prefix}({year}){serial}号", f"{prefix}（{year}）{serial}号",
                  f" {prefix} 〔{year}〕 {serial} 号 ", f"{prefix}[{year}]{serial}号"):
        html = client.get("/verify", query_string={"number": typed, "lang": "en"},
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert 'class="flash success"' in html and 'class="flash error"' not in html, typed
