"""The Art. 47 table (stated literally), its guards on the assessments, and text revisions."""
from __future__ import annotations

import pytest

from supervision.assessments import services
from supervision.cases import services as cases
from supervision.extensions import db
from tests.assessments.conftest import COMPLETE, TEXT, assess, opinion, propose, to_expert_review
from tests.cases.conftest import sign_in
from workflows.assessment import ASSESSMENT

WORKING = ("necessity_assessment", "safety_assessment", "effectiveness_assessment", "expert_review",
           "public_consultation", "conclusion_pending")


def test_the_allowed_set_is_exactly_the_table():
    expected = {
        ("proposed", "start_assessment", "officer"),
        ("necessity_assessment", "complete_necessity", "officer"),
        ("safety_assessment", "complete_safety", "officer"),
        ("effectiveness_assessment", "complete_effectiveness", "officer"),
        ("expert_review", "open_consultation", "officer"),
        ("expert_review", "skip_consultation", "officer"),
        ("public_consultation", "close_consultation", "officer"),
        ("conclusion_pending", "propose_conclusion", "officer"),
        ("conclusion_pending", "approve_conclusion", "approver"),
        ("conclusion_pending", "return_conclusion", "approver"),
        ("passed", "issue_recommendation", "approver"),
        *{(state, "revise", "officer") for state in WORKING},
    }
    assert ASSESSMENT.allowed() == expected
    assert ASSESSMENT.tagged("expert_review") == ("expert_review",)
    assert {s for s, st in ASSESSMENT.states.items() if st.final} == {"not_passed", "recommendation_issued"}
    assert {tr.dest for tr in ASSESSMENT.transitions if tr.trigger == "approve_conclusion"} == {"passed", "not_passed"}


def test_the_case_belongs_to_the_department(world):
    case = propose(world)
    assert case.firm_id is None and case.department_id == world.department.id
    assert case.number.startswith("MAA-") and case.state == "proposed"


@pytest.mark.parametrize("missing", ["necessity", "safety", "effectiveness", "fair_competition"])
def test_no_expert_review_with_an_assessment_missing(world, missing):
    case = propose(world)
    cases.fire(case, "start_assessment", actor=world.officer)
    for kind, trigger in (("necessity", "complete_necessity"), ("safety", "complete_safety")):
        if kind != missing:
            assess(world, case, kind)
            cases.fire(case, trigger, actor=world.officer)
        else:
            with pytest.raises(cases.TransitionRefused) as err:
                cases.fire(case, trigger, actor=world.officer)
            assert "missing or incomplete" in err.value.reasons[0]
            return
    for kind in ("effectiveness", "fair_competition"):
        if kind != missing:
            assess(world, case, kind)
    with pytest.raises(cases.TransitionRefused):
        cases.fire(case, "complete_effectiveness", actor=world.officer)
    assert case.state == "effectiveness_assessment"


def test_an_empty_assessment_does_not_count(world):
    case = propose(world)
    cases.fire(case, "start_assessment", actor=world.officer)
    services.save_finding(case, "necessity", actor=world.officer,
                          content={**COMPLETE["necessity"], "alternatives": [{"alternative": " ", "why_insufficient": ""}]})
    with pytest.raises(cases.TransitionRefused):
        cases.fire(case, "complete_necessity", actor=world.officer)
    services.save_finding(case, "necessity", actor=world.officer, content={**COMPLETE["necessity"], "evidence": "  "})
    with pytest.raises(cases.TransitionRefused):
        cases.fire(case, "complete_necessity", actor=world.officer)


def test_an_assessment_is_written_only_in_its_state(world):
    case = propose(world)
    cases.fire(case, "start_assessment", actor=world.officer)
    with pytest.raises(services.AssessmentError):
        assess(world, case, "safety")


def test_effectiveness_counts_firms_and_models_from_the_register(world):
    case = propose(world)
    to_expert_review(world, case)
    row = services.findings_of(services.current_revision(case))["effectiveness"]
    assert row.content["affected"] == {"firms": 0, "models": 0, "units": 0}


def test_revise_keeps_every_revision_and_asks_for_the_assessments_again(world, web):
    case = propose(world)
    to_expert_review(world, case)
    opinion(world, case)
    cases.fire(case, "revise", actor=world.officer, reason="Experts: keep logs twelve months.",
               text=TEXT.replace("六个月", "十二个月"))
    assert case.state == "necessity_assessment"
    revs = services.revisions_of(case)
    assert [r.number for r in revs] == [1, 2] and "六个月" in revs[0].text and "十二个月" in revs[1].text
    with pytest.raises(cases.TransitionRefused):  # the new text has no assessment yet
        cases.fire(case, "complete_necessity", actor=world.officer)
    db.session.commit()

    sign_in(web, "officer@t.test")
    page = web.get(f"/assessments/{case.id}/revisions").get_data(as_text=True)
    assert 'data-revision="1"' in page and 'data-revision="2"' in page
    assert "Experts: keep logs twelve months." in page
    assert '<tr class="changed"><td class="left">第二条 运营者应当保存运行日志六个月。</td>' \
           '<td class="right">第二条 运营者应当保存运行日志十二个月。</td></tr>' in page
    assert '<tr class="equal">' in page


def test_revise_needs_a_reason_and_a_text(world):
    case = propose(world)
    cases.fire(case, "start_assessment", actor=world.officer)
    with pytest.raises(cases.TransitionRefused):
        cases.fire(case, "revise", actor=world.officer, text="New text")
    assert [r.number for r in services.revisions_of(case)] == [1]


def test_the_expert_review_waits_for_every_drawn_expert(world, web):
    from supervision.experts import services as experts
    from tests.factories import UserFactory

    case = propose(world)
    to_expert_review(world, case)
    for email in ("law1@t.test", "law2@t.test"):
        user = UserFactory(email=email, organisation=world.department, roles=["expert"])
        experts.create_expert(user, fields=["law"], actor=world.admin)
    db.session.commit()
    sign_in(web, "officer@t.test")
    page = web.get(f"/cases/{case.id}/experts/draw")
    assert page.status_code == 200
    draw = experts.draw_experts(case, n=2, fields=["law"], actor=world.officer)
    first = db.session.get(type(world.officer), draw.result[0])
    experts.submit_opinion(case, actor=first, recommendation="supports_with_changes",
                           reasons="Keep logs twelve months.", no_conflict=True)
    with pytest.raises(cases.TransitionRefused) as err:
        cases.fire(case, "skip_consultation", actor=world.officer, reason="Internal.")
    assert "every expert drawn must give an opinion" in err.value.reasons[0]
    second = db.session.get(type(world.officer), draw.result[1])
    experts.submit_opinion(case, actor=second, recommendation="supports", reasons="Fine.", no_conflict=True)
    cases.fire(case, "skip_consultation", actor=world.officer, reason="Internal.")
    assert case.state == "conclusion_pending"
