"""``fire``: the only way a case changes state — permission, guards, who handles the case, state,
audit, notifications, decisions — inside one unit of work that commits once, and all of it undone
when anything fails."""
from __future__ import annotations

import json

import pytest

from supervision.audit.models import AuditEvent
from supervision.cases import services
from supervision.cases.models import Case, ClockPause
from supervision.notifications.models import InboxItem, OutboxMessage
from supervision.core import uow
from supervision.extensions import db
from tests.cases.conftest import put_in_state
from tests.conftest import replace_case_type


def count(model, *where) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()


def transitions_of(case_id: int) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in db.session.execute(
        db.select(AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "case.transition")
        .order_by(AuditEvent.seq)).all()]


@pytest.fixture
def in_review(world):
    """A firm A case under classification review, handled by officer2."""
    case = world.case()
    put_in_state(case, "classification_review")  # submitted: a draft is the firm's alone
    services.claim(case, actor=world.officer2)
    db.session.commit()
    return case


def test_a_firing_changes_state_writes_one_event_and_notifies_and_never_commits(world, in_review, monkeypatch):
    commits = []
    real_commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (commits.append(1), real_commit())[1])
    version = in_review.version
    services.fire(in_review, "propose_refusal", actor=world.officer2, reason="Outside the scope of Art. 3.")
    assert commits == []  # the engine flushes; the request (or command, or job) commits once
    with uow.unit_of_work():
        pass
    monkeypatch.undo()
    assert len(commits) == 1
    db.session.expire_all()
    case = db.session.get(Case, in_review.id)
    assert case.state == "decision_proposed"
    assert case.version == version + 1
    assert (case.proposal, case.proposed_by_id) == ("refusal", world.officer2.id)
    assert transitions_of(case.id) == [("propose_refusal", "classification_review", "decision_proposed")]
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.trigger == "propose_refusal")).scalar_one()
    assert (event.actor_email, event.workflow, event.workflow_version, event.reason) == (
        "officer2@t.test", "registration", 1, "Outside the scope of Art. 3.")
    # A proposal goes to the department's approvers (the approver and the dual-role user).
    notes = db.session.execute(db.select(InboxItem.user_id, InboxItem.rule).order_by(InboxItem.user_id)).all()
    assert [tuple(n) for n in notes] == [(world.approver.id, "proposal"), (world.dual.id, "proposal")]
    assert count(OutboxMessage) == 2


def test_the_firms_answer_notifies_the_assignee_and_a_request_notifies_the_firm(world, in_review):
    services.fire(in_review, "request_clarification", actor=world.officer2, comment="Which sensors?")
    services.fire(in_review, "answer_clarification", actor=world.applicant_a, comment="Lidar and cameras.")
    notes = db.session.execute(db.select(InboxItem.user_id, InboxItem.rule).order_by(InboxItem.id)).all()
    assert [tuple(n) for n in notes] == [(world.applicant_a.id, "information_request"),
                                         (world.officer2.id, "answer")]


def test_acting_on_an_unassigned_case_claims_it_in_the_same_transaction(world):
    case = world.case()
    put_in_state(case, "submitted")
    services.fire(case, "accept", actor=world.officer)
    assert case.assignee_id == world.officer.id
    actions = db.session.execute(
        db.select(AuditEvent.action, AuditEvent.trigger).where(AuditEvent.case_id == case.id,
                                                               AuditEvent.action != "case.create")
        .order_by(AuditEvent.seq)).all()
    assert [tuple(a) for a in actions][:1] == [("case.claim", None)]
    assert ("case.transition", "accept") in [tuple(a) for a in actions]
    people = services.roles_on(case, role="assignee")
    assert [(p.user_id, p.source) for p in people] == [(world.officer.id, "claim")]


def test_acting_on_another_officers_case_is_refused_naming_the_assignee(world, in_review):
    with pytest.raises(services.TransitionRefused) as err:
        services.fire(in_review, "propose_refusal", actor=world.officer, reason="Mine now.")
    assert not err.value.forbidden
    assert err.value.reasons == ["This case is handled by %(name)s: ask them, or have it reassigned to you."]
    assert err.value.params == {"name": world.officer2.name}
    assert in_review.state == "classification_review"
    assert transitions_of(in_review.id) == []


