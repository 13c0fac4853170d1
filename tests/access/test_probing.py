"""Guessing ids is slowed: after too many 404/403 answers a user gets 429 on every object page,
for objects that exist too, until the window has passed."""
from __future__ import annotations

import datetime as dt

from supervision.accounts.models import LoginThrottle
from supervision.extensions import db
from tests.conftest import sealed_url


def test_probing_document_ids_is_stopped(app, world, web, doc_a, monkeypatch):
    monkeypatch.setitem(app.config, "PROBE_MAX_MISSES", 30)
    web.login("a@firm-a.test")
    answers = [web.get(f"/documents/{doc_a.id + n}").status_code for n in range(1, 41)]
    assert answers[:29] == [404] * 29
    assert set(answers[30:]) == {429}
    assert web.get(sealed_url("document", doc_a.id)).status_code == 429  # even the user's own document
    assert web.get("/cases").status_code == 200                  # pages without an id still work
    row = db.session.get(LoginThrottle, f"probe:user:{world.applicant_a.id}")
    row.locked_until = row.window_start = row.window_start - dt.timedelta(minutes=11)
    db.session.commit()
    assert web.get(sealed_url("document", doc_a.id)).status_code == 200


def test_a_few_misses_change_nothing(app, world, web, doc_a):
    web.login("a@firm-a.test")
    for n in range(1, 6):
        assert web.get(f"/documents/{doc_a.id + n}").status_code == 404
    assert web.get(sealed_url("document", doc_a.id)).status_code == 200


def test_document_and_export_addresses_cannot_be_guessed_by_counting(app, world, web, doc_a):
    web.login("a@firm-a.test")
    assert web.get(sealed_url("document", doc_a.id)).status_code == 200
    # The bare id, another id's tag, or the tag of another kind of object: not found.
    assert web.get(f"/documents/{doc_a.id}").status_code == 404
    other_tag = sealed_url("document", doc_a.id + 1).rsplit("-", 1)[1]
    assert web.get(f"/documents/{doc_a.id}-{other_tag}").status_code == 404
    assert web.get(sealed_url("dossier", doc_a.id).replace("/dossiers/", "/documents/")).status_code == 404
    # The app's own links carry the tag.
    page = web.get(f"/cases/{doc_a.case_id}/documents").get_data(as_text=True)
    assert sealed_url("document", doc_a.id) in page
