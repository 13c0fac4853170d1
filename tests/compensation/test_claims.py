"""Compensation after a rescission (issue 10, defect 5; 行政许可法 Art. 69 ¶4, 国家赔偿法 Arts. 12-14):
a claim only where the rescission's ground opens the path (the authority's own error, ¶1, never a
registration obtained by improper means, ¶2), once; an award within the claim, decided with four
eyes; the decisions state the claim, the reasons, the basis and the court remedy of three months
from the decision (not reconsideration)."""
from __future__ import annotations

import pytest

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.compensation import services
from supervision.compensation.models import CompensationClaim
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.compensation.conftest import LOSS, rescinded as _rescinded
from tests.registry.conftest import fire, state

def _pdf(case: Case, kind: str, tmp_path) -> str:
    db.session.commit()
    decision = [d for d in decisions_of(case) if d.kind == kind][-1]
    return pdf_text(storage.read(decision.pdf_sha256), tmp_path)


def test_an_award_within_the_claim_is_decided_with_four_eyes_and_states_the_court_remedy(world, tmp_path, nature):
    nature("licence")
    reg = _rescinded(world)
    claim = services.file_claim(reg.case, actor=world.applicant_a, amount="10,000", loss=LOSS)
    db.session.commit()
    assert state(claim.case_id) == "submitted" and claim.amount_claimed == 10000
    with pytest.raises(cases.TransitionRefused) as refused:
        fire(claim.case, "propose_award", world.officer, award_amount="12000", reason="按直接损失计算。")
    assert "cannot exceed the amount claimed" in refused.value.reasons[0]
    with pytest.raises(cases.TransitionRefused):
        fire(claim.case, "propose_award", world.officer, award_amount="八千", reason="按直接损失计算。")
    fire(claim.case, "propose_award", world.officer, award_amount="8000.50", reason="经核实，直接损失为8000.50元。")
    with pytest.raises(cases.TransitionRefused):            # the proposer cannot approve
        fire(claim.case, "approve", world.officer)
    fire(claim.case, "approve", world.approver)
    assert state(claim.case_id) == "awarded"
    assert db.session.get(CompensationClaim, claim.id).amount_awarded == pytest.approx(8000.50)
    text = _pdf(claim.case, "compensation_award", tmp_path)
    for expected in ("行政赔偿决定书", "10,000.00", "赔偿你单位人民币8,000.50元", "经核实，直接损失为8000.50元。",
                     "《中华人民共和国行政许可法》第六十九条第四款", "《中华人民共和国国家赔偿法》第四条第（四）项、第十三条",
                     "自本决定作出之日起三个月内", "第十四条", "申请支付赔偿金"):
        assert expected in text, expected
    assert "行政复议" not in text              # a decision on compensation goes to court, not reconsideration
    rescission = [d for d in decisions_of(reg.case) if d.kind == "rescission"][-1]
    assert rescission.number in text


def test_a_refusal_gives_reasons_and_the_same_court_remedy(world, tmp_path):
    reg = _rescinded(world, "conditions_not_met")
    claim = services.file_claim(reg.case, actor=world.applicant_a, amount="5000", loss=LOSS)
    fire(claim.case, "propose_refusal", world.officer, reason="所称损失系撤销前已发生的经营亏损，与撤销无因果关系。")
    fire(claim.case, "approve", world.approver)
    assert state(claim.case_id) == "refused"
    text = _pdf(claim.case, "compensation_refusal", tmp_path)
    assert "不予赔偿决定书" in text and "与撤销无因果关系" in text and "本机关决定不予赔偿" in text
    assert "自本决定作出之日起三个月内" in text and "行政复议" not in text
    assert db.session.get(CompensationClaim, claim.id).amount_awarded is None


def test_no_claim_after_a_registration_obtained_by_improper_means(world):
    reg = _rescinded(world, "improper_means")
    assert services.may_claim(reg.case)[1] is not None
    with pytest.raises(services.ClaimError):
        services.file_claim(reg.case, actor=world.applicant_a, amount="5000", loss=LOSS)
    assert db.session.execute(db.select(db.func.count(CompensationClaim.id))).scalar() == 0


def test_one_claim_per_rescission_and_only_by_the_firm(world):
    reg = _rescinded(world)
    with pytest.raises(services.ClaimError):
        services.file_claim(reg.case, actor=world.applicant_b, amount="5000", loss=LOSS)
    services.file_claim(reg.case, actor=world.applicant_a, amount="5000", loss=LOSS)
    db.session.commit()
    with pytest.raises(services.ClaimError) as refused:
        services.file_claim(reg.case, actor=world.applicant_a, amount="6000", loss=LOSS)
    assert "already been filed" in refused.value.message


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", ""])
def test_a_bad_amount_is_refused(world, amount):
    reg = _rescinded(world)
    with pytest.raises(services.ClaimError) as refused:
        services.file_claim(reg.case, actor=world.applicant_a, amount=amount, loss=LOSS)
    assert "positive number" in refused.value.message


@pytest.fixture
def firm_a(world, web, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert web.login("a@firm-a.test").status_code == 302
    return web


def test_the_firm_claims_from_the_rescinded_registration_page(world, firm_a):
    reg = _rescinded(world)
    page = firm_a.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert 'id="claim-compensation"' in page
    url = f"/compensation/registrations/{reg.case_id}/claim"
    resp = firm_a.post(url, {"amount": "12.345", "loss": LOSS}, token_from=url)
    assert resp.status_code == 422 and "at most two decimals" in resp.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(CompensationClaim.id))).scalar() == 0
    resp = firm_a.post(url, {"amount": "9800", "loss": LOSS}, token_from=url)
    assert resp.status_code == 303
    claim = db.session.execute(db.select(CompensationClaim)).scalar()
    assert resp.location.endswith(f"/cases/{claim.case_id}")
    shown = firm_a.get(f"/cases/{claim.case_id}").get_data(as_text=True)
    assert 'id="amount-claimed">9,800.00' in shown and LOSS in shown
    again = firm_a.get(f"/cases/{reg.case_id}").get_data(as_text=True)
    assert 'id="claim-compensation"' not in again and 'id="compensation-claims"' in again


def test_another_firm_cannot_open_the_claim_form(world, web):
    reg = _rescinded(world)
    assert web.login("b@firm-b.test").status_code == 302
    assert web.get(f"/compensation/registrations/{reg.case_id}/claim").status_code in (403, 404)


def test_the_demo_holds_a_claim_on_the_registration_rescinded_for_the_bureaus_error(demo_data):
    claim = db.session.execute(db.select(CompensationClaim)).scalar_one()
    assert claim.case.state == "submitted" and claim.registration_case.title == "ZX-Arm A12"
    assert claim.amount_claimed == 186000


def test_the_day_a_claim_was_received_is_beijing_s(app):
    """The received date on the claim's page: 20:00 UTC on 7 December is 8 December in Hangzhou."""
    import datetime as dt

    from supervision.core.i18n import format_date

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_date(dt.datetime(2026, 12, 7, 20, 0)) == "2026-12-08"
        assert format_date(dt.date(2026, 12, 7)) == "2026-12-07"
