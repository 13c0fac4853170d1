"""Helpers of the change-and-renewal tests: a registered model and its applications, through the
real services."""
from __future__ import annotations

from supervision.cases import services as cases
from supervision.changes import services
from supervision.extensions import db
from tests.registry.conftest import BASE, make_registration, to_registered


def registered(world, name: str = "ZX-Arm A1"):
    reg = make_registration(world, name=name)
    to_registered(world, reg)
    db.session.commit()
    return reg


def apply_change(world, reg, name: str = "ZX-Arm A1 Pro", **values):
    app = services.apply_for_change(reg, actor=world.applicant_a, name=name,
                                    values={**BASE, "software_version": "2.0", **values})
    db.session.commit()
    return app


def accept(world, app):
    """The officer accepts the application (受理): the review may begin."""
    cases.fire(app.case, "accept", actor=world.officer)
    db.session.commit()
    return app
