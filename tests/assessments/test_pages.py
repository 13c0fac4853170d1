"""The officer's pages: proposing a measure, writing an assessment (refused when empty), the
case page's panel, and the queue flag for a measure past its review date."""
from __future__ import annotations

import datetime as dt

from supervision.assessments import services
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.extensions import db
from tests.assessments.conftest import TEXT, passed, propose, to_conclusion
from tests.cases.conftest import sign_in, then


def test_an_officer_proposes_a_measure_and_writes_the_necessity_assessment(world, web):
    sign_in(web, "officer@t.test")
    resp = web.post("/assessments/new", {"title": "Logs for tier-3 robots", "text": TEXT,
                                         "problem": "No record after incidents.", "tiers": ["3"],
                                         "scenario_classes": ["S2", "S3"], "ruleset_changes": "obligation:3:log_keeping"},
                    token_from="/assessments/new")
    case = db.session.execute(db.select(Case).filter_by(case_type="assessment")).scalar_one()
    page = then(web, resp).get_data(as_text=True)
    assert "Logs for tier-3 robots" in page and "obligation:3:log_keeping" in page
    assert "unit counts are not available" not in page and "Firm</dt>" not in page
    listing = web.get("/cases?case_type=assessment").get_data(as_text=True)
    assert case.number in listing and "(department)" in listing

    bad = web.post("/assessments/new", {"title": "x", "text": "y", "problem": "z", "ruleset_changes": "drop:all"},
                   token_from="/assessments/new")
    assert bad.status_code == 422 and "Not a ruleset change code: drop:all" in bad.get_data(as_text=True)

    then(web, web.post(f"/cases/{case.id}/act", {"trigger": "start_assessment", "version": case.version},
                       token_from=f"/cases/{case.id}"))
    form = f"/assessments/{case.id}/findings/necessity"
    empty = web.post(form, {"problem": "Robots leave.", "evidence": "",
                            "alternatives-0-alternative": "Guidance", "alternatives-0-why_insufficient": ""},
                     token_from=form)
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert "This part of the assessment cannot be left empty." in text
    assert "Name at least one less restrictive alternative and why it is insufficient." in text
    saved = web.post(form, {"problem": "Robots leave.", "evidence": "Three incidents.",
                            "alternatives-0-alternative": "Guidance",
                            "alternatives-0-why_insufficient": "Ignored in pilots."}, token_from=form)
    page = then(web, saved).get_data(as_text=True)
    assert 'data-finding="necessity"' in page and "complete" in page
    finding = services.findings_of(services.current_revision(case))["necessity"]
    assert finding.author_id == world.officer.id
    assert finding.content["alternatives"] == [{"alternative": "Guidance", "why_insufficient": "Ignored in pilots."}]
    # Safety is written in its own state only.
    assert web.post(f"/assessments/{case.id}/findings/safety",
                    {"hazards": "h", "residual_risks": "r", "effect_on_users": "e"},
                    token_from=f"/assessments/{case.id}/findings/safety").status_code == 303
    assert "safety" not in services.findings_of(services.current_revision(case))


def test_other_departments_and_firms_cannot_touch_it(world, web):
    case = propose(world)
    db.session.commit()
    sign_in(web, "other@t.test")
    assert web.get(f"/assessments/{case.id}/findings/necessity").status_code == 403
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "a@firm-a.test")
    assert web.get(f"/cases/{case.id}").status_code == 404
    assert web.get(f"/assessments/{case.id}/revisions").status_code == 404


def test_a_measure_past_its_review_date_is_flagged_on_the_queue(world, web):
    case = propose(world)
    to_conclusion(world, case)
    passed(world, case)
    services.measure_of(case).review_date = dt.date(2026, 1, 31)
    other = propose(world, title="Second measure")
    db.session.commit()
    sign_in(web, "officer@t.test")
    listing = web.get("/cases?case_type=assessment").get_data(as_text=True)
    assert "Review overdue since 2026-01-31" in listing
    row = listing[listing.index(f'data-case="{other.id}"'):]
    assert "Review overdue" not in row[:row.index("</tr>")]
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="review-overdue"' in page
    data = web.get("/register.json?section=measures").get_json()
    assert data["entries"][0]["review_overdue"] is True
