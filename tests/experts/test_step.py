"""The expert-review step as registration uses it: the officer's draw page, the experts told,
the material they get, the decision clock standing still, and the step's two ends."""
import datetime as dt

import pytest

from supervision.cases import clocks, services as cases, timers
from supervision.cases.models import Deadline
from supervision.decisions.models import Decision
from supervision.documents.services import add_document
from supervision.experts import services
from supervision.experts.models import ExpertDraw
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from tests.conftest import Browser
from tests.experts.conftest import review_case
from tests.conftest import sealed_url

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def in_review_deadlines(case):
    return {d.name: d for d in db.session.execute(db.select(Deadline).where(Deadline.case_id == case.id)).scalars()}


def draw_page(case):
    return f"/cases/{case.id}/experts/draw"


def test_seeking_expert_opinion_pauses_the_decision_clock_and_tells_the_firm_in_writing(world, pool):
    case = review_case(world)
    deadlines = in_review_deadlines(case)
    assert case.state == "expert_review"
    assert deadlines["decision"].status == "paused" and deadlines["expert_review"].status == "running"
    notice = db.session.execute(db.select(Decision).filter_by(case_id=case.id, kind="expert_review_notice")).scalar_one()
    assert notice.number
    told = db.session.execute(db.select(InboxItem).filter_by(case_id=case.id, user_id=world.applicant_a.id,
                                                             rule="expert_review_start")).scalar_one()
    assert told.event == "case.transition"


def test_the_last_opinion_ends_the_step_and_the_decision_clock_runs_again(world, pool):
    case = review_case(world)
    paused_due = in_review_deadlines(case)["decision"].due_at
    row = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    users = {e.user_id: e.user for e in pool}
    first, second = (users[i] for i in row.result)
    services.submit_opinion(case, actor=first, recommendation="approve", reasons="fine", no_conflict=True)
    assert case.state == "expert_review"
    services.submit_opinion(case, actor=second, recommendation="reject", reasons="too fast", no_conflict=True)
    db.session.commit()
    assert case.state == "classification_review"
    deadlines = in_review_deadlines(case)
    assert deadlines["decision"].status == "running" and deadlines["decision"].due_at >= paused_due
    assert deadlines["expert_review"].status == "met"
    # While the step lasted the decision clock stood still (行政许可法 Art. 45): one pause, ended.
    pauses = [(p.clock_name, p.state, p.ended_at is not None) for p in case.pauses]
    assert pauses == [("decision", "expert_review", True)]
    # The step is over: no more opinions, draws or declines.
    with pytest.raises(services.Refused, match="ended"):
        services.submit_opinion(case, actor=first, recommendation="approve", reasons="again", no_conflict=True,
                                corrects=services.opinion_of(case, first))
    with pytest.raises(services.Refused, match="only while the case is in expert review"):
        services.draw_experts(case, n=1, fields=["robotics_safety"], actor=world.officer, reason="more")


def test_the_step_ends_when_its_period_runs_out(world, pool):
    case = review_case(world)
    services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    due = in_review_deadlines(case)["expert_review"].due_at
    result = timers.tick(now=due + dt.timedelta(minutes=1))
    db.session.expire_all()
    assert len(result.fired) == 1
    assert case.state == "classification_review"
    assert in_review_deadlines(case)["decision"].status == "running"


def test_drawn_experts_are_told_and_only_they(world, pool):
    case = review_case(world)
    row = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    told = {i.user_id for i in db.session.execute(db.select(InboxItem).filter_by(event="expert.drawn")).scalars()}
    assert told == set(row.result)
    replacement = services.decline(case, user=db.session.get(type(world.officer), row.result[0]),
                                   reason="abroad", actor=db.session.get(type(world.officer), row.result[0]))
    db.session.commit()
    told_now = [i.user_id for i in db.session.execute(db.select(InboxItem).filter_by(event="expert.drawn")
                                                       .order_by(InboxItem.id)).scalars()]
    assert told_now[2:] == replacement.result
    officer_told = db.session.execute(db.select(InboxItem).filter_by(event="expert.declined")).scalars().all()
    assert [i.user_id for i in officer_told] == [world.officer.id]  # the officer who handles it


def test_the_draw_page_is_on_the_case_page_only_during_the_step(world, pool, web):
    web.login(world.officer.email)
    before = world.submitted_case()  # a case the officer sees, before the step
    db.session.commit()
    assert "draw-experts" not in web.get(f"/cases/{before.id}").get_data(as_text=True)
    assert web.get(draw_page(before)).status_code == 403
    case = review_case(world)
    page = web.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "draw-experts" in page and "The case is in expert review." in page
    form = web.get(draw_page(case), headers=EN).get_data(as_text=True)
    assert 'name="seed"' not in form and "Eligible now in Robotics safety: 6 experts." in form


