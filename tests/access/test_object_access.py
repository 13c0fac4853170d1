"""Firms see only their own objects (anything else is 404); admins and experts decide no case."""
from __future__ import annotations

import pytest

from supervision.cases.models import Case
from supervision.documents.models import Document
from supervision.extensions import db
from tests.access.conftest import PDF
from tests.cases.conftest import put_in_state
from tests.core.dbstate import audit_actions_except_denials, snapshot
from tests.conftest import sealed_url


def state_of(case_id: int) -> tuple[str, int]:
    db.session.commit()
    case = db.session.get(Case, case_id)
    return case.state, case.version


@pytest.fixture
def firm_b(world, web):
    assert web.login("b@firm-b.test").status_code == 302
    return web


def test_own_firm_sees_its_case_and_document(world, case_a, doc_a, web):
    web.login("a@firm-a.test")
    assert web.get(f"/cases/{case_a.id}").status_code == 200
    assert web.get(f"/cases/{case_a.id}/documents").status_code == 200
    resp = web.get(sealed_url("document", doc_a.id))
    assert resp.status_code == 200 and resp.data == PDF
    resp.close()


def test_other_firm_gets_404_on_case_page(world, case_a, firm_b):
    resp = firm_b.get(f"/cases/{case_a.id}")
    assert resp.status_code == 404
    assert "Firm A's robot" not in resp.get_data(as_text=True)


def test_other_firm_gets_404_on_case_action_and_nothing_changes(world, case_a, firm_b):
    before = state_of(case_a.id)
    resp = firm_b.post(f"/cases/{case_a.id}/act", {"trigger": "submit", "version": str(state_of(case_a.id)[1])},
                       token_from="/cases")
    assert resp.status_code == 404
    assert state_of(case_a.id) == before
    assert before[0] == "draft"


def test_other_firm_gets_404_on_documents_list_and_upload(world, case_a, doc_a, firm_b):
    assert firm_b.get(f"/cases/{case_a.id}/documents").status_code == 404
    from io import BytesIO

    resp = firm_b.post(f"/cases/{case_a.id}/documents",
                       {"file": (BytesIO(PDF), "x.pdf"), "classification": "public"},
                       token_from="/cases", content_type="multipart/form-data")
    assert resp.status_code == 404
    assert db.session.execute(db.select(db.func.count(Document.id))).scalar() == 1


def test_other_firm_gets_404_on_document_download(world, doc_a, firm_b):
    resp = firm_b.get(sealed_url("document", doc_a.id))
    assert resp.status_code == 404
    assert PDF not in resp.data
    resp.close()


def test_missing_case_and_foreign_case_look_the_same_to_a_firm(world, case_a, firm_b):
    import re

    def page(resp) -> str:
        """The body without what differs per request: the request id, the CSRF and one-time tokens."""
        body = resp.get_data(as_text=True).replace(resp.headers["X-Request-Id"], "")
        body = re.sub(r'name="(csrf_token|form_once)" value="[^"]+"', "", body)
        return re.sub(r'name="next" value="[^"]+"', "", body)

    foreign = firm_b.get(f"/cases/{case_a.id}")
    missing = firm_b.get("/cases/987654")
    assert foreign.status_code == missing.status_code == 404
    assert page(foreign) == page(missing)


def test_refusals_are_audited(world, case_a, firm_b):
    firm_b.get(f"/cases/{case_a.id}")
    from supervision.audit.models import AuditEvent

    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "access.denied")
                               .order_by(AuditEvent.seq.desc())).scalars().first()
    assert event.actor_email == "b@firm-b.test"
    assert event.object_type == "case" and event.object_id == str(case_a.id)


def test_admin_cannot_fire_triggers_or_read_cases(world, case_a, web):
    web.login("admin@t.test")
    assert web.get(f"/cases/{case_a.id}").status_code == 404  # a firm's draft: it does not exist for them
    put_in_state(case_a, "submitted")
    db.session.commit()
    before = snapshot(with_audit=False)
    resp = web.post(f"/cases/{case_a.id}/act", {"trigger": "submit", "version": "1"}, token_from="/admin/")
    assert resp.status_code == 403
    assert web.post(f"/cases/{case_a.id}/claim", {"version": "1"}, token_from="/admin/").status_code == 403
    assert web.get(f"/cases/{case_a.id}").status_code == 403
    assert snapshot(with_audit=False) == before


def test_expert_has_no_access_to_cases_yet(world, case_a, doc_a, web):
    put_in_state(case_a, "submitted")  # a submitted case (a firm's draft is 404 to all others)
    web.login("expert@t.test")
    audit_before = audit_actions_except_denials()
    state_before = state_of(case_a.id)
    assert web.get("/cases").status_code == 403
    assert web.get(f"/cases/{case_a.id}").status_code == 403
    assert web.post(f"/cases/{case_a.id}/act", {"trigger": "accept", "version": "1"},
                    token_from="/account/password").status_code == 403
    resp = web.get(sealed_url("document", doc_a.id))
    assert resp.status_code == 403
    resp.close()
    assert state_of(case_a.id) == state_before
    assert audit_actions_except_denials() == audit_before
    assert 'href="/cases"' not in web.get("/account/password").get_data(as_text=True)


def test_officer_of_other_department_gets_403(world, case_a, web):
    put_in_state(case_a, "submitted")  # a submitted case (a firm's draft is 404 to all others)
    web.login("other@t.test")
    assert web.get(f"/cases/{case_a.id}").status_code == 403
    assert web.post(f"/cases/{case_a.id}/claim", {"version": "1"}, token_from="/cases").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(world, case_a, doc_a, client):
    for url in (f"/cases/{case_a.id}", sealed_url("document", doc_a.id), "/admin/", "/audit/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next="), url


def test_non_admins_get_403_on_admin_pages(world, web):
    web.login("officer@t.test")
    assert web.get("/admin/").status_code == 403
    resp = web.post("/admin/organisations/new", {"kind": "department", "name_zh": "局", "name_en": "Bureau"},
                    token_from="/cases")
    assert resp.status_code == 403
    from supervision.accounts.models import Organisation

    assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar() == 4
