"""A firm's unsubmitted draft is the firm's alone (issue 10, pages): not listed to regulators or
auditors, no claim button, its page, decisions and documents answer 404 to anyone outside the
firm; once submitted (through the services) the department sees it."""
from __future__ import annotations

import re

import pytest

from supervision.cases import services
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in
from tests.conftest import sealed_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ["officer@t.test", "approver@t.test", "auditor@t.test", "dual@t.test", "b@firm-b.test"]


def listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr class="[^"]*" data-case="(\d+)"', html)]


def logout(web) -> None:
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})


@pytest.fixture
def draft(world):
    case = world.case(title="Secret draft")
    doc = add_document(data=PDF, filename="spec.pdf", classification="confidential", actor=world.applicant_a,
                       case=case, firm_id=world.firm_a.id)
    db.session.commit()
    return case, doc


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_is_neither_listed_nor_shown_outside_the_firm(world, web, draft, who):
    case, doc = draft
    submitted = world.case(title="Submitted one")
    put_in_state(submitted, "submitted")
    sign_in(web, who)
    html = web.get("/cases").get_data(as_text=True)
    assert case.id not in listed(html) and "Secret draft" not in html
    assert f"/cases/{case.id}/claim" not in html
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/documents", f"/cases/{case.id}/decisions",
                 sealed_url("document", doc.id)):
        assert web.get(path).status_code == 404, path
    if who != "b@firm-b.test":
        assert submitted.id in listed(html)
        assert web.get(f"/cases/{submitted.id}").status_code == 200


def test_an_officer_cannot_claim_or_assign_a_draft(world, web, draft):
    case, _doc = draft
    sign_in(web, "officer@t.test")
    assert web.post(f"/cases/{case.id}/claim", {"version": case.version}, token_from="/cases").status_code == 404
    logout(web)
    sign_in(web, "approver@t.test")
    resp = web.post(f"/cases/{case.id}/assign", {"version": case.version, "assignee_id": world.officer.id},
                    token_from="/cases")
    assert resp.status_code == 404
    db.session.expire_all()
    assert db.session.get(type(case), case.id).assignee_id is None
    with pytest.raises(services.TransitionRefused):
        services.claim(case, actor=world.officer)


def test_an_expert_learns_nothing_of_a_draft(world, web, draft):
    case, doc = draft
    submitted = world.case(title="Submitted one")
    put_in_state(submitted, "submitted")
    sign_in(web, "expert@t.test")
    # Experts reach no case page they are not drawn for; a draft answers as a case that does
    # not exist (404), never 403, which would tell them it is there.
    assert web.get(f"/cases/{case.id}").status_code == web.get("/cases/999999").status_code == 404
    assert web.get(f"/cases/{submitted.id}").status_code == 403
    assert web.get(sealed_url("document", doc.id)).status_code == 404


def test_the_firm_sees_its_draft_and_once_submitted_the_regulators_see_it(world, web, draft):
    case, doc = draft
    sign_in(web, "a@firm-a.test")
    assert case.id in listed(web.get("/cases").get_data(as_text=True))
    assert web.get(f"/cases/{case.id}").status_code == 200
    resp = web.get(sealed_url("document", doc.id))
    assert resp.status_code == 200
    resp.close()
    services.fire(case, "submit", actor=world.applicant_a)
    db.session.commit()
    logout(web)
    for who in ("officer@t.test", "auditor@t.test"):
        sign_in(web, who)
        html = web.get("/cases").get_data(as_text=True)
        assert case.id in listed(html)
        assert web.get(f"/cases/{case.id}").status_code == 200
        resp = web.get(sealed_url("document", doc.id))
        assert resp.status_code == 200
        resp.close()
        logout(web)


def test_a_departments_own_case_is_not_a_firms_draft(world, web):
    """An assessment the department opens (no firm) is the department's from its first state."""
    from tests.assessments.conftest import propose

    case = propose(world, title="Art. 47 assessment")
    db.session.commit()
    assert case.firm_id is None and case.state == "proposed"
    for who in ("officer2@t.test", "auditor@t.test"):
        sign_in(web, who)
        assert case.id in listed(web.get("/cases").get_data(as_text=True))
        assert web.get(f"/cases/{case.id}").status_code == 200
        logout(web)



def test_an_expert_gets_404_on_a_drafts_pages(world, web, draft):
    case, _doc = draft
    sign_in(web, "expert@t.test")
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/documents", f"/cases/{case.id}/decisions"):
        assert web.get(path).status_code == 404, path
