"""Batches of codes: gap-free serials per model (also when two batches are requested at the same
moment, on PostgreSQL), bounds, and registrations that block new codes."""
from __future__ import annotations

import threading

import pytest

from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.core import uow
from supervision.extensions import db
from supervision.registry.models import RobotModel
from supervision.units import codes, services
from supervision.units.models import ModelCode, Unit
from tests.units.conftest import registered_model


def serials(model_id: int) -> list[int]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Unit.serial).filter_by(model_id=model_id).order_by(Unit.serial)).scalars())


def test_batches_continue_the_serials_and_every_code_checks(coded):
    world = coded.world
    services.request_batch(coded.model, firm=world.firm_a, actor=world.applicant_a, size=3)
    db.session.commit()
    assert serials(coded.model.id) == list(range(1, 9))
    for unit in db.session.execute(db.select(Unit)).scalars():
        assert codes.parse(unit.code).text == unit.code and unit.state == "code_assigned"
    issued = db.session.execute(db.select(AuditEvent).filter_by(action="units.batch_issued")).scalars().all()
    assert len(issued) == 2


@pytest.mark.parametrize("size", [0, 10_001, -1])
def test_a_batch_has_one_to_ten_thousand_units(coded, size):
    with pytest.raises(services.CodingRefused) as err:
        services.request_batch(coded.model, firm=coded.world.firm_a, actor=coded.world.applicant_a, size=size)
    assert err.value.msgid == "A batch has 1 to %(max)s units."


def test_the_model_code_comes_with_registration(coded):
    mc = services.model_code_of(coded.model)
    assert mc.code == "0001" and mc.source == "registration"
    second = registered_model(coded.world, name="Robot Y")
    assert services.model_code_of(second).code == "0002"


def test_no_codes_before_registration_or_without_a_prefix(world):
    from tests.registry.conftest import make_registration

    services.assign_prefix(world.firm_a, actor=world.admin, prefix="A1B2C3")
    reg = make_registration(world)
    why = services.batch_refusal(reg.model, world.firm_a)
    assert "no model code" in why.msgid
    other = make_registration(world, firm=world.firm_b, actor=world.applicant_b)
    assert "no manufacturer prefix" in services.batch_refusal(other.model, world.firm_b).msgid
    assert "owns the model" in services.batch_refusal(other.model, world.firm_a).msgid


@pytest.mark.parametrize("state", ["suspended", "revoked", "deregistered"])
def test_a_suspended_revoked_or_deregistered_registration_blocks_new_batches(coded, state):
    from supervision.units.services import registration_of_model

    _reg, case = registration_of_model(coded.model)
    case.state = state
    db.session.commit()
    with pytest.raises(services.CodingRefused) as err:
        services.request_batch(coded.model, firm=coded.world.firm_a, actor=coded.world.applicant_a, size=1)
    assert err.value.msgid == "The registration of this model is %(state)s: no new codes can be issued."


def test_a_sandbox_model_code_is_bounded_by_the_units_applied_for(world):
    from tests.registry.conftest import make_registration

    services.assign_prefix(world.firm_a, actor=world.admin, prefix="A1B2C3")
    model = make_registration(world).model
    services.assign_model_code(model, actor=world.officer, source="sandbox", unit_limit=4)
    services.request_batch(model, firm=world.firm_a, actor=world.applicant_a, size=3)
    with pytest.raises(services.CodingRefused) as err:
        services.request_batch(model, firm=world.firm_a, actor=world.applicant_a, size=2)
    assert err.value.params == {"limit": 4, "left": 1}


def test_prefixes_are_unique_and_shaped(world):
    services.assign_prefix(world.firm_a, actor=world.admin, prefix="ＡＢＣ１２３")
    assert services.prefix_of(world.firm_a) == "ABC123"
    with pytest.raises(services.CodingRefused):
        services.assign_prefix(world.firm_b, actor=world.admin, prefix="abc123")
    with pytest.raises(services.CodingRefused):
        services.assign_prefix(world.firm_b, actor=world.admin, prefix="AB-123")
    with pytest.raises(services.CodingRefused):
        services.assign_prefix(world.department, actor=world.admin, prefix="DEP001")


@pytest.mark.postgres
def test_two_batches_at_the_same_moment_get_disjoint_gap_free_serials(app, coded):
    model_id, firm_id, user_id = coded.model.id, coded.world.firm_a.id, coded.world.applicant_a.id
    barrier = threading.Barrier(4, timeout=30)
    outcomes: list[str] = []

    def worker(size: int) -> None:
        with app.app_context():
            model = db.session.get(RobotModel, model_id)
            actor = db.session.get(User, user_id)
            barrier.wait()
            try:
                with uow.unit_of_work():
                    services.request_batch(model, firm=actor.organisation, actor=actor, size=size)
                outcomes.append("ok")
            except Exception as err:  # pragma: no cover - reported by the assertion below
                outcomes.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(size,)) for size in (100, 250, 40, 7)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert outcomes == ["ok"] * 4
    assert serials(model_id) == list(range(1, 5 + 100 + 250 + 40 + 7 + 1))
    assert db.session.execute(db.select(ModelCode.last_serial).filter_by(model_id=model_id)).scalar() == 402
    assert firm_id