def test_an_input_the_transition_does_not_declare_is_a_programming_error(world, in_review):
    with pytest.raises(TypeError):
        services.fire(in_review, "propose_refusal", actor=world.officer2, reason="r", ground="expired")
    assert in_review.state == "classification_review"


def _boom(*args, **kwargs):
    raise RuntimeError("injected failure")


def _after(real):
    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("injected failure")
    return wrapper


@pytest.mark.parametrize("where", ["guard", "effect", "audit_record", "after_notifications", "commit"])
def test_a_failure_anywhere_in_a_transition_rolls_everything_back(app, world, in_review, monkeypatch, where):
    from workflows.registration import REGISTRATION

    restore = None
    if where == "guard":
        monkeypatch.setitem(REGISTRATION.guards, "classified", _boom)
        trigger, inputs = "propose_grant", {}
    else:
        trigger, inputs = "propose_refusal", {"reason": "Out of scope."}
    if where == "effect":
        restore = replace_case_type(app, "registration", effects={"propose_refusal": (_boom,)})
    elif where == "audit_record":
        monkeypatch.setattr(services, "record", _after(services.record))
    elif where == "after_notifications":
        from supervision.notifications import services as notifications
        monkeypatch.setattr(notifications, "emit", _after(notifications.emit))
    elif where == "commit":
        def failing_commit():
            db.session.flush()  # everything reached the database, then the commit fails
            raise RuntimeError("injected failure")
        monkeypatch.setattr(db.session, "commit", failing_commit)
    case_id, version, due = in_review.id, in_review.version, in_review.due_date
    events, notes, mails = count(AuditEvent), count(InboxItem), count(OutboxMessage)
    try:
        with pytest.raises(RuntimeError, match="injected failure"):
            with uow.unit_of_work():
                services.fire(in_review, trigger, actor=world.officer2, **inputs)
    finally:
        monkeypatch.undo()
        if restore:
            restore()
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert (case.state, case.version, case.due_date) == ("classification_review", version, due)
    assert (case.proposal, case.proposed_by_id) == (None, None)
    assert count(AuditEvent) == events
    assert (count(InboxItem), count(OutboxMessage)) == (notes, mails)
    assert transitions_of(case_id) == []


def test_a_failure_while_rendering_the_decision_leaves_no_decision_and_no_state_change(world, in_review, monkeypatch):
    from supervision.decisions import render
    from supervision.decisions.models import Decision
    from supervision.documents.models import Document

    services.fire(in_review, "propose_refusal", actor=world.officer2, reason="Out of scope.")
    with uow.unit_of_work():
        pass
    events = count(AuditEvent)
    monkeypatch.setattr(render, "render_pdf", _boom)
    with pytest.raises(RuntimeError, match="injected failure"):
        with uow.unit_of_work():
            services.fire(in_review, "approve", actor=world.approver)
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.get(Case, in_review.id).state == "decision_proposed"
    assert (count(Decision), count(Document), count(AuditEvent)) == (0, 0, events)


def test_a_failure_rolls_back_a_clock_pause_too(world, monkeypatch):
    case = world.case()
    put_in_state(case, "submitted")
    monkeypatch.setattr(services, "record", _after(services.record))
    with pytest.raises(RuntimeError):
        with uow.unit_of_work():
            services.fire(case, "request_supplement", actor=world.officer, items=("Send the test report.",))
    monkeypatch.undo()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.state, case.clock_paused_at) == ("submitted", None)
    assert count(ClockPause) == 0


def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(world, in_review):
    version = in_review.version
    with pytest.raises(services.Conflict):
        services.fire(in_review, "propose_refusal", actor=world.officer2, reason="r",
                      expected_version=version - 1)
    db.session.expire_all()
    assert db.session.get(Case, in_review.id).state == "classification_review"
    assert transitions_of(in_review.id) == []


