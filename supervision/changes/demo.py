"""Demo change application (``flask demo load``): firm A asks to change a registered model's
name and software version; the officer has accepted it (受理通知书 issued) and it waits for the
proposal.  Made through the services and the case engine."""
from __future__ import annotations

from typing import Any

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.changes import services
from supervision.changes.models import ChangeApplication
from supervision.extensions import db
from supervision.registry.models import Registration


def load(*, users, firm_a, **_: Any) -> None:
    if db.session.execute(db.select(ChangeApplication.id).limit(1)).first():
        return
    reg = db.session.execute(
        db.select(Registration).join(Case, Case.id == Registration.case_id)
        .where(Case.firm_id == firm_a.id, Case.state == "registered").order_by(Registration.id).limit(1)).scalar()
    if reg is None:
        return
    app = services.apply_for_change(reg, actor=users["applicant@example.com"], name=f"{reg.model.name} Pro",
                                    values={"software_version": "ctrl 3.0", "max_speed_mps": reg.version.max_speed_mps})
    cases.fire(app.case, "accept", actor=users["officer@example.com"])
