"""Helpers of the unit tests: firm A with its manufacturer prefix and a registered model, batches
and events recorded through the real services."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from supervision.extensions import db
from supervision.units import events, services
from tests.registry.conftest import make_registration, to_registered

NOW = "2026-12-01T09:30:00+08:00"


def registered_model(world, *, firm=None, actor=None, name="Robot X"):
    reg = make_registration(world, firm=firm, actor=actor, name=name)
    to_registered(world, reg)
    return reg.model


def step(trigger_pair: tuple[str, str], *unit_codes: str, when: str = NOW, **extra) -> dict:
    biz_step, disposition = trigger_pair
    return {"epcList": list(unit_codes), "eventTime": when, "bizStep": biz_step,
            "disposition": disposition, **extra}


MANUFACTURE = ("commissioning", "active")
SHIP = ("shipping", "in_transit")
SELL = ("retail_selling", "retail_sold")
INSTALL = ("installing", "active")
MAINTAIN = ("repairing", "in_progress")
MAINTAINED = ("inspecting", "active")
REPAIRED = ("repairing", "conformant")
RETURNED = ("receiving", "returned")
LOSE = ("other", "unknown")
FOUND = ("inspecting", "available")
SCRAP = ("destroying", "destroyed")
TRANSFER = ("consigning", "in_transit")
ACCEPT = ("accepting", "sellable_accessible")
VOID = ("void_shipping", "inactive")


@pytest.fixture
def coded(world):
    """Firm A with prefix A1B2C3, firm B with B0B0B0, a registered model of firm A and a batch of 5."""
    services.assign_prefix(world.firm_a, actor=world.admin, prefix="a1b2c3")
    services.assign_prefix(world.firm_b, actor=world.admin, prefix="B0B0B0")
    model = registered_model(world)
    batch = services.request_batch(model, firm=world.firm_a, actor=world.applicant_a, size=5)
    db.session.commit()
    units = services.batch_units(batch)
    return SimpleNamespace(world=world, model=model, batch=batch, units=units,
                           codes=[u.code for u in units])


def record(world, evs, *, firm=None, actor=None, channel="form"):
    ids = events.record(firm=firm or world.firm_a, actor=actor or world.applicant_a, events=evs,
                        channel=channel)
    db.session.commit()
    return ids


def state_of(code: str) -> str:
    from supervision.units.models import Unit

    db.session.expire_all()
    return db.session.execute(db.select(Unit.state).filter_by(code=code)).scalar_one()


@pytest.fixture(autouse=True)
def english_request(app):
    """Services translate their messages: run them as in an English request."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def units_change_meanwhile(monkeypatch):
    """Another submission changes the units a submission names between its reading and its
    writing them: their version moves on in between."""
    from supervision.units.models import Unit

    read = events._Run._load

    def load(self, unit_codes, ids=()):
        found = read(self, unit_codes, ids)
        db.session.execute(db.update(Unit).where(Unit.id.in_([u.id for u in found.values()]))
                           .values(version=Unit.version + 1).execution_options(synchronize_session=False))
        return found

    monkeypatch.setattr(events._Run, "_load", load)
