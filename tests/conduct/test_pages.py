"""Conduct cases as people use them: an officer opens one against a firm; the firm sees and
answers only its own; firm B cannot see it; the referral letter and the remediation order
render as official documents that cite the conduct measure and never penalise."""
from __future__ import annotations

import io

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.conftest import Browser
from tests.cases.conftest import sign_in, then, version_of
from tests.conduct.conftest import PDF, in_a_month, open_case, to_findings
from tests.legal.conftest import pdf_text


def test_an_officer_opens_a_case_from_the_form(world, web):
    sign_in(web, "officer@t.test")
    page = web.get("/conduct/new").get_data(as_text=True)
    assert "Firm A" in page and "Monopoly or unfair competition" in page
    resp = web.post("/conduct/new", {"firm_id": world.firm_b.id, "category": "competition",
                                     "title": "Exclusive dealing", "description": "Distributors barred from rivals."},
                    token_from="/conduct/new")
    html = then(web, resp).get_data(as_text=True)
    case = db.session.execute(db.select(Case).filter_by(case_type="conduct")).scalar_one()
    assert case.firm_id == world.firm_b.id and case.number in html
    assert "Monopoly or unfair competition" in html and "imposes no penalty" in html


def test_a_form_without_a_category_is_refused(world, web):
    sign_in(web, "officer@t.test")
    resp = web.post("/conduct/new", {"firm_id": world.firm_b.id, "title": "T", "description": "D"},
                    token_from="/conduct/new")
    assert resp.status_code == 422
    assert db.session.execute(db.select(Case).filter_by(case_type="conduct")).first() is None


def test_firms_may_not_open_cases(world, web):
    sign_in(web, "a@firm-a.test")
    assert web.get("/conduct/new").status_code in (403, 404)


def test_the_firm_answers_its_own_request_and_firm_b_cannot_see_the_case(app, world, web):
    case = open_case(world, firm=world.firm_a)
    cases.fire(case, "start_investigation", actor=world.officer)
    cases.fire(case, "request_info", actor=world.officer, comment="How long are images kept?")
    db.session.commit()
    sign_in(web, "b@firm-b.test")
    assert web.get(f"/cases/{case.id}").status_code == 404
    assert case.number not in web.get("/cases").get_data(as_text=True)
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "answer", "version": case.version, "comment": "x"},
                    token_from="/cases")
    assert resp.status_code == 404
    web = Browser(app.test_client())
    sign_in(web, "a@firm-a.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "How long are images kept?" in html and 'data-action="answer"' in html
    resp = web.post(f"/cases/{case.id}/act",
                    {"trigger": "answer", "version": version_of(html), "comment": "24 hours.",
                     "document": (io.BytesIO(PDF), "log.pdf"), "document_classification": "confidential"},
                    token_from=f"/cases/{case.id}", content_type="multipart/form-data")
    then(web, resp)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "investigating"


def _letter_text(case, tmp_path) -> str:
    return pdf_text(storage.read(decisions_of(case)[-1].pdf_sha256), tmp_path)


def test_the_referral_letter_is_addressed_to_the_authority_and_imposes_no_penalty(world, tmp_path):
    case = to_findings(world, open_case(world, category="competition"))
    cases.fire(case, "propose_referral", actor=world.officer, authority="market_regulation",
               reason="排他性交易条款属于市场监管部门职责。")
    cases.fire(case, "approve_referral", actor=world.approver)
    db.session.commit()
    text = _letter_text(case, tmp_path)
    assert "案件移送函" in text and text.index("杭州市市场监督管理局") < text.index("甲公司")
    assert "第四十三条第一款第三项" in text and "实施垄断或者不正当竞争" in text
    assert "违禁行为调查处置办法（示例）》第十三条" in text          # the power: the conduct measure
    assert "为落实《杭州市促进具身智能机器人产业发展条例》第四十三条" in text  # Art. 43: only for what it says
    assert "依据《杭州市促进具身智能机器人产业发展条例》" not in text
    assert "不对上述行为给予行政处罚" in text and "行政复议" not in text   # a letter, not an appealable act


def test_a_referral_to_public_security_cites_the_referral_of_suspected_crimes(world, tmp_path):
    case = to_findings(world, open_case(world, category="national_security"))
    cases.fire(case, "propose_referral", actor=world.officer, authority="public_security",
               reason="涉嫌犯罪。")
    cases.fire(case, "approve_referral", actor=world.approver)
    db.session.commit()
    text = _letter_text(case, tmp_path)
    assert "杭州市公安局" in text and "《中华人民共和国行政处罚法》第二十七条第一款" in text


def test_the_remediation_order_lists_measures_and_deadline_with_the_remedy(world, tmp_path):
    case = to_findings(world, open_case(world))
    cases.fire(case, "propose_remediation", actor=world.officer, measures=("删除已留存的人脸图像", "在入口设置告知标识"),
               deadline=in_a_month(), reason="未经告知留存人脸图像。")
    cases.fire(case, "approve_remediation", actor=world.approver)
    db.session.commit()
    text = _letter_text(case, tmp_path)
    assert "整改通知书" in text and "甲公司" in text
    assert "删除已留存的人脸图像" in text and "在入口设置告知标识" in text
    assert "本通知不是行政处罚" in text and "申请行政复议" in text