def test_the_draw_page_refuses_too_few_eligible_experts_with_the_count(world, pool, web):
    case = review_case(world)
    web.login(world.officer.email)
    response = web.post(draw_page(case), {"n": "9", "fields": ["robotics_safety"]}, token_from=draw_page(case),
                        headers=EN)
    assert response.status_code == 422
    assert "Too few eligible experts: 6 eligible, 9 wanted." in response.get_data(as_text=True)
    assert db.session.execute(db.select(ExpertDraw)).first() is None
    response = web.post(draw_page(case), {"n": "2", "fields": ["robotics_safety"]}, token_from=draw_page(case))
    assert response.status_code == 303
    assert len(cases.roles_on(case, role="expert")) == 2
    # A second draw needs a reason; with one, both stay on record.
    again = web.post(draw_page(case), {"n": "1", "fields": ["robotics_safety"], "reason": ""},
                     token_from=draw_page(case), headers=EN)
    assert again.status_code == 422 and "a new draw needs a reason" in again.get_data(as_text=True)
    again = web.post(draw_page(case), {"n": "1", "fields": ["robotics_safety"], "reason": "one more view"},
                     token_from=draw_page(case))
    assert again.status_code == 303 and len(services.draws_of(case)) == 2


def test_only_the_cases_officer_draws(world, pool, web):
    case = review_case(world)
    web.login(world.applicant_a.email)
    assert web.get(draw_page(case)).status_code in (403, 404)
    web = Browser(web.client.application.test_client())
    web.login(world.officer2.email)  # the case is handled by world.officer
    assert web.get(draw_page(case)).status_code == 403


def test_experts_get_the_material_but_not_the_firms_confidential_documents(world, pool, web):
    case = review_case(world)
    shared = add_document(data=PDF, filename="safety-report.pdf", classification="internal",
                          actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    secret = add_document(data=PDF, filename="trade-secret.pdf", classification="confidential",
                          actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
    row = services.draw_experts(case, n=1, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    expert = next(e.user for e in pool if e.user_id == row.result[0])
    web.login(expert.email)
    page = web.get(f"/experts/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "safety-report.pdf" in page and "trade-secret.pdf" not in page
    assert 'id="opinion-deadline"' in page
    assert web.get(f"/experts/cases/{case.id}/documents/{shared.id}").status_code == 200
    assert web.get(f"/experts/cases/{case.id}/documents/{secret.id}").status_code == 404
    assert web.get(sealed_url("document", shared.id)).status_code == 403  # only through the assignment
    assert web.get(f"/cases/{case.id}").status_code == 403        # never the full case page
    other = review_case(world)
    assert web.get(f"/experts/cases/{other.id}/documents/{shared.id}").status_code == 404


def test_the_expert_chooses_from_the_case_types_recommendations(world, pool, web):
    case = review_case(world)
    row = services.draw_experts(case, n=1, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    expert = next(e.user for e in pool if e.user_id == row.result[0])
    web.login(expert.email)
    page = web.get(f"/experts/cases/{case.id}", headers=EN).get_data(as_text=True)
    for text in ("Approve with conditions", "No recommendation"):
        assert text in page
    with pytest.raises(services.Refused, match="recommendation"):
        services.submit_opinion(case, actor=expert, recommendation="maybe", reasons="x", no_conflict=True)
    assert clocks.find(case, "expert_review") is not None


def test_the_firm_is_not_told_who_was_drawn_anywhere_on_the_case_page(world, pool, web):
    case = review_case(world)
    row = services.draw_experts(case, n=2, fields=["robotics_safety"], actor=world.officer)
    users = {e.user_id: e.user for e in pool}
    decliner = users[row.result[0]]
    services.decline(case, user=decliner, reason="DECLINE-REASON", actor=decliner)
    services.submit_opinion(case, actor=users[row.result[1]], recommendation="approve", reasons="OPINION-TEXT",
                            no_conflict=True)
    db.session.commit()
    drawn = [users[i] for d in services.draws_of(case) for i in d.result]
    web.login(world.applicant_a.email)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "OPINION-TEXT" in page and "DECLINE-REASON" not in page
    for person in drawn:
        assert person.email not in page and person.name not in page
    web = Browser(web.client.application.test_client())
    web.login(world.officer.email)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert all(person.name in page for person in drawn) and "DECLINE-REASON" in page
