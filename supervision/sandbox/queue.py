"""What the regulators' queue shows and searches of a sandbox test: the model tested, the tier
its registration holds, and the cases a model name, model code or unit code names."""
from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy.orm import aliased

from supervision.cases.models import Case
from supervision.cases.types import QueueSubject
from supervision.core import textsearch
from supervision.extensions import db
from supervision.registry.models import Registration
from supervision.registry.queue import models_named
from supervision.sandbox.models import SandboxTest


def model_name():
    return db.select(SandboxTest.model_name).where(SandboxTest.case_id == Case.id).scalar_subquery()


def tier():
    return (db.select(Registration.tier)
            .join(SandboxTest, SandboxTest.model_id == Registration.model_id)
            .where(SandboxTest.case_id == Case.id, Registration.tier.is_not(None))
            .order_by(Registration.id.desc()).limit(1).scalar_subquery())


def tier_is(n: int):
    """The tests whose model's newest registration with a tier holds tier ``n`` (the same tier
    as ``tier()``), read from ``registrations.tier`` through its index."""
    newer = aliased(Registration)
    return Case.id.in_(
        db.select(SandboxTest.case_id).join(Registration, Registration.model_id == SandboxTest.model_id)
        .where(Registration.tier == n,
               ~db.select(newer.id).where(newer.model_id == Registration.model_id, newer.tier.is_not(None),
                                          newer.id > Registration.id).exists()))


def search(term: str):
    return Case.id.in_(db.select(SandboxTest.case_id).where(or_(
        textsearch.contains(SandboxTest.model_name, term),
        SandboxTest.model_id.in_(models_named(term)))))


QUEUE_SUBJECT = QueueSubject(model=model_name, tier=tier, search=search, tier_is=tier_is)
