"""The case page's body is kept under the user, the case, the language, the day and the data
version (cases/views.py, core/fragments.py): asked again with nothing changed it comes from the
cache with fresh form tokens; any change (an action, an upload, someone else's transition, a
download a regulator sees in the timeline) shows on the very next request; and each user sees
their own actions, never another's."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import text

from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, then, version_of
from tests.conftest import Browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ONCE = re.compile(r'name="form_once" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def actions_of(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def page(web, case) -> str:
    resp = web.get(f"/cases/{case.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def timeline(html: str) -> str:
    return html[html.index('id="timeline"'):]


def sign_out(web, back: str = "/cases") -> None:
    web.post("/logout", token_from=back)


@pytest.fixture
def submitted(world):
    case = world.case(title="Porter robot")
    put_in_state(case, "submitted")
    return case


def test_asked_again_unchanged_the_page_is_the_kept_one_with_fresh_tokens(world, web, submitted):
    sign_in(web, "officer@t.test")
    first = page(web, submitted)
    # Written behind the application's back (no session, no version bump): not seen, which
    # shows the second page was not read from the case.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET title = 'renamed behind its back' WHERE id = :id"),
                     {"id": submitted.id})
    second = page(web, submitted)
    assert "renamed behind its back" not in second
    assert actions_of(second) == actions_of(first) == {"accept", "not_accept", "request_supplement"}
    # Every form of the page gets its own one-time token on every request: none is reused.
    tokens = [ONCE.findall(html) for html in (first, second)]
    assert len(tokens[0]) == len(tokens[1]) >= 4
    assert not set(tokens[0]) & set(tokens[1]) and len(set(tokens[1])) == len(tokens[1])
    assert CSRF.search(second)


def test_a_kept_page_still_takes_its_forms(world, web, submitted):
    sign_in(web, "officer@t.test")
    page(web, submitted)
    html = page(web, submitted)  # from the cache
    form = re.search(r'<form[^>]*data-trigger="request_supplement".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    resp = web.client.post(f"/cases/{submitted.id}/act", data={**fields, "items": "Send the wiring diagram."})
    assert "Supplement requested" in then(web, resp).get_data(as_text=True)


def test_an_action_on_the_case_shows_on_the_next_request(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = page(web, submitted)
    assert "Supplement requested" not in html
    resp = web.post(f"/cases/{submitted.id}/act",
                    {"trigger": "request_supplement", "version": version_of(html), "items": "Send the wiring diagram."},
                    token_from=f"/cases/{submitted.id}")
    after = then(web, resp).get_data(as_text=True)
    assert re.search(r'id="case-state">Supplement requested<', after)
    assert "Send the wiring diagram." in timeline(after)
    assert actions_of(after) != actions_of(html)


def test_someone_elses_change_shows_on_the_next_request(world, web, submitted):
    sign_in(web, "a@firm-a.test")
    assert actions_of(page(web, submitted)) == {"withdraw"}
    cases.fire(db.session.get(Case, submitted.id), "request_supplement", actor=world.officer,
               items=("Send the wiring diagram.",))
    db.session.commit()
    html = page(web, submitted)
    assert re.search(r'id="case-state">Supplement requested<', html)
    assert "supplement" in actions_of(html)


def test_a_claim_shows_on_the_next_request(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = page(web, submitted)
    assert 'id="case-assignee">unassigned<' in html
    resp = web.post(f"/cases/{submitted.id}/claim", {"version": version_of(html)}, token_from=f"/cases/{submitted.id}")
    assert f'id="case-assignee">{world.officer.name}<' in then(web, resp).get_data(as_text=True)


def test_an_upload_and_a_download_show_in_the_regulators_timeline(world, web, submitted):
    """An upload changes data; a download writes only its audit event (which leaves the data
    version alone), yet a regulator sees it in the timeline on the next request."""
    sign_in(web, "a@firm-a.test")
    before = page(web, submitted)
    assert "Document uploaded" not in timeline(before)
    docs = f"/cases/{submitted.id}/documents"
    resp = web.post(docs, {"file": (io.BytesIO(PDF), "plan.pdf"), "classification": "confidential"},
                    token_from=docs, content_type="multipart/form-data")
    assert resp.status_code in (302, 303)
    assert "Document uploaded" in timeline(page(web, submitted))
    sign_out(web)
    sign_in(web, "officer@t.test")
    html = page(web, submitted)
    assert "Document downloaded" not in timeline(html)
    link = re.search(r'href="(/documents/[^"]+)" download', web.get(docs).get_data(as_text=True))
    assert link, "no download link on the documents page"
    assert web.get(link.group(1)).status_code == 200
    assert "Document downloaded" in timeline(page(web, submitted))


def test_each_user_sees_their_own_actions_however_the_requests_interleave(app, world, submitted):
    """Three people signed in at once (signing in writes; the page requests do not): each of
    their pages, first rendered then kept, shows only what that person may do."""
    emails = ("officer@t.test", "auditor@t.test", "a@firm-a.test")
    browsers = {email: Browser(app.test_client()) for email in emails}
    for email, browser in browsers.items():
        sign_in(browser, email)
    seen: dict[str, list[str]] = {email: [] for email in emails}
    for _round in range(2):  # the second round is served from the cache
        for email, browser in browsers.items():
            seen[email].append(page(browser, submitted))
    for email, (first, second) in seen.items():
        assert actions_of(first) == actions_of(second), email
    officer, auditor, applicant = (seen[e][1] for e in emails)
    assert actions_of(officer) == {"accept", "not_accept", "request_supplement"}
    assert "Claim this case" in officer and f'/cases/{submitted.id}/assign' in officer
    assert actions_of(auditor) == set() and "Claim this case" not in auditor and "/assign" not in auditor
    assert actions_of(applicant) == {"withdraw"}
    assert "Claim this case" not in applicant and "/assign" not in applicant


def test_each_language_gets_its_own_page(world, web, submitted):
    sign_in(web, "officer@t.test")
    assert "<h2>Timeline</h2>" in page(web, submitted)
    web.post("/language", {"lang": "zh", "next": f"/cases/{submitted.id}"}, token_from="/cases")
    assert "<h2>Timeline</h2>" not in page(web, submitted)


def test_the_timeline_pages_are_kept_apart(world, web, submitted):
    sign_in(web, "officer@t.test")
    latest = page(web, submitted)
    first_seq = re.search(r'#(\d+) ·', timeline(latest)).group(1)
    older = web.get(f"/cases/{submitted.id}?before={first_seq}").get_data(as_text=True)
    assert f"#{first_seq} ·" not in timeline(older) and 'id="timeline-latest"' in older
    assert 'id="timeline-latest"' not in page(web, submitted)


def test_kept_input_after_a_conflict_is_never_kept_for_the_next_request(world, web, submitted):
    sign_in(web, "officer@t.test")
    html = page(web, submitted)
    stale = version_of(html)
    cases.fire(db.session.get(Case, submitted.id), "accept", actor=world.officer2)
    db.session.commit()
    resp = web.post(f"/cases/{submitted.id}/act",
                    {"trigger": "request_supplement", "version": stale, "items": "my unsent words"},
                    token_from=f"/cases/{submitted.id}")
    assert resp.status_code == 409 and "my unsent words" in resp.get_data(as_text=True)
    assert "my unsent words" not in page(web, submitted)


def test_an_hour_clock_moves_the_key_as_its_hours_run_out(world, submitted):
    start = dt.datetime(2026, 3, 2, 8, 0)
    clocks.add_due_item(submitted, name="report", kind="report", actor=world.officer,
                        due_at=dt.datetime(2026, 3, 2, 12, 30), at=start)
    db.session.commit()
    assert clocks.hour_marks(submitted, now=start) == (("report", 5, False),)
    assert clocks.hour_marks(submitted, now=start + dt.timedelta(hours=2)) == (("report", 3, False),)
    assert clocks.hour_marks(submitted, now=start + dt.timedelta(hours=5)) == (("report", -1, True),)


def test_a_panel_rendering_its_own_token_is_refused_rather_than_kept(app, world, web, submitted, monkeypatch):
    """A token rendered into the kept body would be served to the next user and the next
    request; such a panel fails the page instead (and every test that shows it)."""
    from jinja2 import ChoiceLoader, DictLoader

    panel = "tests/_own_token_panel.html"
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader(
        [DictLoader({panel: '<form method="post" id="own-token">{{ once_token() }}</form>'}), app.jinja_env.loader]))
    monkeypatch.setitem(app.extensions, "case_panels", [*app.extensions.get("case_panels", []), ("summary", panel)])
    sign_in(web, "officer@t.test")
    resp = web.get(f"/cases/{submitted.id}")
    assert resp.status_code == 500 and b'id="own-token"' not in resp.data
