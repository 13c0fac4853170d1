"""Helpers of the unit tests: firm A with its manufacturer prefix and a registered model, batches
and events recorded through the real services."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import inspect as sa_inspect

from supervision.extensions import db
from supervision.units import events, services
from tests.conftest import REFERENCE_TABLES, copy_rows, empty_tables, restore_rows
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


# The rows ``coded`` made the first time in this process, and what it was made on (the tables of
# the ``world``, see ``_tables_now``).  Its registration goes through the whole procedure with a
# signed decision (seconds); later tests on a bare world get the same rows put back instead.
_CODED: dict = {}


def _tables_now() -> tuple:
    """The rows of every business table, counted, with the users' e-mails and the organisations'
    names: what tells a bare ``world`` from one that other fixtures added to."""
    from supervision.accounts.models import Organisation, User

    db.session.commit()
    counts = {t.name: db.session.execute(db.select(db.func.count()).select_from(t)).scalar()
              for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES}
    return (counts, sorted(db.session.execute(db.select(User.email)).scalars()),
            sorted(db.session.execute(db.select(Organisation.name_zh)).scalars()))


@pytest.fixture
def coded(app, world):
    """Firm A with prefix A1B2C3, firm B with B0B0B0, a registered model of firm A and a batch of 5."""
    from supervision.jobs import runners

    bare = _tables_now()
    if _CODED and bare == _CODED["bare"]:  # nothing but the world yet: the copy stands in for it
        # The session's read transaction ends first: on PostgreSQL its locks would hold the
        # TRUNCATE of another connection back for good.
        db.session.remove()
        empty_tables()
        restore_rows(_CODED["rows"])
        for name, (model_class, identity) in _CODED["world"].items():
            setattr(world, name, db.session.get(model_class, identity))
        model = db.session.get(_CODED["model"][0], _CODED["model"][1])
        batch = db.session.get(_CODED["batch"][0], _CODED["batch"][1])
    else:
        services.assign_prefix(world.firm_a, actor=world.admin, prefix="a1b2c3")
        services.assign_prefix(world.firm_b, actor=world.admin, prefix="B0B0B0")
        model = registered_model(world)
        batch = services.request_batch(model, firm=world.firm_a, actor=world.applicant_a, size=5)
        db.session.commit()
        if not _CODED:
            runners.drain(app)  # the registration's e-mails are sent before the copy is taken
            _CODED.update(bare=bare, rows=copy_rows(), model=(type(model), model.id),
                          batch=(type(batch), batch.id),
                          world={name: (type(value), sa_inspect(value).identity)
                                 for name, value in vars(world).items() if isinstance(value, db.Model)})
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
