"""The demo's expert pool: enough experts and fields, conflicts, a heard case, an open assignment."""
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.experts import services
from supervision.experts.models import Expert, ExpertConflict, ExpertDraw, ExpertOpinion
from supervision.extensions import db
from tests.conftest import Browser


def test_demo_pool_draws_and_the_expert_login(app, demo_data, runner):
    experts = db.session.execute(db.select(Expert)).scalars().unique().all()
    assert len(experts) >= 8 and len({f for e in experts for f in e.fields}) >= 4
    assert len({c.expert_id for c in db.session.execute(db.select(ExpertConflict)).scalars()}) == 2
    # The registration cases' draws (other case types' demos draw for their own cases too).
    draws = db.session.execute(db.select(ExpertDraw).join(Case, Case.id == ExpertDraw.case_id)
                               .where(Case.case_type == "registration").order_by(ExpertDraw.id)).scalars().all()
    assert all(services.replay(d) for d in db.session.execute(db.select(ExpertDraw)).scalars())
    assert draws[1].previous_id == draws[0].id  # the replacement of the decline
    assert len(db.session.execute(db.select(ExpertOpinion).join(Case, Case.id == ExpertOpinion.case_id)
                                  .where(Case.case_type == "registration")).scalars().all()) == 2
    assert runner.invoke(args=["experts", "replay-draw", "--all"]).exit_code == 0

    web = Browser(app.test_client())
    web.login("expert@example.com", "demo-password-2026")
    assert web.get("/home").headers["Location"].endswith("/experts/assignments")
    page = web.get("/experts/assignments").get_data(as_text=True)
    waiting = draws[2].case_id
    assert f"/experts/cases/{waiting}" in page
    heard = db.session.get(Case, draws[0].case_id)
    assert len(cases.roles_on(heard, role="expert", active=False)) == 3
    assert heard.state == "classification_review"  # every opinion in: the step ended
    assert db.session.get(Case, waiting).state == "expert_review"
