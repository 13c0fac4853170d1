"""Replay-safe forms: a form sent twice (a replay, a double click, "resend") takes effect once and
the second submission lands on the first one's result; a refused submission can be corrected
and sent again with the same page."""
from __future__ import annotations

import io
import re
import threading

import pytest

from supervision.documents.models import Document
from supervision.extensions import db
from supervision.registry.models import RobotModel

FORM = {"name": "Guide G1", "manufacturer": "Acme", "form_factor": "wheeled", "intelligence_level": "2",
        "scenarios": ["commerce"], "mass_kg": "18", "max_speed_mps": "1.2", "standards": "GB 4943.1-2022",
        "software_version": "1.4", "action": "draft"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def tokens(web, path: str) -> dict:
    html = web.get(path).get_data(as_text=True)
    return {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
            "form_once": re.search(r'name="form_once" value="([^"]+)"', html).group(1)}


def models() -> int:
    db.session.commit()
    return db.session.execute(db.select(db.func.count(RobotModel.id))).scalar()


@pytest.fixture
def firm_a(world, web):
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert web.login("a@firm-a.test").status_code == 302
    return web


def test_a_replayed_new_model_form_creates_one_model(firm_a):
    data = {**FORM, **tokens(firm_a, "/registry/models/new")}
    first = firm_a.client.post("/registry/models/new", data=data)
    second = firm_a.client.post("/registry/models/new", data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert models() == 1
    page = firm_a.get(second.headers["Location"], headers={"Accept-Language": "en"})
    assert "This form was already sent; nothing was changed the second time." in page.get_data(as_text=True)


def test_a_replayed_upload_stores_one_document(world, firm_a):
    case = world.case(title="Robot")
    db.session.commit()
    path = f"/cases/{case.id}/documents"
    data = tokens(firm_a, path)
    for _ in range(2):
        resp = firm_a.client.post(path, data={**data, "classification": "internal",
                                              "file": (io.BytesIO(PDF + b"once"), "plan.pdf")},
                                  content_type="multipart/form-data")
        assert resp.status_code == 303
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(Document.id))).scalar() == 1


def test_a_refused_submission_keeps_its_token_usable(firm_a):
    data = {**FORM, **tokens(firm_a, "/registry/models/new"), "action": "submit", "name": ""}
    assert firm_a.client.post("/registry/models/new", data=data).status_code == 422
    assert models() == 0
    assert firm_a.client.post("/registry/models/new", data={**data, "action": "draft", "name": "G1"}).status_code == 303
    assert models() == 1


def test_every_form_of_a_page_carries_its_own_token(firm_a):
    html = firm_a.get("/registry/models/new").get_data(as_text=True)
    posts = len(re.findall(r'<form[^>]*method="post"', html, re.I))
    once = re.findall(r'name="form_once" value="([^"]+)"', html)
    assert posts and len(once) == posts and len(set(once)) == posts