def test_a_row_changed_underneath_is_a_conflict(world, in_review):
    """The version column guards the UPDATE itself (SQLAlchemy's version_id_col)."""
    db.session.commit()
    with db.engine.begin() as other:  # another connection changes the row and commits
        other.execute(db.update(Case).where(Case.id == in_review.id).values(version=Case.version + 1))
    # The session still holds the old version: its UPDATE matches no row.
    with pytest.raises(services.Conflict):
        with uow.unit_of_work():
            services.fire(in_review, "propose_refusal", actor=world.officer2, reason="r")
    db.session.expire_all()
    assert db.session.get(Case, in_review.id).state == "classification_review"
    assert transitions_of(in_review.id) == []


def test_staying_in_a_state_still_bumps_the_version(world):
    case = world.case()
    put_in_state(case, "suspension_noticed")
    version = case.version
    services.fire(case, "file_statement", actor=world.applicant_a, comment="Our defence.")
    assert case.state == "suspension_noticed"
    assert case.version == version + 1


def test_an_invalid_trigger_raises_and_changes_nothing(world):
    case = world.case()
    with pytest.raises(services.InvalidTrigger):
        services.fire(case, "approve", actor=world.approver)
    with pytest.raises(services.InvalidTrigger):
        services.fire(case, "to_registered", actor=world.officer)
    assert case.state == "draft"
    assert transitions_of(case.id) == []


def test_a_missing_input_is_refused_with_its_reason(world, in_review):
    with pytest.raises(services.TransitionRefused) as err:
        services.fire(in_review, "propose_refusal", actor=world.officer2, reason="  ")
    assert err.value.reasons == ["Give the reasons for this action."]
    assert in_review.state == "classification_review"


def test_an_officer_of_another_department_may_not_act(world, in_review):
    with pytest.raises(services.TransitionRefused) as err:
        services.fire(in_review, "propose_refusal", actor=world.other_officer, reason="r")
    assert err.value.forbidden
    assert in_review.state == "classification_review"


# -- four eyes -----------------------------------------------------------------------------

FOUR_EYES = "You proposed this decision; another approver must decide it (four eyes)."


def test_four_eyes_refuses_the_proposer_holding_both_roles(world, in_review):
    services.assign(in_review, actor=world.approver, assignee=world.dual)
    services.fire(in_review, "propose_refusal", actor=world.dual, reason="Outside Art. 3.")
    for trigger, inputs in (("approve", {}), ("return", {"comment": "again"})):
        with pytest.raises(services.TransitionRefused) as err:
            services.fire(in_review, trigger, actor=world.dual, **inputs)
        assert err.value.reasons == [FOUR_EYES]
    db.session.expire_all()
    case = db.session.get(Case, in_review.id)
    assert case.state == "decision_proposed"
    assert [t for t, _, _ in transitions_of(case.id)] == ["propose_refusal"]


def test_four_eyes_lets_the_dual_role_user_approve_someone_elses_proposal(world, in_review):
    services.fire(in_review, "propose_refusal", actor=world.officer2, reason="Outside Art. 3.")
    services.fire(in_review, "approve", actor=world.dual)
    assert in_review.state == "refused"
    assert (in_review.proposal, in_review.proposed_by_id) == (None, None)
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.trigger == "approve")).scalar_one()
    assert (event.actor_email, event.from_state, event.to_state) == ("dual@t.test", "decision_proposed", "refused")


def test_a_returned_proposal_may_be_proposed_again_by_the_approver_of_before(world, in_review):
    services.fire(in_review, "propose_refusal", actor=world.officer2, reason="r1")
    services.fire(in_review, "return", actor=world.dual, comment="Give the facts.")
    assert in_review.state == "classification_review"
    services.assign(in_review, actor=world.dual, assignee=world.dual)
    services.fire(in_review, "propose_refusal", actor=world.dual, reason="r2")
    with pytest.raises(services.TransitionRefused):
        services.fire(in_review, "approve", actor=world.dual)
    services.fire(in_review, "approve", actor=world.approver)
    assert in_review.state == "refused"


