"""The demo's change application (``flask demo load``) has been accepted: its notice of acceptance
is issued and the review is under way, as on a real platform."""
from __future__ import annotations

from supervision.changes.models import ChangeApplication
from supervision.decisions.models import Decision
from supervision.extensions import db


def test_the_demo_change_application_is_accepted(demo_data):
    change = db.session.execute(db.select(ChangeApplication)).scalar_one()
    assert change.case.state == "accepted"
    kinds = db.session.execute(db.select(Decision.kind).filter_by(case_id=change.case_id)).scalars().all()
    assert kinds == ["change_acceptance"]
