"""The registration procedure through the engine with the registry's facts and effects."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services as cases
from supervision.core.timeutil import local_today
from supervision.documents.services import add_document
from supervision.extensions import db
from supervision.registry import services
from supervision.registry.models import Classification, ModelVersion, Objection, Ruleset, SandboxReferral
from tests.registry.conftest import (BASE, PDF, TIER2, declare_certificate, fire, make_registration,
                                     open_penalty_case, review_and_discuss, state, to_registered, to_review)


def actions(case_id):
    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                                   .order_by(AuditEvent.seq)).scalars())


def test_incomplete_draft_cannot_be_submitted(world):
    reg = make_registration(world, {"manufacturer": "Acme"})
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "submit", world.applicant_a)
    assert refused.value.reasons == ["The application is incomplete: fill in every required field first."]
    assert state(reg.case_id) == "draft"


def test_only_one_supplement_notice_before_acceptance(world, reg_a):
    fire(reg_a, "submit", world.applicant_a)
    fire(reg_a, "request_supplement", world.officer, items=("test report", "standards list"))
    fire(reg_a, "supplement", world.applicant_a, comment="Both attached.")
    assert state(reg_a.case_id) == "submitted"
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg_a, "request_supplement", world.officer, items=("one more thing",))
    assert refused.value.reasons == ["A supplement notice was already sent; only one is allowed before acceptance."]
    assert state(reg_a.case_id) == "submitted"
    fire(reg_a, "accept", world.officer)
    assert state(reg_a.case_id) == "accepted"


def test_submission_freezes_the_version_and_a_later_change_is_a_new_version(world, reg_a):
    fire(reg_a, "submit", world.applicant_a)
    v1 = reg_a.version
    assert v1.frozen_at is not None
    fire(reg_a, "accept", world.officer)
    services.update_model(reg_a.model, actor=world.applicant_a, name="Robot X",
                          values={**BASE, "software_version": "2.0"})
    db.session.commit()
    versions = db.session.execute(db.select(ModelVersion).order_by(ModelVersion.number)).scalars().all()
    assert [(v.number, v.software_version) for v in versions] == [(1, "1.0"), (2, "2.0")]
    assert reg_a.version.number == 1  # the case under review keeps what it is decided on
    with pytest.raises(ValueError):
        v1.software_version = "tampered"
        db.session.flush()
    db.session.rollback()


def test_supplement_may_bring_a_new_version(world, reg_a):
    fire(reg_a, "submit", world.applicant_a)
    fire(reg_a, "request_supplement", world.officer, items=("Declare the real top speed.",))
    services.update_model(reg_a.model, actor=world.applicant_a, name="Robot X",
                          values={**BASE, "max_speed_mps": Decimal("1.2")})
    fire(reg_a, "supplement", world.applicant_a, comment="Corrected.")
    assert reg_a.version.number == 2 and reg_a.version.frozen_at is not None


def test_acceptance_classifies_under_the_ruleset_in_force(world):
    reg = make_registration(world, TIER2)
    fire(reg, "submit", world.applicant_a)
    fire(reg, "accept", world.officer)
    c = reg.classification
    assert (c.score, c.tier, c.ruleset.version) == (2, 2, 1)
    assert "Total score 2: Tier 2 (general supervision)." in c.rationale_en
    assert "registry.classify" in actions(reg.case_id)


def test_new_ruleset_version_leaves_old_classifications_alone(world):
    reg = make_registration(world, TIER2)
    to_review(world, reg)
    old = reg.classification
    rules = {**old.ruleset.rules, "scenario_points": {"S1": 0, "S2": 1, "S3": 2, "S4": 2, "S5": 2}}
    rs2 = services.create_ruleset(actor=world.admin, rules=rules, note="S3 weighs more",
                                  assessment_ref=None)
    assert rs2.version == 2
    assert reg.classification.ruleset.version == 1 and reg.classification.tier == 2
    services.reclassify(reg, actor=world.officer, reason="The 2nd ruleset is now in force.")
    assert (reg.classification.ruleset.version, reg.classification.score, reg.classification.tier) == (2, 3, 2)
    assert db.session.get(Classification, old.id).ruleset.version == 1
    assert db.session.execute(db.select(db.func.count(Ruleset.id))).scalar() == 2


def test_ruleset_adding_an_obligation_needs_an_art_47_assessment(world):
    rules = dict(services.current_ruleset().rules)
    rules["obligations"] = {**rules["obligations"], "1": ["coding", "registration_filing", "insurance"]}
    with pytest.raises(services.RegistryError) as err:
        services.create_ruleset(actor=world.admin, rules=rules, note="insurance for all", assessment_ref="")
    assert "Art. 47" in err.value.message
    db.session.rollback()
    # A case number alone is not enough: it must name a passed assessment (tests/assessments).
    with pytest.raises(services.RegistryError) as err:
        services.create_ruleset(actor=world.admin, rules=rules, note="insurance for all",
                                assessment_ref="MAR-2026-000001")
    assert "is not a passed Art. 47 assessment" in err.value.message


def test_override_needs_a_reason_and_is_audited(world, reg_a):
    to_review(world, reg_a)
    with pytest.raises(services.RegistryError):
        services.override_tier(reg_a, actor=world.officer, tier=3, reason="  ")
    services.override_tier(reg_a, actor=world.officer, tier=3, reason="Used near a kindergarten in practice.")
    c = reg_a.classification
    assert (c.computed_tier, c.tier, c.override_reason) == (1, 3, "Used near a kindergarten in practice.")
    assert "registry.tier_override" in actions(reg_a.case_id)


def test_tier_2_needs_a_certificate_before_the_proposal(world):
    reg = make_registration(world, TIER2)
    to_review(world, reg)
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "propose_grant", world.officer)
    assert refused.value.reasons == [
        "Tier 2 and above need a valid certificate recorded by a certification body for this model: none is recorded."]
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    assert state(reg.case_id) == "decision_proposed"


def test_tier_4_referral_is_recorded(world):
    reg = make_registration(world, {**BASE, "intelligence_level": 4, "scenarios": ["elderly_care"],
                                    "vulnerable_contact": True, "personal_data": True})
    to_review(world, reg)
    assert reg.tier == 4
    services.refer_to_sandbox(reg, actor=world.officer, note="Sandbox first.")
    assert db.session.execute(db.select(SandboxReferral.note)).scalars().all() == ["Sandbox first."]
    assert "registry.sandbox_referral" in actions(reg.case_id)


def test_four_eyes_with_a_user_holding_both_roles(world, reg_a):
    to_review(world, reg_a)
    cases.assign(reg_a.case, actor=world.approver, assignee=world.dual)
    fire(reg_a, "propose_grant", world.dual)
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg_a, "approve", world.dual)
    assert refused.value.reasons == ["You proposed this decision; another approver must decide it (four eyes)."]
    assert state(reg_a.case_id) == "decision_proposed"
    fire(reg_a, "approve", world.approver)
    assert state(reg_a.case_id) == "registered"


def test_tier_1_is_registered_on_approval_with_a_gap_free_number(world):
    year = local_today().year
    numbers = []
    for i in range(3):
        reg = make_registration(world, name=f"Robot {i}")
        to_registered(world, reg)
        numbers.append(reg.registration_number)
    assert numbers == [f"杭具身注〔{year}〕1号", f"杭具身注〔{year}〕2号", f"杭具身注〔{year}〕3号"]


def test_an_answered_objection_lets_the_notice_conclude_and_the_grant_is_issued_then(world):
    reg = make_registration(world, TIER2)
    to_review(world, reg)
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    assert state(reg.case_id) == "public_notice"
    objection = services.file_objection(reg.case, text_="It ran into my shop window.", objector="Wang",
                                        contact="wang@example.org", client_address="203.0.113.9")
    assert state(reg.case_id) == "public_notice"
    assert [(o.objector, o.text) for o in services.objections_of(reg.case)] == [
        ("Wang", "It ran into my shop window.")]
    reg.case.due_date = local_today() - dt.timedelta(days=1)  # the 5 working days have passed
    db.session.commit()
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "conclude_notice", world.officer)
    assert refused.value.reasons == ["Answer every objection with reasons first."]
    services.answer_objection(objection, actor=world.officer,
                              answer="The window incident was a different model; see the test report.")
    fire(reg, "conclude_notice", world.officer)
    assert state(reg.case_id) == "registered"
    assert reg.registration_number == f"杭具身注〔{local_today().year}〕1号"


def test_suspension_with_prior_notice_and_statement_of_defence(world, reg_a):
    to_registered(world, reg_a)
    fire(reg_a, "notice_suspension", world.officer, reason="Annual report overdue.",
         evidence="The report register of 2 May.")
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg_a, "propose_suspension", world.officer, reason="No report.", defence_reply="None made.")
    assert refused.value.reasons == [
        "The firm may still state its defence: wait for its statement or the end of the period."]
    fire(reg_a, "file_statement", world.applicant_a, comment="The report was filed late on 3 May.")
    assert state(reg_a.case_id) == "suspension_noticed"
    fire(reg_a, "propose_suspension", world.officer, reason="The statement does not excuse the delay.",
         defence_reply="A late report is still late.")
    with pytest.raises(cases.TransitionRefused):
        fire(reg_a, "approve_suspension", world.officer)  # an officer is no approver
    fire(reg_a, "approve_suspension", world.approver)
    assert state(reg_a.case_id) == "suspended"
    fire(reg_a, "lift_suspension", world.approver, reason="Report received.")
    assert state(reg_a.case_id) == "registered"


def test_revocation_with_a_hearing_request(world, reg_a):
    to_registered(world, reg_a)
    open_penalty_case(world, reg_a)
    fire(reg_a, "notice_revocation", world.officer, reason="A serious incident was concealed.",
         evidence="The incident log.")
    fire(reg_a, "request_hearing", world.applicant_a)
    assert state(reg_a.case_id) == "hearing"
    hearing_day = (local_today() + dt.timedelta(days=30)).isoformat()
    fire(reg_a, "schedule_hearing", world.officer, hearing_date=hearing_day, hearing_time="09:30", hearing_place="Room 3",
         presiding_officer=str(world.dual.id))
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg_a, "record_hearing", world.dual, comment="Held on 5 May.")
    assert refused.value.reasons == ["Attach the supporting document."]
    doc = add_document(data=PDF, filename="hearing.pdf", classification="internal", actor=world.dual,
                       case=reg_a.case)
    fire(reg_a, "record_hearing", world.dual, comment="Held on 5 May.", document=doc)
    fire(reg_a, "confirm_hearing_record", world.applicant_a, confirmation="confirmed")
    assert state(reg_a.case_id) == "revocation_noticed"
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg_a, "request_hearing", world.applicant_a)
    assert refused.value.reasons == ["A hearing was already requested."]
    fire(reg_a, "file_statement", world.applicant_a, comment="We dispute the facts.")
    fire(reg_a, "propose_revocation", world.officer, reason="The hearing confirmed the facts.",
         defence_reply="The log contradicts the statement.")
    review_and_discuss(world, reg_a)
    fire(reg_a, "approve_revocation", world.approver)
    assert state(reg_a.case_id) == "revoked"
    assert reg_a.registration_number is not None  # the number stays with the revoked record


def test_a_model_refused_for_want_of_a_regulator_writes_nothing(app):
    """Before any department is set up, the form's refusal is answered with the form again
    (status 200, which commits): the model must not have been written before the refusal."""
    from supervision.core import uow
    from tests.factories import FirmFactory, UserFactory

    firm = FirmFactory()
    applicant = UserFactory(organisation=firm, roles=["applicant"])
    uow.commit()
    with pytest.raises(services.RegistryError) as err:
        services.create_model(firm=firm, actor=applicant, name="Robot Y", values=BASE)
    assert err.value.message == "No regulator department is set up yet."
    assert not uow.pending_changes()
