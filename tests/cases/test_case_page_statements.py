"""The case page reads a fixed number of statements whatever the case holds: a busy case (many
events, documents and people on its timeline) costs what a quiet one costs, rendered or kept."""
from __future__ import annotations

import pytest

from supervision.audit.services import record
from supervision.core.fragments import fragment_cache
from supervision.documents.services import add_document
from supervision.extensions import db
from tests.cases.conftest import sign_in
from tests.conftest import recorded_statements
from tests.factories import UserFactory
from tests.workbench.conftest import modelled

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def statements(web, path: str, *, cached: bool = False) -> list[str]:
    """The statements of one request for ``path``: rendered from the database (the kept bodies
    dropped first) or, with ``cached``, served from the cache."""
    if not cached:
        fragment_cache.clear()
    with recorded_statements() as seen:
        assert web.get(path).status_code == 200
    return seen


def grow(world, case, n: int, start: int) -> None:
    """``n`` more documents and ``3 n`` more events on the case, by as many different people."""
    for i in range(start, start + n):
        person = UserFactory(email=f"clerk{i}@t.test", organisation=world.department, roles=["officer"])
        add_document(data=PDF + f"{i}".encode(), filename=f"plan-{i}.pdf", classification="internal",
                     actor=world.applicant_a, case=case, firm_id=world.firm_a.id)
        record("document.download", actor=person, case=case, object_type="document", object_id=i)
        record("case.assign", actor=world.officer, case=case, reason=f"handed on {i}", details={"assignee_id": person.id})
    db.session.commit()


@pytest.mark.parametrize("who", ["officer@t.test", "auditor@t.test", "a@firm-a.test"])
def test_the_case_page_reads_as_many_statements_for_a_busy_case_as_for_a_quiet_one(world, web, who):
    case = modelled(world, "Porter P1", tier=3, due_in=4)
    grow(world, case, 2, 0)
    sign_in(web, who)
    path = f"/cases/{case.id}"
    web.get(path)  # warm the caches (calendar, templates)
    quiet = statements(web, path)
    grow(world, case, 40, 2)
    busy = statements(web, path)
    assert len(busy) == len(quiet), (len(quiet), len(busy))
    # Asked again with nothing changed: the page comes from the cache (the user and their roles,
    # the sign-in throttle, the case, its newest event and hour clocks, the data version).
    web.get(path)
    kept = statements(web, path, cached=True)
    assert len(kept) <= 6, (len(kept), len(busy))
