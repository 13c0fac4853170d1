"""Every action the code records reads as words on the audit pages and the case timeline (the
machine name stays in the log and exports): a new ``record("…")`` without a label fails here."""
from __future__ import annotations

import re
from pathlib import Path

from supervision.audit import labels

SOURCE = Path(__file__).resolve().parents[2] / "supervision"


def test_every_recorded_action_has_a_label(app):
    recorded = {m.group(1) for path in SOURCE.rglob("*.py")
                for m in re.finditer(r'record\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8"))}
    assert len(recorded) > 50
    with app.app_context():
        assert sorted(recorded - set(labels.known_actions())) == []
