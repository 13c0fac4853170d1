"""Acts of the registration procedure issue their decision in the same transaction."""
from __future__ import annotations

from supervision.cases import services as cases
from supervision.core import uow
from supervision.decisions import services
from supervision.decisions.models import Decision
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.decisions.conftest import issue, put_in_state


def _kinds(case) -> list[str]:
    return [d.kind for d in services.decisions_of(case)]


def test_accept_issues_an_acceptance_notice_to_the_firm(world):
    case = world.case()
    put_in_state(case, "submitted")
    cases.fire(case, "accept", actor=world.officer)
    [decision] = services.decisions_of(case)
    assert (decision.kind, decision.status, decision.serial) == ("acceptance", "issued", 1)
    assert decision.document.firm_id == world.firm_a.id and decision.document.kind == "decision"
    assert decision.issued_by_id == world.officer.id
    from supervision.audit.models import AuditEvent

    event = db.session.execute(db.select(AuditEvent).filter_by(action="decision.issue")).scalar_one()
    assert decision.pdf_sha256 in event.details and decision.number in event.details


def test_supplement_notice_and_non_acceptance(world):
    case = world.case()
    put_in_state(case, "submitted")
    cases.fire(case, "request_supplement", actor=world.officer, items=("说明书", "检测报告"))
    other = world.case()
    put_in_state(other, "submitted")
    cases.fire(other, "not_accept", actor=world.officer, reason="不属于本机关职权范围。",
               competent_authority="杭州市市场监督管理局")
    assert _kinds(case) == ["supplement_notice"] and _kinds(other) == ["non_acceptance"]


def test_approving_a_refusal_issues_a_refusal_not_a_grant(world):
    case = world.case()
    put_in_state(case, "decision_proposed")
    case.proposal, case.proposed_by_id = "refusal", world.officer.id
    db.session.commit()
    cases.fire(case, "approve", actor=world.approver)
    assert case.state == "refused" and _kinds(case) == ["refusal"]


def test_a_failed_decision_rolls_back_the_transition(world, monkeypatch):
    from supervision.decisions import signing

    case = world.case()
    put_in_state(case, "submitted")
    monkeypatch.setattr(signing, "sign_pdf", lambda *a, **kw: (_ for _ in ()).throw(RuntimeError("no key")))
    try:
        with uow.unit_of_work():
            cases.fire(case, "accept", actor=world.officer)
    except RuntimeError:
        pass
    db.session.expire_all()
    assert case.state == "submitted"
    assert db.session.execute(db.select(db.func.count()).select_from(Decision)).scalar_one() == 0


def test_revocation_ends_the_grant_and_lifting_ends_the_suspension(world):
    case = world.case()
    grant = issue(world, "grant", case=case, facts={"tier": 1})
    suspension = issue(world, "suspension", case=case)
    issue(world, "lifting", case=case)
    db.session.refresh(suspension)
    assert (grant.status, suspension.status) == ("issued", "superseded")
    issue(world, "revocation", case=case)
    db.session.refresh(grant)
    assert grant.status == "revoked"


def test_issuing_again_never_regenerates_the_first_pdf(world):
    from supervision.documents import storage

    case = world.case()
    first = issue(world, "acceptance", case=case)
    before = storage.read(first.pdf_sha256)
    second = issue(world, "acceptance", case=case)
    assert second.number != first.number and second.pdf_sha256 != first.pdf_sha256
    assert storage.read(first.pdf_sha256) == before


def test_changed_since_decision_when_the_facts_change(world):
    case = world.case()
    decision = issue(world, "grant", case=case)
    assert len(decision.snapshot_sha256) == 64
    assert services.changed_since_decision(case) is False
    issue(world, "lifting", case=case)  # a later decision is not a change of facts
    assert services.changed_since_decision(case) is False
    add_document(data=b"%PDF-1.4\n%test\n", filename="new.pdf", classification="internal",
                 actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    assert services.changed_since_decision(case) is True


def test_a_change_the_notice_asked_for_is_not_flagged(world):
    """After a supplement notice the firm does exactly what was asked: no "facts changed" warning."""
    case = world.case()
    issue(world, "acceptance", case=case)
    issue(world, "supplement_notice", case=case)
    add_document(data=b"%PDF-1.4\n%test\n", filename="new.pdf", classification="internal",
                 actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    assert services.changed_since_decision(case) is False
