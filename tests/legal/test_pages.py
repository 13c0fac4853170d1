"""Pages show state labels in the user's language, never the code names beside them (codes stay
in JSON and exports)."""
from __future__ import annotations

import re

from tests.decisions.conftest import put_in_state
from tests.factories import PASSWORD


def test_the_case_page_shows_the_state_label_without_its_code(web, world):
    case = world.case()
    put_in_state(case, "public_notice")
    assert web.login(world.officer.email, PASSWORD).status_code == 302
    web.post("/language", {"lang": "en", "next": "/cases"}, token_from="/cases")
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert "Public notice" in facts
    assert not re.search(r">[^<]*public_notice", facts)  # only as a CSS class, never as text


def test_the_legal_bases_page_names_kinds_by_their_titles(web, world):
    assert web.login(world.admin.email, PASSWORD).status_code == 302
    web.post("/language", {"lang": "en", "next": "/admin/legal-bases"}, token_from="/admin/legal-bases")
    html = web.get("/admin/legal-bases").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Decision not to Accept an Application" in text and "Filing" in text
    for code in ("non_acceptance", "supplement_notice", "draft_example", "law_example", "REGISTRATION_NATURE"):
        assert code not in text, code
