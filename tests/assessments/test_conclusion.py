"""The conclusion with four eyes, its signed document (no remedy clause), and the recommendation
addressed to the city government through its legal affairs office."""
from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from supervision.assessments import services
from supervision.cases import services as cases
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.documents.models import Document
from supervision.extensions import db
from tests.assessments.conftest import passed, propose, to_conclusion


def _text(decision: Decision) -> str:
    doc = db.session.get(Document, decision.document_id)
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(storage.read(doc.sha256))).pages)


def test_the_proposer_cannot_approve_the_conclusion(world):
    case = propose(world)
    to_conclusion(world, case)
    db.session.flush()
    case.assignee_id = world.dual.id  # the dual officer-approver handles it
    cases.fire(case, "propose_conclusion", actor=world.dual, conclusion="passed", reason="Holds.")
    with pytest.raises(cases.TransitionRefused) as err:
        cases.fire(case, "approve_conclusion", actor=world.dual)
    assert "four eyes" in err.value.reasons[0]
    with pytest.raises(cases.TransitionRefused):  # one proposal at a time
        cases.fire(case, "propose_conclusion", actor=world.dual, conclusion="not_passed", reason="No.")
    cases.fire(case, "approve_conclusion", actor=world.approver)
    assert case.state == "passed"


def test_passed_conclusion_and_recommendation(world):
    case = propose(world)
    to_conclusion(world, case)
    passed(world, case)
    measure = services.measure_of(case)
    assert (measure.conclusion, str(measure.review_date)) == ("passed", "2028-12-31")
    conclusion = db.session.execute(db.select(Decision).filter_by(case_id=case.id)).scalar_one()
    assert conclusion.kind == "assessment_passed" and "评〔" in conclusion.number
    text = _text(conclusion)
    assert "市场准入措施评估结论（通过）" in text and "杭州市司法局：" in text
    assert "必要性评估" in text and "公平竞争审查" in text
    assert "行政复议" not in text and "行政诉讼" not in text  # an internal act: no remedy clause
    assert "不构成实施该措施的法律依据" in text
    assert "文本第1稿" in text  # the revision assessed

    cases.fire(case, "issue_recommendation", actor=world.approver)
    rec = db.session.execute(db.select(Decision).filter_by(case_id=case.id, kind="assessment_recommendation")).scalar_one()
    text = _text(rec)
    assert "杭州市人民政府（经杭州市司法局）：" in text
    assert "评估已通过（评估结论：" in text and "制定或者修改" in text and "第三级机器人应当设置电子围栏" in text and "行政复议" not in text
    assert case.state == "recommendation_issued"


def test_not_passed_ends_the_case(world):
    case = propose(world)
    to_conclusion(world, case)
    cases.fire(case, "propose_conclusion", actor=world.officer, conclusion="not_passed", reason="Less restrictive guidance suffices.")
    cases.fire(case, "return_conclusion", actor=world.approver, comment="Say more about the alternatives.")
    assert case.proposal is None and services.measure_of(case).proposed_conclusion is None
    cases.fire(case, "propose_conclusion", actor=world.officer, conclusion="not_passed", reason="Guidance suffices.")
    cases.fire(case, "approve_conclusion", actor=world.approver)
    assert case.state == "not_passed" and services.measure_of(case).conclusion == "not_passed"
    decision = db.session.execute(db.select(Decision).filter_by(case_id=case.id)).scalar_one()
    assert decision.kind == "assessment_not_passed" and "未通过评估" in _text(decision)


def test_the_pdf_embeds_a_cjk_font(world, tmp_path):
    case = propose(world)
    to_conclusion(world, case)
    passed(world, case)
    decision = db.session.execute(db.select(Decision).filter_by(case_id=case.id)).scalar_one()
    path = tmp_path / "c.pdf"
    path.write_bytes(storage.read(db.session.get(Document, decision.document_id).sha256))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
