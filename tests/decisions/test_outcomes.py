"""Outcomes of reconsideration and litigation (issue 10, defect 11): a regulator records what the
body decided about a decision, with its document; "set aside" takes the case back and the public
register follows; the verification page shows the outcome and the service date."""
from __future__ import annotations

import io

from supervision.cases.models import Case
from supervision.decisions import outcomes
from supervision.decisions.models import Decision
from supervision.decisions.services import decisions_of
from supervision.extensions import db
from tests.registry.conftest import make_registration, revoke, to_registered

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _revoked(world):
    reg = make_registration(world, name="ZX-Guide G9")
    to_registered(world, reg)
    revoke(world, reg)
    db.session.commit()
    return reg


def _status_on_register(client, model: str) -> str | None:
    """The status the public register (JSON, the "registered" section) shows for ``model``."""
    entries = client.get("/register.json?section=registered").get_json()["entries"]
    return next((e["status"] for e in entries if e["model"] == model), None)


def _kind(case_id: int, kind: str) -> Decision:
    db.session.expire_all()
    return [d for d in decisions_of(db.session.get(Case, case_id)) if d.kind == kind][-1]


def _post(web, case_id: int, decision: Decision, outcome: str, **extra):
    data = {"route": "reconsideration", "outcome": outcome, "body": "杭州市人民政府",
            "body_document_number": "杭政复决〔2026〕12号", "decided_on": "2026-11-20",
            "document": (io.BytesIO(PDF), "decision.pdf"), **extra}
    return web.post(f"/cases/{case_id}/decisions/{decision.id}/outcome", data,
                    token_from=f"/cases/{case_id}/decisions", content_type="multipart/form-data")


def test_a_revocation_set_aside_puts_the_model_back_on_the_register(world, web, client):
    reg = _revoked(world)
    case_id, name = reg.case_id, reg.model.name
    assert _status_on_register(client, name) is None
    revocation = _kind(case_id, "revocation")
    web.login("officer@t.test")
    page = web.get(f"/cases/{case_id}/decisions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"Record an outcome against {revocation.number}" in page
    assert _post(web, case_id, revocation, "set_aside").status_code == 303
    assert db.session.get(Case, case_id).state == "registered"
    assert _kind(case_id, "revocation").status == "set_aside"
    assert _kind(case_id, "grant").status == "issued"           # the grant it had revoked stands again
    [row] = outcomes.outcomes_of(_kind(case_id, "revocation"))
    assert (row.body, row.body_document_number, row.outcome) == ("杭州市人民政府", "杭政复决〔2026〕12号", "set_aside")
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    assert _status_on_register(client, name) == "registered"
    verify = client.get(f"/verify/{revocation.token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "杭政复决〔2026〕12号" in verify and "the decision no longer stands" in verify
    assert "Served on" in verify


def test_an_upheld_decision_stands_and_the_case_stays(world, web):
    reg = _revoked(world)
    revocation = _kind(reg.case_id, "revocation")
    web.login("officer@t.test")
    assert _post(web, reg.case_id, revocation, "upheld", route="litigation", body="杭州市西湖区人民法院",
                 body_document_number="（2026）浙0106行初88号").status_code == 303
    assert db.session.get(Case, reg.case_id).state == "revoked"
    assert _kind(reg.case_id, "revocation").status == "issued"
    assert outcomes.outcomes_of(revocation)[0].route == "litigation"


def test_only_the_departments_regulators_record_an_outcome_and_only_against_a_decision(world, web):
    reg = _revoked(world)
    revocation, notice = _kind(reg.case_id, "revocation"), _kind(reg.case_id, "revocation_notice")
    web.login("a@firm-a.test")
    assert _post(web, reg.case_id, revocation, "set_aside").status_code in (403, 404)
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    web.login("officer@t.test")
    _post(web, reg.case_id, notice, "set_aside")               # a notice is not a decision one challenges
    assert outcomes.outcomes_of(notice) == []
    assert db.session.get(Case, reg.case_id).state == "revoked"
