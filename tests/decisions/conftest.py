"""Helpers of the decision tests: a case in a state, an issued decision, signing keys in a
temporary folder, and WeasyPrint's log captured so a slow-path warning fails the test."""
from __future__ import annotations

import logging
import tempfile

import pytest

from supervision.decisions import services
from supervision.extensions import db
from tests.cases.conftest import put_in_state  # noqa: F401  (re-exported for the tests)

_KEYS = tempfile.mkdtemp(prefix="decision-keys-")


@pytest.fixture(autouse=True)
def _decision_keys(app):
    """Every test here signs with a development CA kept in a temporary folder."""
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = _KEYS
    yield _KEYS
    app.config["DECISION_KEY_DIR"] = before


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def weasyprint_log():
    """Fail any test whose rendering fell back to fontTools subsetting (80× slower, STACK trap 1)."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)
    slow = [m for m in handler.messages if "Using fontTools instead of HarfBuzz-Subset" in m]
    assert not slow, slow


def issue(world, kind: str = "grant", *, language: str = "zh", facts=None, case=None, **kw):
    """Issue a decision directly and commit it (as the request that issued it would)."""
    case = case or world.case()
    decision = services.issue_decision(case, kind, actor=world.approver, language=language,
                                       facts=facts or {"reason": "测试理由。"}, **kw)
    db.session.commit()
    return decision
