"""The demo's conduct cases: firm B asked for information, firm A under a remediation order."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.extensions import db


def test_the_demo_has_a_request_for_information_and_a_remediation_order(demo_data):
    rows = db.session.execute(db.select(Case).filter_by(case_type="conduct").order_by(Case.id)).scalars().all()
    assert [c.state for c in rows] == ["info_requested", "remediation_required"]
    assert rows[1].due_date is not None  # the remediation deadline runs
    kinds = set(db.session.execute(db.select(Decision.kind).where(Decision.case_id == rows[1].id)).scalars())
    assert kinds == {"conduct_remediation"}
