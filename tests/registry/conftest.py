"""Helpers of the registry tests: robot models of each tier, moving a registration through
the real services, and a tiny PDF for evidence uploads."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.extensions import db
from supervision.registry import services

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

BASE = dict(manufacturer="Acme Robotics", form_factor="wheeled", intelligence_level=1,
            scenarios=["manufacturing"], mass_kg=Decimal("10"), max_speed_mps=Decimal("1.0"),
            standards="GB 11291.1-2011", software_version="1.0")
# L2 (1) + S3 (1) = 2 -> tier 2
TIER2 = {**BASE, "intelligence_level": 2, "scenarios": ["commerce"]}


def make_registration(world, values=None, *, firm=None, actor=None, name="Robot X"):
    return services.create_model(firm=firm or world.firm_a, actor=actor or world.applicant_a,
                                 name=name, values=values or BASE)


def fire(reg_or_case, trigger, actor, **kw):
    case = reg_or_case if isinstance(reg_or_case, Case) else reg_or_case.case
    return cases.fire(case, trigger, actor=actor, **kw)


def declare_certificate(world, reg):
    """A certification body records a valid certificate for the registration's model."""
    from tests.factories import certify

    return certify(reg.model, number="CR-1")


def to_review(world, reg):
    fire(reg, "submit", world.applicant_a)
    fire(reg, "accept", world.officer)
    fire(reg, "start_review", world.officer)


def to_registered(world, reg):
    """Tier-1 registration: submit, accept, review, propose, approve."""
    to_review(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    assert reg.case.state == "registered"


def state(case_id: int) -> str:
    db.session.commit()
    return db.session.get(Case, case_id).state


@pytest.fixture
def reg_a(world):
    return make_registration(world)


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (the messages these tests read are written in English; the Chinese
    catalog is filled by the translation pass)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def open_penalty_case(world, reg, action: str = "revocation") -> None:
    """立案: an officer proposes with a second officer, the head approves (行政处罚法 Arts. 42, 54)."""
    fire(reg, "propose_penalty_case", world.officer, penalty_action=action, reason="A serious incident was concealed.",
         evidence="The incident log.", second_officer=str(world.officer2.id))
    fire(reg, "approve_penalty_case", world.approver)


def review_and_discuss(world, reg, *, discuss: bool = True) -> None:
    """Before the head decides a penalty: the legal review by a regulator who did not investigate
    (Art. 58), and the collective discussion of a serious case (Art. 57)."""
    fire(reg, "appoint_legal_reviewer", world.approver, legal_reviewer=str(world.dual.id))
    fire(reg, "legal_review", world.dual, legal_opinion="lawful", reason="事实清楚，证据确凿，程序合法，依据正确。")
    if discuss:
        fire(reg, "record_discussion", world.approver, discussion_date="2026-05-20",
             participants="局长、分管副局长、法规处处长", conclusion="同意吊销。")


def revoke(world, reg, *, facts: str = "隐瞒事故。", evidence: str = "监控录像", defence: str | None = "已补报。",
           reply: str = "不予采纳。", proposal: str | None = None) -> None:
    """The whole revocation penalty: opened case, prior notice, defence, proposal, legal review,
    collective discussion, approval."""
    open_penalty_case(world, reg)
    fire(reg, "notice_revocation", world.officer, reason=facts, evidence=evidence)
    if defence:
        fire(reg, "file_statement", world.applicant_a, comment=defence)
    fire(reg, "propose_revocation", world.officer, reason=proposal or facts, defence_reply=reply)
    review_and_discuss(world, reg)
    fire(reg, "approve_revocation", world.approver)


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int):
    """Travel to 10:00 Beijing time on that day (the penalty procedure's dates)."""
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def bare(user) -> str:
    """A name as ``pdftotext`` gives it (no spaces between the glyphs)."""
    return user.name.replace(" ", "")


def refused(reg, trigger, actor, **inputs) -> list[str]:
    """The reasons a firing is refused, with their parameters filled in."""
    with pytest.raises(cases.TransitionRefused) as err:
        fire(reg, trigger, actor, **inputs)
    return [r % err.value.params if "%(" in r else r for r in err.value.reasons]
