"""The benchmark dataset (bench/dataset.py) is made of real registration cases: the app verifies
its audit log, lists its registered models on the public register with their number and tier,
shows a firm its applications, and recomputes every stored classification the same way."""
from __future__ import annotations

import collections
import json
import re

import pytest

from bench.dataset import PASSWORD, fill
from supervision.certificates.models import CertificateReliance
from supervision.audit.models import AuditEvent
from supervision.cases.models import Case
from supervision.extensions import db
from supervision.registry import services, tiering
from supervision.registry.models import Classification, ModelVersion, Registration, RobotModel
from supervision.registry.presenters import PUBLIC_REGISTERED

CASES, EVENTS = 60, 3000


@pytest.fixture
def dataset(app):
    return fill(db, CASES, EVENTS, seed=7)


def _rows(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r'<tr data-case-id="(\d+)"(.*?)</tr>', html, re.S)}


def test_dataset_passes_audit_verify_with_exactly_the_requested_events(dataset, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{EVENTS} events verified" in result.output
    assert dataset["events"] == EVENTS and dataset["cases"] == CASES


def test_registered_models_are_on_the_public_register_with_number_and_tier(dataset, client):
    registered = db.session.execute(
        db.select(Registration).join(Case, Case.id == Registration.case_id)
        .where(Case.state.in_(PUBLIC_REGISTERED))).scalars().all()
    assert len(registered) >= 5
    html = client.get("/register").get_data(as_text=True)
    rows = _rows(html)
    for reg in registered:
        assert re.fullmatch(r"杭具身注〔\d{4}〕\d+号", reg.registration_number)
        row = rows[reg.case_id]
        assert reg.registration_number in row
        assert f'data-tier="{reg.classification.tier}"' in row
    feed = json.dumps(client.get("/register.json").get_json(), ensure_ascii=False)
    assert all(reg.registration_number in feed for reg in registered)


def test_registration_numbers_are_gap_free_per_year_in_registration_order(dataset):
    numbered = db.session.execute(
        db.select(Registration).where(Registration.reg_serial.is_not(None))
        .order_by(Registration.reg_year, Registration.reg_serial)).scalars().all()
    assert len(numbered) == dataset["registry"]["numbered"] > 0
    by_year = collections.defaultdict(list)
    for reg in numbered:
        by_year[reg.reg_year].append(reg)
    for year, regs in by_year.items():
        assert [r.reg_serial for r in regs] == list(range(1, len(regs) + 1))
        assert [r.registered_on for r in regs] == sorted(r.registered_on for r in regs)
        assert all(r.registered_on.year == year for r in regs)


def test_every_classification_is_what_the_engine_computes_and_the_workflow_saw(dataset):
    classifications = db.session.execute(db.select(Classification)).scalars().all()
    assert classifications
    for c in classifications:
        version = db.session.get(ModelVersion, c.version_id)
        assert version.frozen_at is not None and version.frozen_at <= c.created_at
        result = tiering.classify(services.inputs_of(version), c.ruleset.rules)
        assert (result.score, result.tier) == (c.score, c.computed_tier)
        assert c.tier == c.computed_tier or c.override_reason
    # Tier 1 is registered on approval; tier 2+ went through public notice, relying on a certificate
    # a certification body recorded for the model.
    registered = db.select(Registration).where(Registration.registered_on.is_not(None))
    for reg in db.session.execute(registered).scalars():
        triggers = db.session.execute(db.select(AuditEvent.trigger).where(
            AuditEvent.case_id == reg.case_id, AuditEvent.trigger.is_not(None))).scalars().all()
        assert ("conclude_notice" in triggers) == (reg.classification.tier >= 2)
        relied = db.session.execute(db.select(CertificateReliance).filter_by(case_id=reg.case_id)).scalars().all()
        assert (reg.classification.tier >= 2) == bool(relied)
        assert all(r.certificate.model_id == reg.model_id and r.certificate.state == "issued" for r in relied)


def test_busiest_firm_sees_all_its_models_and_their_numbers(dataset, web):
    firm = dataset["busiest_firm"]
    web.login(firm["login"]["email"], PASSWORD)
    html = web.get("/registry/models").get_data(as_text=True)
    models = db.session.execute(db.select(RobotModel).filter_by(firm_id=firm["id"])).scalars().all()
    assert len(models) == firm["models"] > 1
    assert set(map(int, re.findall(r'data-model-id="(\d+)"', html))) == {m.id for m in models}
    numbers = db.session.execute(db.select(Registration.registration_number).join(
        RobotModel, RobotModel.id == Registration.model_id).where(
        RobotModel.firm_id == firm["id"], Registration.registration_number.is_not(None))).scalars().all()
    for number in numbers:
        assert number in html


def test_a_dataset_streamed_in_many_batches_and_sorted_runs_verifies(app, runner, monkeypatch):
    """The generator writes cases every few cases and sorts the events through temporary
    files when they do not fit in one run: the result is still one valid chain, globally and
    per case, with exactly the requested events, and the registration numbers stay gap-free."""
    from bench import dataset as module

    monkeypatch.setattr(module.Builder, "CASE_BATCH", 7)
    monkeypatch.setattr(module.EventSorter, "RUN", 400)
    monkeypatch.setattr(module.EventSorter, "BLOCK", 50)
    spilled = []
    spill = module.EventSorter._spill
    monkeypatch.setattr(module.EventSorter, "_spill", lambda self: (spilled.append(1), spill(self)))
    meta = fill(db, 40, 2000, seed=11)
    assert len(spilled) >= 5  # the events really went through several sorted runs
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "2000 events verified" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == meta["cases"] == 40
    times = db.session.execute(db.select(AuditEvent.created_at).order_by(AuditEvent.seq)).scalars().all()
    assert times == sorted(times) and len(times) == 2000
    serials = collections.defaultdict(list)
    for year, serial in db.session.execute(db.select(Registration.reg_year, Registration.reg_serial)
                                           .where(Registration.reg_serial.is_not(None))):
        serials[year].append(serial)
    assert sum(map(len, serials.values())) == meta["registry"]["numbered"] > 0
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in serials.values())