# -- claim and assign ----------------------------------------------------------------------

def test_claim_and_assign_are_audited(world):
    case = world.submitted_case()
    services.claim(case, actor=world.officer)
    assert case.assignee_id == world.officer.id
    services.assign(case, actor=world.approver, assignee=world.officer2)
    assert case.assignee_id == world.officer2.id
    events = db.session.execute(
        db.select(AuditEvent.action, AuditEvent.actor_email, AuditEvent.details)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(["case.claim", "case.assign"]))
        .order_by(AuditEvent.seq)).all()
    assert [(a, e) for a, e, _ in events] == [("case.claim", "officer@t.test"), ("case.assign", "approver@t.test")]
    assert json.loads(events[1][2]) == {"from_assignee": world.officer.id, "to_assignee": world.officer2.id}


def test_an_assigned_case_cannot_be_claimed_and_only_officers_of_the_department_take_cases(world):
    case = world.submitted_case()
    services.claim(case, actor=world.officer)
    with pytest.raises(services.TransitionRefused):
        services.claim(case, actor=world.officer2)
    with pytest.raises(services.TransitionRefused):
        services.assign(case, actor=world.approver, assignee=world.other_officer)
    with pytest.raises(services.TransitionRefused):
        services.assign(case, actor=world.other_officer, assignee=world.officer2)
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id == world.officer.id
    assert count(AuditEvent, AuditEvent.action.in_(["case.claim", "case.assign"])) == 1


def test_a_closed_case_cannot_be_claimed(world):
    case = world.case()
    put_in_state(case, "withdrawn")
    with pytest.raises(services.TransitionRefused) as err:
        services.claim(case, actor=world.officer)
    assert err.value.reasons == ["This case is closed."]
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id is None


# -- links between cases -------------------------------------------------------------------

def test_a_link_is_audited_once_and_shown_on_both_case_pages(world, web):
    from tests.cases.conftest import sign_in

    incident, registration = world.submitted_case(title="Fall in a mall"), world.submitted_case(title="Guide robot G2")
    services.link_cases(incident, registration, relation="suspends", actor=world.officer,
                        reason="Suspension while the fall is investigated.")
    db.session.commit()
    events = db.session.execute(db.select(AuditEvent.case_id, AuditEvent.reason)
                                .where(AuditEvent.action == "case.link")).all()
    assert [tuple(e) for e in events] == [(incident.id, "Suspension while the fall is investigated.")]
    sign_in(web, "officer@t.test")
    here = web.get(f"/cases/{incident.id}").get_data(as_text=True)
    there = web.get(f"/cases/{registration.id}").get_data(as_text=True)
    assert "Suspends" in here and registration.number in here
    assert "Suspended by" in there and incident.number in there
    with pytest.raises(ValueError):
        services.link_cases(incident, registration, relation="owns", actor=world.officer)


def test_a_case_type_without_a_firm_belongs_to_its_department(app, world):
    from supervision.cases.types import CaseType
    from workflows.base import N_, State, Workflow, t

    wf = Workflow(name="measure_test", version=1, label=N_("Measure"), initial="proposed",
                  states=(State("proposed", N_("Proposed")), State("done", N_("Done"), final=True)),
                  transitions=(t("conclude", "proposed", "done", ["officer"], N_("Conclude"), tags=["decision"]),),
                  guards={})
    restore = {"measure_test": CaseType(workflow=wf, number_prefix="MEA", has_firm=False)}
    app.extensions["case_types"].update(restore)
    try:
        case = services.create_case(case_type="measure_test", title="Speed limit in parks",
                                    department_id=world.department.id, actor=world.officer)
        services.fire(case, "conclude", actor=world.officer)
        assert (case.firm_id, case.state, case.assignee_id) == (None, "done", world.officer.id)
        from supervision import policies
        assert not policies.can_view_case(world.applicant_a, case)
        with pytest.raises(ValueError):
            services.create_case(case_type="registration", title="x", department_id=world.department.id,
                                 actor=world.officer)
    finally:
        app.extensions["case_types"].pop("measure_test")
