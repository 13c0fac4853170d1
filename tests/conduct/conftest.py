"""Helpers of the prohibited-conduct tests: a case the world's officer opens against firm A,
and the steps that carry it to findings."""
from __future__ import annotations

import datetime as dt
import tempfile

import pytest

from supervision.cases import services as cases
from supervision.conduct import services
from supervision.core.timeutil import local_today

_KEYS = tempfile.mkdtemp(prefix="conduct-keys-")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def open_case(world, *, firm=None, category="privacy"):
    return services.open_case(actor=world.officer, firm_id=(firm or world.firm_a).id, category=category,
                              title="Robots keep face images", description="Cameras store faces without notice.",
                              source="A complaint")


def to_findings(world, case):
    cases.fire(case, "start_investigation", actor=world.officer)
    cases.fire(case, "record_findings", actor=world.officer, reason="The logs show 4,000 stored face images.")
    return case


def in_a_month() -> str:
    return (local_today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture(autouse=True)
def _keys(app):
    """Decisions are signed with a development CA kept in a temporary folder."""
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = _KEYS
    yield
    app.config["DECISION_KEY_DIR"] = before
