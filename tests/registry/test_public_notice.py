"""Public notice (公示) and objections (issue 10, defects 1 and 13): the grant is issued only
after the notice, on exactly the approved facts; an objection is named, has a reference number
and a reasoned answer sent to the objector before the case goes forward."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision.cases import services as cases
from supervision.cases.models import Deadline
from supervision.core.timeutil import local_date, local_today
from supervision.decisions import services as decisions
from supervision.decisions.models import Decision
from supervision.documents.services import add_document
from supervision.extensions import db
from supervision.notifications.models import OutboxMessage
from supervision.registry import services
from supervision.registry.models import Objection
from tests.registry.conftest import (PDF, TIER2, declare_certificate, fire, make_registration, state, to_registered,
                                    to_review)


def in_notice(world, name="Guide G9"):
    reg = make_registration(world, TIER2, name=name)
    to_review(world, reg)
    declare_certificate(world, reg)
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    assert state(reg.case_id) == "public_notice"
    return reg


def notice_over(reg):
    reg.case.due_date = local_today() - dt.timedelta(days=1)  # the 5 working days have passed
    db.session.commit()


def kinds(case_id):
    db.session.commit()
    return [(d.kind, d.status) for d in db.session.execute(
        db.select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)).scalars()]


def object_(reg, name="Wang", contact="wang@example.org", text="It ran into my shop window."):
    return services.file_objection(reg.case, text_=text, objector=name, contact=contact,
                                   client_address="203.0.113.9")


def test_no_grant_is_in_force_during_public_notice_and_it_is_issued_when_the_notice_ends(world, client):
    reg = in_notice(world)
    assert kinds(reg.case_id) == [("acceptance", "issued")]
    notice_over(reg)
    fire(reg, "conclude_notice", world.officer)
    assert kinds(reg.case_id) == [("acceptance", "issued"), ("grant", "issued")]
    grant = db.session.execute(db.select(Decision).filter_by(case_id=reg.case_id, kind="grant")).scalar()
    # Signed on exactly the approved facts.
    assert decisions.approved_facts_sha256(reg.case) == decisions.facts_sha256(reg.case)
    assert client.get(f"/verify/{grant.token}").status_code == 200


def test_a_refusal_after_an_objection_leaves_no_grant_behind(world):
    reg = in_notice(world)
    objection = object_(reg)
    services.answer_objection(objection, actor=world.officer,
                              answer="The objection is well founded: the certificate scope is wrong.")
    fire(reg, "reopen_review", world.officer, reason="The certificate does not cover commerce.")
    fire(reg, "propose_refusal", world.officer, reason="The certificate does not cover commerce.")
    fire(reg, "approve", world.approver)
    assert state(reg.case_id) == "refused"
    assert kinds(reg.case_id) == [("acceptance", "issued"), ("refusal", "issued")]


def test_changed_facts_after_the_approval_stop_the_grant(world):
    reg = in_notice(world)
    add_document(data=PDF, filename="late.pdf", classification="internal", actor=world.officer, case=reg.case)
    notice_over(reg)
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(reg, "conclude_notice", world.officer)
    assert refused.value.reasons == [
        "The facts changed since the approval: reopen the review for a new proposal and approval."]
    # The engine refuses to sign it even if asked directly (outside the notice).
    reg.case.state = "registered"
    with pytest.raises(decisions.DecisionError, match="differ from those approved"):
        decisions.issue_decision(reg.case, "grant", actor=world.officer)
    db.session.rollback()
    fire(reg, "reopen_review", world.officer, reason="A new test report came in.")
    fire(reg, "propose_grant", world.officer)
    fire(reg, "approve", world.approver)
    notice_over(reg)
    fire(reg, "conclude_notice", world.officer)
    assert kinds(reg.case_id)[-1] == ("grant", "issued")


def test_no_deciding_decision_while_in_public_notice(world):
    reg = in_notice(world)
    with pytest.raises(decisions.DecisionError, match="public notice"):
        decisions.issue_decision(reg.case, "refusal", actor=world.approver)


def test_the_engine_refuses_a_second_contradictory_decision(world):
    from tests.registry.conftest import to_registered

    reg = make_registration(world)
    to_registered(world, reg)
    with pytest.raises(decisions.DecisionError, match="contradictory decision is in force"):
        decisions.issue_decision(reg.case, "refusal", actor=world.approver)
    assert [k for k, _ in kinds(reg.case_id)] == ["acceptance", "grant"]


def test_an_objection_needs_a_name_and_a_contact(world):
    reg = in_notice(world)
    with pytest.raises(services.RegistryError) as err:
        object_(reg, name="  ", contact="")
    assert err.value.message == "An objection needs the objector's name and a contact for the answer."
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count(Objection.id))).scalar() == 0


def test_the_answer_is_needed_before_going_forward_and_is_sent_to_the_objector(world, tmp_path):
    reg = in_notice(world)
    first = object_(reg)
    second = object_(reg, name="Zhao", contact="Room 3, 8 Wensan Road, Hangzhou", text="Too fast near kids.")
    assert first.reference == f"OBJ-{local_today().year}-{first.id:06d}" and first.reference != second.reference
    for trigger, inputs in (("conclude_notice", {}), ("reopen_review", {"reason": "Objection."})):
        with pytest.raises(cases.TransitionRefused) as refused:
            fire(reg, trigger, world.officer, **inputs)
        assert "Answer every objection with reasons first." in refused.value.reasons
    with pytest.raises(services.RegistryError):
        services.answer_objection(first, actor=world.officer, answer="No.")  # no reasons
    services.answer_objection(first, actor=world.officer, answer="The shop window incident involved another model.")
    services.answer_objection(second, actor=world.officer, answer="Its top speed is 1.0 m/s, below the limit.")
    db.session.commit()
    mails = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.inbox_item_id.is_(None))).scalars().all()
    assert [m.to_address for m in mails] == ["wang@example.org"]  # the other one goes by post
    assert first.reference in mails[0].subject and "another model" in mails[0].body
    notice_over(reg)
    fire(reg, "conclude_notice", world.officer)
    assert state(reg.case_id) == "registered"
    # The grant states the notice, the objections by their numbers and that they were answered.
    text = _grant_text(reg, tmp_path)
    started = local_date(db.session.execute(db.select(Deadline.started_at).where(
        Deadline.case_id == reg.case_id, Deadline.name == "public_notice")).scalar())
    assert f"本机关于{started.year}年{started.month}月{started.day}日至" in text
    assert f"公示期间收到异议二件（编号：{first.reference}、{second.reference}），本机关已逐件审查并书面答复异议人" in text


def test_a_grant_after_a_notice_without_objections_says_none_was_received(world, tmp_path):
    reg = in_notice(world)
    notice_over(reg)
    fire(reg, "conclude_notice", world.officer)
    text = _grant_text(reg, tmp_path)
    assert "对拟准予注册的情况进行了公示。公示期间未收到异议。" in text


def test_a_grant_without_public_notice_does_not_mention_one(world, tmp_path):
    reg = make_registration(world, name="Arm A1")
    to_registered(world, reg)
    assert "公示" not in _grant_text(reg, tmp_path)


def _grant_text(reg, tmp_path) -> str:
    from supervision.documents import storage
    from tests.legal.conftest import pdf_text

    db.session.commit()
    grant = db.session.execute(db.select(Decision).filter_by(case_id=reg.case_id, kind="grant")).scalar_one()
    return pdf_text(storage.read(grant.pdf_sha256), tmp_path)


def test_officer_answers_on_the_case_page_and_the_register_keeps_the_objector_confidential(world, web, client):
    reg = in_notice(world)
    object_(reg, name="Wang Fang", contact="fang@example.org")
    db.session.commit()
    web.login("officer@t.test")
    page = web.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    objection = db.session.execute(db.select(Objection)).scalar()
    assert objection.reference in page and "Wang Fang" in page and "Send the answer" in page
    resp = web.post(f"/registry/cases/{reg.case_id}/objections/{objection.id}/answer",
                    {"answer": "The incident was caused by another model."}, token_from=f"/cases/{reg.case_id}")
    resp = web.get(f"/cases/{reg.case_id}")
    assert f"The answer to objection {objection.reference} is on record and was sent to the objector." \
        in resp.get_data(as_text=True)
    # An objection received by letter is recorded with a name and contact too.
    resp = web.post(f"/registry/cases/{reg.case_id}/objections",
                    {"text": "A letter: it blocks the corridor.", "objector": "Chen", "contact": "chen@example.org"},
                    token_from=f"/cases/{reg.case_id}")
    resp = web.get(f"/cases/{reg.case_id}")
    assert "The objection is on record under reference OBJ-" in resp.get_data(as_text=True)
    assert state(reg.case_id) == "public_notice"
    public = client.get("/register").get_data(as_text=True) + str(client.get("/register.json").get_json())
    for secret in ("Wang Fang", "fang@example.org", "Chen", "chen@example.org"):
        assert secret not in public
