"""Public consultation: the draft and summary on the register, comments hidden until moderated,
the rate limit, reference numbers, and no commenter's contact on any public page or JSON."""
from __future__ import annotations

import json

import pytest

from supervision.assessments import services
from supervision.assessments.models import Comment
from supervision.cases import services as cases
from supervision.extensions import db
from tests.assessments.conftest import end_consultation, propose, to_conclusion
from tests.cases.conftest import sign_in, then

NAME, CONTACT = "Hu Xiaoming", "hu.private@example.org"


@pytest.fixture
def consulting(world):
    case = propose(world)
    to_conclusion(world, case, consult=True)
    db.session.commit()
    assert case.state == "public_consultation"
    return case


def _comment(web, case, text="Please exempt robots used only indoors.", theme="necessity", **headers):
    return web.post(f"/register/measures/{case.id}?lang=en",
                    {"name": NAME, "contact": CONTACT, "theme": theme, "text": text},
                    token_from=f"/register/measures/{case.id}", **headers)


def test_the_draft_and_summary_are_public_and_comments_wait_for_moderation(app, world, web, consulting):
    page = web.get(f"/register/measures/{consulting.id}?lang=en").get_data(as_text=True)
    assert "第一条 在公共场所运行的第三级机器人应当设置电子围栏。" in page
    assert "Plain summary: fence tier-3 robots." in page
    done = then(web, _comment(web, consulting))
    row = db.session.execute(db.select(Comment)).scalar_one()
    assert row.reference in done.get_data(as_text=True) and row.status == "pending"
    public = web.get(f"/register/measures/{consulting.id}?lang=en").get_data(as_text=True)
    assert "Please exempt robots used only indoors." not in public  # hidden until moderated

    sign_in(web, "officer@t.test")
    case_page = web.get(f"/cases/{consulting.id}").get_data(as_text=True)
    assert "Please exempt robots used only indoors." in case_page and CONTACT in case_page
    refused = then(web, web.post(f"/cases/{consulting.id}/act", {
        "trigger": "close_consultation", "version": consulting.version}, token_from=f"/cases/{consulting.id}"))
    assert "The consultation period has not ended yet." in refused.get_data(as_text=True)
    then(web, web.post(f"/assessments/comments/{row.id}/moderate", {"decision": "publish"},
                       token_from=f"/cases/{consulting.id}"))
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})

    public = web.get(f"/register/measures/{consulting.id}?lang=en").get_data(as_text=True)
    assert "Please exempt robots used only indoors." in public and row.reference in public
    assert NAME not in public and CONTACT not in public


def test_a_rejected_comment_stays_hidden_with_its_category_on_record(world, consulting):
    row = services.submit_comment(consulting, name=NAME, contact=CONTACT, theme="other",
                                  text="Buy our fences at a discount!", client_address="10.0.0.1")
    with pytest.raises(services.AssessmentError):
        services.moderate(row, actor=world.officer, publish=False)  # a reason category is required
    services.moderate(row, actor=world.officer, publish=False, category="advertising")
    assert (row.status, row.reject_category) == ("rejected", "advertising")
    assert services.comments_of(services.consultation_of(consulting), statuses=("published",)) == []
    with pytest.raises(services.AssessmentError):
        services.moderate(row, actor=world.officer, publish=True)  # once


def test_the_rate_limit(app, world, consulting):
    limit = app.config["ASSESSMENT_COMMENTS_PER_HOUR"]
    refs = {services.submit_comment(consulting, name=NAME, contact=CONTACT, theme="safety",
                                    text=f"Comment number {i}", client_address="10.0.0.2").reference
            for i in range(limit)}
    assert len(refs) == limit  # each its own reference number
    with pytest.raises(services.RateLimited):
        services.submit_comment(consulting, name=NAME, contact=CONTACT, theme="safety", text="One too many",
                                client_address="10.0.0.2")
    services.submit_comment(consulting, name=NAME, contact=CONTACT, theme="safety", text="Another address",
                            client_address="10.0.0.3")


def test_the_rate_limit_through_the_page(app, world, web, consulting):
    for _ in range(app.config["ASSESSMENT_COMMENTS_PER_HOUR"]):
        assert _comment(web, consulting).status_code == 303
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    refused = _comment(web, consulting)
    assert refused.status_code == 429
    assert "Please wait an hour" in refused.get_data(as_text=True)


def test_no_contact_on_any_public_page_or_json(world, web, consulting):
    row = services.submit_comment(consulting, name=NAME, contact=CONTACT, theme="cost",
                                  text="Costs are too high for small firms.", client_address="10.0.0.4")
    services.moderate(row, actor=world.officer, publish=True)
    end_consultation(consulting)
    cases.fire(consulting, "close_consultation", actor=world.officer)
    with pytest.raises(cases.TransitionRefused) as err:  # the themes raised must be answered
        cases.fire(consulting, "propose_conclusion", actor=world.officer, conclusion="passed", reason="Holds.")
    assert "Record how the comments were taken into account" in err.value.reasons[0]
    services.record_outcome(consulting, actor=world.officer, outcome="One comment; the cost is accepted.",
                            answers={"cost": "A two-year transition for small firms."})
    cases.fire(consulting, "propose_conclusion", actor=world.officer, conclusion="passed", reason="Holds.")
    cases.fire(consulting, "approve_conclusion", actor=world.approver)
    db.session.commit()
    pages = [web.get(f"/register/measures/{consulting.id}?lang=en").get_data(as_text=True),
             web.get("/register/measures?lang=en").get_data(as_text=True),
             json.dumps(web.get("/register.json?section=measures").get_json())]
    assert "A two-year transition for small firms." in pages[0]
    for text in pages:
        assert NAME not in text and CONTACT not in text and "10.0.0.4" not in text
    data = json.loads(pages[2])
    assert data["total"] == 1 and data["entries"][0]["status"] == "passed"
    assert data["entries"][0]["conclusion"].startswith(world.department.doc_prefix + "评〔")
    assert data["entries"][0]["review_date"] == "2028-12-31"


def test_the_register_section_pages_and_filters(world, web, consulting):
    data = web.get("/register.json?section=measures&status=consultation").get_json()
    assert [e["case_number"] for e in data["entries"]] == [consulting.number]
    assert data["entries"][0]["title_url"].endswith(f"/register/measures/{consulting.id}")
    assert web.get("/register.json?section=measures&status=passed").get_json()["total"] == 0
    bad = web.get("/register.json?section=measures&status=secret")
    assert bad.status_code == 400 and bad.get_json()["status"] == 400
