"""Public verification (token, bare number, upload), the case panel and the legal-bases page."""
from __future__ import annotations

import io

from supervision.documents import storage
from tests.decisions.conftest import issue
from tests.factories import PASSWORD
from tests.conftest import sealed_url


def test_token_page_shows_authority_number_hash_and_status_without_login(client, world):
    decision = issue(world, "refusal")
    html = client.get(f"/verify/{decision.token}").get_data(as_text=True)
    for expected in (decision.number, decision.pdf_sha256, "杭州市经济和信息化局", "不予注册决定书"):
        assert expected in html
    assert "甲公司" not in html and "Firm A" not in html and decision.case.title not in html


def test_unknown_or_guessed_token_is_404(client, world):
    issue(world, "acceptance")
    assert client.get("/verify/not-a-token").status_code == 404


def test_token_page_says_when_a_decision_no_longer_stands(client, world):
    case = world.case()
    grant = issue(world, "grant", case=case, facts={"tier": 1})
    issue(world, "revocation", case=case)
    html = client.get(f"/verify/{grant.token}").get_data(as_text=True)
    assert 'class="status-revoked"' in html


def test_bare_number_lookup_discloses_nothing_about_whom_it_concerns(client, world):
    decision = issue(world, "refusal", facts={"reason": "秘密理由"})
    html = client.get("/verify", query_string={"number": decision.number}).get_data(as_text=True)
    assert "杭州市经济和信息化局" in html and 'class="status-issued"' in html
    for secret in ("甲公司", "Firm A", decision.case.title, decision.case.number, "秘密理由",
                   decision.token, decision.pdf_sha256, "不予注册决定书"):
        assert secret not in html, secret
    missing = client.get("/verify", query_string={"number": "杭测0登〔2026〕999号"}).get_data(as_text=True)
    assert "杭测0登〔2026〕999号" in missing and 'class="status-' not in missing


def _upload(web, data: bytes):
    return web.client.post("/verify/upload", data={"file": (io.BytesIO(data), "d.pdf")},
                           content_type="multipart/form-data")


def test_upload_says_authentic_for_the_original_and_not_for_a_modified_copy(web, world):
    decision = issue(world, "grant", facts={"tier": 1})
    original = storage.read(decision.pdf_sha256)
    ok = _upload(web, original).get_data(as_text=True)
    assert 'data-authentic="1"' in ok and decision.number in ok
    modified = original + b"\n% appended\n"
    bad = _upload(web, modified).get_data(as_text=True)
    assert 'data-authentic="0"' in bad and decision.number not in bad
    at = original.index(b"stream\n") + 30
    flipped = original[:at] + bytes([original[at] ^ 1]) + original[at + 1:]
    assert 'data-authentic="0"' in _upload(web, flipped).get_data(as_text=True)
    assert 'data-authentic="0"' in _upload(web, b"not a pdf at all").get_data(as_text=True)


def test_case_panel_lists_decisions_and_flags_changes(web, world):
    from supervision.documents.services import add_document

    case = world.submitted_case()  # a draft is the firm's alone
    decision = issue(world, "acceptance", case=case)
    assert web.login(world.officer.email, PASSWORD).status_code == 302
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert decision.number in html and 'data-changed="1"' not in html
    add_document(data=b"%PDF-1.4\n%x\n", filename="x.pdf", classification="internal",
                 actor=world.officer, case=case)
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-changed="1"' in html


def test_the_firm_downloads_its_decision_and_another_firm_cannot(web, world):
    decision = issue(world, "acceptance")
    assert web.login(world.applicant_a.email, PASSWORD).status_code == 302
    resp = web.get(sealed_url("document", decision.document_id))
    assert resp.status_code == 200 and resp.data == storage.read(decision.pdf_sha256)
    web.post("/logout", token_from="/cases")
    assert web.login(world.applicant_b.email, PASSWORD).status_code == 302
    assert web.get(sealed_url("document", decision.document_id)).status_code == 404
    assert web.get(f"/cases/{decision.case_id}/decisions").status_code == 404


def test_only_admins_edit_legal_bases(web, world):
    assert web.login(world.officer.email, PASSWORD).status_code == 302
    assert web.get("/admin/legal-bases").status_code == 403
    resp = web.post("/admin/legal-bases/kinds/acceptance", {"provisions": "licensing:32.1.5"})
    assert resp.status_code == 403
