"""What experts, officers, firms and administrators see and do on the expert pages."""
import datetime as dt

from supervision.audit.models import AuditEvent
from supervision.experts import services
from supervision.experts.models import Expert, ExpertConflict, ExpertOpinion
from supervision.extensions import db
from tests.experts.conftest import review_case
from tests.conftest import Browser
from tests.factories import UserFactory


def drawn_case(world, pool, n=2):
    case = review_case(world)
    row = services.draw_experts(case, n=n, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    users = {e.user_id: e.user for e in pool}
    return case, [users[i] for i in row.result], [u for i, u in users.items() if i not in row.result]


def opinion(web, case, **data):
    form = {"recommendation": "approve", "reasons": "Sound safety case.", "conditions": "", "no_conflict": "y"}
    form.update(data)
    return web.post(f"/experts/cases/{case.id}", form, token_from=f"/experts/cases/{case.id}")


def test_the_expert_lands_on_my_assignments_and_sees_only_their_cases(world, pool, web):
    case, (chosen, _), (outsider, *_rest) = drawn_case(world, pool)
    web.login(chosen.email)
    home = web.get("/home")
    assert home.headers["Location"].endswith("/experts/assignments")
    page = web.get("/experts/assignments").get_data(as_text=True)
    assert case.title in page
    web = Browser(web.client.application.test_client())
    web.login(outsider.email)
    assert case.title not in web.get("/experts/assignments").get_data(as_text=True)
    assert web.get(f"/experts/cases/{case.id}").status_code == 404
    assert opinion(web, case).status_code == 404
    assert db.session.execute(db.select(ExpertOpinion)).first() is None


def test_an_expert_sees_other_opinions_only_after_giving_their_own(world, pool, web):
    case, (first, second), _ = drawn_case(world, pool)
    web.login(first.email)
    assert opinion(web, case, reasons="FIRST-EXPERT-REASONS").status_code == 303
    web = Browser(web.client.application.test_client())
    web.login(second.email)
    page = web.get(f"/experts/cases/{case.id}").get_data(as_text=True)
    assert "FIRST-EXPERT-REASONS" not in page
    assert opinion(web, case, reasons="SECOND-EXPERT-REASONS").status_code == 303
    page = web.get(f"/experts/cases/{case.id}").get_data(as_text=True)
    assert "FIRST-EXPERT-REASONS" in page and "SECOND-EXPERT-REASONS" in page


def test_a_submitted_opinion_cannot_be_changed(world, pool, web):
    case, (expert, _), _ = drawn_case(world, pool)
    web.login(expert.email)
    opinion(web, case, reasons="original")
    response = opinion(web, case, reasons="rewritten")
    assert response.status_code == 422
    rows = db.session.execute(db.select(ExpertOpinion)).scalars().all()
    assert [r.reasons for r in rows] == ["original"]
    assert opinion(web, case, reasons="corrected", corrects_id=str(rows[0].id)).status_code == 303
    rows = db.session.execute(db.select(ExpertOpinion).order_by(ExpertOpinion.id)).scalars().all()
    assert [(r.reasons, r.corrects_id) for r in rows] == [("original", None), ("corrected", rows[0].id)]


def test_decline_from_the_page_draws_a_replacement(world, pool, web):
    case, (expert, stays), _ = drawn_case(world, pool)
    web.login(expert.email)
    response = web.post(f"/experts/cases/{case.id}/decline", {"reason": "conference abroad"},
                        token_from=f"/experts/cases/{case.id}")
    assert response.status_code == 303
    assert web.get(f"/experts/cases/{case.id}").status_code == 404
    draws = services.draws_of(case)
    assert len(draws) == 2 and draws[1].previous_id == draws[0].id


def test_officers_see_all_opinions_with_names_and_the_firm_a_summary_without(world, pool, web):
    case, (expert, _), _ = drawn_case(world, pool)
    services.submit_opinion(case, actor=expert, recommendation="approve_with_conditions",
                            reasons="OPINION-TEXT", conditions="limit speed", no_conflict=True)
    db.session.commit()
    web.login(world.officer.email)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "OPINION-TEXT" in page and expert.name in page and "expert-opinions" in page
    web = Browser(web.client.application.test_client())
    web.login(world.applicant_a.email)
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "OPINION-TEXT" in page and expert.name not in page
    bare = world.case()
    db.session.commit()
    assert "expert-opinions" not in web.get(f"/cases/{bare.id}").get_data(as_text=True)


def test_admin_creates_and_deactivates_experts_and_the_expert_declares_conflicts(world, web):
    newcomer = UserFactory(email="newcomer@t.test", organisation=world.department, roles=["expert"])
    db.session.commit()
    web.login(world.admin.email)
    response = web.post("/admin/experts", {"user_id": str(newcomer.id), "fields": ["law", "ethics"],
                                           "affiliation": "Zhejiang University", "title": "Prof.",
                                           "organisation_id": "0"}, token_from="/admin/experts")
    assert response.status_code == 303
    expert = db.session.execute(db.select(Expert)).scalar_one()
    assert expert.fields == ["ethics", "law"] and expert.active
    web.post("/admin/experts/active", {"expert_id": str(expert.id), "active": "0", "reason": "retired"},
             token_from="/admin/experts")
    db.session.refresh(expert)
    assert not expert.active
    web = Browser(web.client.application.test_client())
    web.login("newcomer@t.test")
    response = web.post("/experts/profile", {"organisation_id": str(world.firm_b.id), "reason": "former employer",
                                             "valid_from": "2024-01-01", "valid_to": ""},
                        token_from="/experts/profile")
    assert response.status_code == 303
    conflict = db.session.execute(db.select(ExpertConflict)).scalar_one()
    web.post("/experts/profile/end-conflict", {"conflict_id": str(conflict.id)}, token_from="/experts/profile")
    db.session.refresh(conflict)
    assert conflict.valid_to is not None and conflict.valid_to >= dt.date(2024, 1, 1)
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars()
               if e.action.startswith("expert.")]
    assert actions == ["expert.create", "expert.deactivate", "expert.conflict_declare", "expert.conflict_end"]
