"""Helpers of the legal tests: the decision tests' keys and WeasyPrint check, PDF text and pictures."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.decisions.conftest import _decision_keys, issue, weasyprint_log  # noqa: F401  (fixtures)


def pdf_text(pdf: bytes, tmp_path, *, layout: bool = False) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    # joined: the body reads on across a page break (the page numbers "—1—" taken out)
    return out if layout else re.sub(r"—\d+—", "", "".join(out.split()))


@pytest.fixture
def nature(app):
    """Set ``REGISTRATION_NATURE`` for one test: ``nature("licence")``."""
    before = app.config.get("REGISTRATION_NATURE")

    def set_(value: str) -> None:
        app.config["REGISTRATION_NATURE"] = value

    yield set_
    app.config["REGISTRATION_NATURE"] = before


@pytest.fixture
def production(app):
    """``ENV_NAME`` is "production" for one test (the rest of the testing profile stays)."""
    before = app.config["ENV_NAME"]
    app.config["ENV_NAME"] = "production"
    yield
    app.config["ENV_NAME"] = before
