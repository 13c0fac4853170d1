"""A recall order (issue 11 ¶Recall; issue 14): an adverse decision on adopted law with prior
notice and a defence first; issuing it recalls every live unit of the model, tells every holder,
and the firm reports completion only once no unit is still recalled."""
from __future__ import annotations

import pytest

from supervision.cases import services as cases
from supervision.conduct import services
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from supervision.units import public, recalls
from tests.conduct.conftest import PDF, open_case, to_findings
from tests.legal.conftest import pdf_text
from tests.units.conftest import (ACCEPT, INSTALL, MANUFACTURE, REPAIRED, SCRAP, SELL, TRANSFER, coded,  # noqa: F401
                                  english_request, record, state_of, step)
from supervision.documents.uploads import Upload


def _in_service(coded):
    world = coded.world
    a, b = coded.codes[0], coded.codes[1]
    record(world, [step(MANUFACTURE, a, b), step(SELL, a, b), step(INSTALL, a),
                   step(TRANSFER, b, destinationList=[{"type": "owning_party", "destination": world.firm_b.credit_code}])])
    record(world, [step(ACCEPT, b)], firm=world.firm_b, actor=world.applicant_b)
    return a, b


def _noticed(world, model_name="Robot X"):
    case = to_findings(world, open_case(world, category="persons_property"))
    cases.fire(case, "notice_recall", actor=world.officer, model=model_name,
               reason="电池过热，存在起火危险。")
    return case


def test_the_order_comes_after_notice_and_defence_and_recalls_every_holders_units(coded, tmp_path):
    world = coded.world
    a, b = _in_service(coded)
    case = _noticed(world)
    notice = decisions_of(case)[-1]
    assert notice.kind == "conduct_recall_notice"
    with pytest.raises(cases.TransitionRefused) as refused:  # the defence period runs
        cases.fire(case, "propose_recall", actor=world.officer, measures=("更换电池",), reason="缺陷危及人身安全。")
    assert "defence" in refused.value.reasons[0]
    cases.fire(case, "file_statement", actor=world.applicant_a, comment="已暂停销售。")
    cases.fire(case, "propose_recall", actor=world.officer, measures=("免费更换电池",), reason="缺陷危及人身安全。")
    cases.fire(case, "approve_recall", actor=world.approver)
    db.session.commit()
    assert case.state == "recall_ordered"
    assert state_of(a) == state_of(b) == "recalled"
    told = {i.user_id for i in db.session.execute(db.select(InboxItem).filter_by(event="units.recall")).scalars()}
    assert told == {world.applicant_a.id, world.applicant_b.id}
    assert [u.code for u in recalls.todo(world.firm_b)] == [b]
    assert public.describe(b)["recall"]["ordered"] is True
    order = decisions_of(case)[-1]
    text = pdf_text(storage.read(order.pdf_sha256), tmp_path)
    assert order.kind == "conduct_recall_order" and "责令召回决定书" in text
    assert "《中华人民共和国消费者权益保护法》第三十三条第二款" in text and "免费更换电池" in text
    assert "共2台" in text and "申请行政复议" in text and "处罚" not in text.replace("行政处罚法", "")


def test_the_firm_reports_completion_only_once_no_unit_is_still_recalled(coded):
    world = coded.world
    a, b = _in_service(coded)
    case = _noticed(world)
    cases.fire(case, "file_statement", actor=world.applicant_a, comment="OK.")
    cases.fire(case, "propose_recall", actor=world.officer, measures=("Replace the battery",), reason="Danger.")
    cases.fire(case, "approve_recall", actor=world.approver)
    db.session.commit()
    with pytest.raises(cases.TransitionRefused) as refused:
        cases.fire(case, "report_completion", actor=world.applicant_a, comment="Done.", document=Upload(PDF, "r.pdf"))
    assert "still recalled" in refused.value.reasons[0]
    record(world, [step(REPAIRED, a)])
    record(world, [step(SCRAP, b)], firm=world.firm_b, actor=world.applicant_b)
    cases.fire(case, "report_completion", actor=world.applicant_a, comment="Done.", document=Upload(PDF, "r.pdf"))
    cases.fire(case, "verify_remediation", actor=world.officer, comment="All units dealt with.")
    assert case.state == "remediation_verified"


def test_only_a_model_of_the_firm_with_live_units_can_be_named(coded):
    world = coded.world
    case = to_findings(world, open_case(world))
    with pytest.raises(cases.TransitionRefused) as refused:  # none made yet
        cases.fire(case, "notice_recall", actor=world.officer, model="Robot X", reason="Danger.")
    assert "no robot model of that name" in refused.value.reasons[0]
    _in_service(coded)
    with pytest.raises(cases.TransitionRefused):
        cases.fire(case, "notice_recall", actor=world.officer, model="Robot Y", reason="Danger.")
    cases.fire(case, "notice_recall", actor=world.officer, model=" Robot X ", reason="Danger.")
    assert services.conduct_of(case).recall_model_id == coded.model.id
    cases.fire(case, "drop_action", actor=world.officer, reason="The firm recalls voluntarily.")
    assert case.state == "findings" and services.conduct_of(case).recall_model_id is None
