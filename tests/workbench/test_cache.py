"""The queue's body is kept under the data version (core/fragments.py): asked again with nothing
changed it comes from the cache, and every change (an assignment, a transition, a new case, a
factory's row) shows on the very next request."""
from __future__ import annotations

import html as htmllib
import re

from sqlalchemy import text

from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.extensions import db
from tests.cases.conftest import then
from tests.workbench.conftest import ids, modelled, sign_in, tab_count

CLAIM_FORM = re.compile(r'<form method="post" id="claim" hidden>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _row(html: str, case_id: int) -> str:
    row = html[html.index(f'data-case="{case_id}"'):]
    return row[:row.index("</tr>")]


def test_asked_again_unchanged_the_page_is_the_kept_one_with_fresh_tokens(world, web, queue):
    sign_in(web, "officer@t.test")
    first = web.get("/cases").get_data(as_text=True)
    # Written behind the application's back (no session, no version bump): not seen, which
    # shows the second page was not read from the cases.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET title = 'renamed behind its back' WHERE id = :id"),
                     {"id": queue["c"].id})
    second = web.get("/cases").get_data(as_text=True)
    assert "renamed behind its back" not in second
    tokens = [dict(HIDDEN.findall(CLAIM_FORM.search(page).group(1))) for page in (first, second)]
    assert tokens[0]["csrf_token"] and tokens[0]["form_once"] != tokens[1]["form_once"]


def test_an_assignment_shows_on_the_next_request(world, web, queue):
    c = queue["c"]
    sign_in(web, "approver@t.test")
    before = web.get("/cases").get_data(as_text=True)
    assert world.officer2.name not in _row(before, c.id)
    assert tab_count(before, "unassigned") == "2"
    resp = web.post("/cases/assign", {"case": [f"{c.id}:{c.version}"], "assignee_id": world.officer2.id},
                    token_from="/cases")
    after = then(web, resp).get_data(as_text=True)
    assert world.officer2.name in _row(after, c.id)
    assert tab_count(after, "unassigned") == "1"


def test_a_claim_from_the_rows_button_shows_on_the_next_request(world, web, queue):
    c = queue["c"]
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert tab_count(html, "mine") == "1"
    button = re.search(r'<button[^>]*form="claim" formaction="([^"]+)"\s+name="version" value="(\d+)"',
                       _row(html, c.id))
    form = dict(HIDDEN.findall(CLAIM_FORM.search(html).group(1)))
    resp = web.client.post(htmllib.unescape(button.group(1)), data={**form, "version": button.group(2)})
    assert resp.status_code == 303
    after = web.get("/cases").get_data(as_text=True)
    assert world.officer.name in _row(after, c.id)
    assert tab_count(after, "mine") == "2"


def test_a_transition_shows_on_the_next_request(world, web, queue):
    c = queue["c"]
    sign_in(web, "officer@t.test")
    assert "Submitted" in _row(web.get("/cases").get_data(as_text=True), c.id)
    cases.fire(db.session.get(Case, c.id), "request_supplement", actor=world.officer,
               items=("Send the wiring diagram.",))
    db.session.commit()
    assert "Supplement requested" in _row(web.get("/cases").get_data(as_text=True), c.id)


def test_a_new_case_shows_on_the_next_request_and_in_the_counts(world, web, queue):
    sign_in(web, "officer@t.test")
    html = web.get("/cases").get_data(as_text=True)
    assert tab_count(html, "all") == "3"
    new = modelled(world, "Greeter G4", tier=2, due_in=3)
    html = web.get("/cases").get_data(as_text=True)
    assert tab_count(html, "all") == "4"
    assert new.id in ids(web, "/cases")


def test_a_change_not_yet_committed_is_read_by_its_own_request(world, web, queue):
    """A test (or a request) that changed rows and has not committed reads them, not the page
    kept before."""
    sign_in(web, "officer@t.test")
    web.get("/cases")
    db.session.get(Case, queue["s"].id).title = "retitled, not committed"
    db.session.flush()
    assert "retitled, not committed" in web.get("/cases").get_data(as_text=True)


def test_each_user_and_language_gets_their_own_page(world, web, queue):
    sign_in(web, "officer@t.test")
    mine = web.get("/cases").get_data(as_text=True)
    assert 'data-tab="approval"' not in mine
    web.post("/language", {"lang": "zh", "next": "/cases"}, token_from="/cases")
    assert "我的" in web.get("/cases").get_data(as_text=True)
    web.post("/logout", token_from="/cases")
    sign_in(web, "approver@t.test")
    assert 'data-tab="approval"' in web.get("/cases").get_data(as_text=True)
