"""The case page built for deciding: the action panel at the top shows only what the user may do,
the approver reads the proposer's reasons and a watermarked draft before approving (and an
approval refuses when the facts changed since), a stale form keeps what was typed, and the firm's
to-do box quotes the regulator's question."""
from __future__ import annotations

import io
import re
import subprocess

from supervision.audit.models import AuditEvent
from supervision.cases import services
from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.documents.models import Document
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, then, version_of

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def panel_of(html: str) -> str:
    start = html.index('id="action-panel"')
    return html[start:html.index('id="case-tabs"')]


def panel_actions(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"(?! data-refused)', panel_of(html)))


def draft_link(html: str) -> str:
    return re.search(r'href="(/cases/\d+/draft/[^"]+)"', html).group(1).replace("&amp;", "&")


def previewed_of(html: str) -> str:
    return re.search(r'name="previewed_facts" value="([0-9a-f]{64})"', html).group(1)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def proposed_refusal(world):
    case = world.case()
    put_in_state(case, "classification_review")
    services.fire(case, "propose_refusal", actor=world.officer, reason="The risk assessment is missing (Art. 9).")
    db.session.commit()
    return case


def test_the_panel_at_the_top_shows_state_deadline_assignee_and_only_allowed_actions(world, web):
    case = world.case()
    put_in_state(case, "submitted")
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = panel_of(html)
    assert html.index('id="action-panel"') < html.index('id="tab-summary"') < html.index('id="tab-timeline"')
    assert 'id="case-state"' in panel and "Submitted" in panel
    assert 'id="case-deadline"' in panel and "working days left" in panel
    assert "unassigned" in panel
    assert panel_actions(html) == {"accept", "not_accept", "request_supplement"}
    for tab in ("summary", "documents", "timeline"):
        assert f'href="#tab-{tab}"' in html

    web.client.post("/logout", data={"csrf_token": web.csrf(f"/cases/{case.id}")})
    sign_in(web, "auditor@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert panel_actions(html) == set()
    assert "Nothing for you to do on this case now." in panel_of(html)


def test_the_approver_reads_the_reasons_and_a_watermarked_unsigned_draft(world, web, tmp_path):
    case = proposed_refusal(world)
    sign_in(web, "approver@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = panel_of(html)
    assert "The risk assessment is missing (Art. 9)." in panel  # the proposer's reasons
    assert world.officer.name in panel  # who proposed it
    documents_before = db.session.execute(db.select(db.func.count()).select_from(Document)).scalar_one()
    resp = web.get(draft_link(html))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Cache-Control"] == "no-store"
    text = pdf_text(resp.data, tmp_path)
    assert "草稿 DRAFT" in text
    assert previewed_of(html) in "".join(text.split())  # the hash the approve form carries
    compact = "".join(text.split())
    assert "不予注册决定书" in compact  # the decision the approval would issue
    assert "Theriskassessmentismissing(Art.9)." in compact  # with the proposer's reasons
    assert b"/ByteRange" not in resp.data  # not signed
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count()).select_from(Document)).scalar_one() == documents_before
    assert db.session.execute(db.select(db.func.count()).select_from(Decision)).scalar_one() == 0


def test_the_firm_never_sees_a_draft(world, web):
    case = proposed_refusal(world)
    sign_in(web, "approver@t.test")
    link = draft_link(web.get(f"/cases/{case.id}").get_data(as_text=True))
    web.client.post("/logout", data={"csrf_token": web.csrf(f"/cases/{case.id}")})
    sign_in(web, "a@firm-a.test")
    assert "/draft/" not in web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert web.get(link).status_code in (403, 404)


def test_approve_refuses_when_the_facts_changed_after_the_preview_and_keeps_the_opinion(world, web):
    case = proposed_refusal(world)
    sign_in(web, "approver@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    link, previewed = draft_link(html), previewed_of(html)
    # The firm adds a file after the approver read the draft: the facts are no longer those shown.
    add_document(data=PNG, filename="late.png", classification="internal", actor=world.applicant_a,
                 case=case, firm_id=world.firm_a.id)
    db.session.commit()
    assert web.get(link).status_code == 409  # the old draft's address no longer renders
    resp = web.post(f"/cases/{case.id}/act",
                    {"trigger": "approve", "version": version_of(html), "previewed_facts": previewed,
                     "opinion": "Agreed: refuse under Art. 15."},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "The facts changed after the draft decision was shown" in page
    assert "Agreed: refuse under Art. 15.</textarea>" in page  # the opinion is kept in its form
    assert previewed_of(page) != previewed  # the new draft's hash
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "decision_proposed"

    # Approving after reading the new draft goes through and records the opinion.
    resp = web.post(f"/cases/{case.id}/act",
                    {"trigger": "approve", "version": version_of(page), "previewed_facts": previewed_of(page),
                     "opinion": "Agreed: refuse under Art. 15."},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "refused"
    reason = db.session.execute(db.select(AuditEvent.reason).where(
        AuditEvent.case_id == case.id, AuditEvent.trigger == "approve")).scalar_one()
    assert reason == "Agreed: refuse under Art. 15."
    decision = db.session.execute(db.select(Decision).where(Decision.case_id == case.id)).scalar_one()
    assert decision.kind == "refusal"


def test_an_approve_without_the_drafts_hash_is_refused(world, web):
    case = proposed_refusal(world)
    sign_in(web, "approver@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    resp = web.post(f"/cases/{case.id}/act", {"trigger": "approve", "version": version_of(html)},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "decision_proposed"


def test_a_stale_form_returns_to_the_case_with_the_text_kept_and_the_new_state(world, web):
    case = world.case()
    put_in_state(case, "submitted")
    sign_in(web, "officer@t.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    services.claim(case, actor=world.officer2)  # someone else took the case meanwhile
    db.session.commit()
    resp = web.post(f"/cases/{case.id}/act",
                    {"trigger": "not_accept", "version": version_of(html),
                     "reason": "Not a robot within Art. 3; long text I typed."},
                    token_from=f"/cases/{case.id}")
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "This case was changed by someone else." in page
    assert "Not a robot within Art. 3; long text I typed.</textarea>" in page
    assert re.search(r'<details class="action[^"]*" data-action="not_accept"[^>]* open>', page)
    assert world.officer2.name in panel_of(page)  # the new assignee is shown
    assert version_of(page) == version_of(html) + 1  # the form now carries the current version


def test_the_firms_todo_quotes_the_request_and_answers_with_an_attachment(world, web):
    case = world.case()
    put_in_state(case, "submitted")
    services.fire(case, "request_supplement", actor=world.officer,
                  items=("Send the wiring diagram.", "Send the speed test report."))
    db.session.commit()
    sign_in(web, "a@firm-a.test")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    todo = html[html.index('id="firm-todo"'):html.index('id="case-tabs"')]
    assert "Send the wiring diagram." in todo and "Send the speed test report." in todo
    assert 'data-action="supplement"' in todo
    assert 'type="file"' in todo
    resp = web.post(f"/cases/{case.id}/act",
                    {"trigger": "supplement", "version": version_of(html), "comment": "Both attached.",
                     "attachment": (io.BytesIO(PNG), "diagram.png"),
                     "attachment_classification": "internal"},
                    token_from=f"/cases/{case.id}")
    resp = then(web, resp)
    assert "Done: Submit supplement." in resp.get_data(as_text=True)
    db.session.expire_all()
    names = db.session.execute(db.select(Document.filename).where(Document.case_id == case.id)).scalars().all()
    assert any(n.endswith(".png") for n in names)
