"""The queue reads a fixed number of statements whatever the number of cases, tabs, sorts and
filters: a page is one statement of plain rows, the counts one more."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from supervision.core.fragments import fragment_cache
from supervision.extensions import db
from tests.conftest import recorded_statements
from tests.workbench.conftest import ids, modelled, sign_in


def statements(web, path: str, *, cached: bool = False) -> list[str]:
    """The statements of one request for ``path``: rendered from the database (the page's
    rendered body dropped from the cache first) or, with ``cached``, served from the cache."""
    if not cached:
        fragment_cache.clear()
    with recorded_statements() as seen:
        assert web.get(path).status_code == 200
    return seen


PATHS = ["/cases", "/cases?scope=mine", "/cases?scope=unassigned&sort=tier", "/cases?sort=activity&tier=3",
         "/cases?q=robot&due=30", "/cases?sort=age&opened_from=2020-01-01", "/cases?scope=approval"]


@pytest.mark.parametrize("who", ["dual@t.test", "auditor@t.test"])
def test_the_queue_reads_the_same_number_of_statements_for_5_or_60_cases(world, web, who):
    people = [world.officer, world.officer2, None]

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            firm, applicant = [(world.firm_a, world.applicant_a), (world.firm_b, world.applicant_b)][i % 2]
            case = modelled(world, f"robot {i}", tier=1 + i % 4, firm=firm, applicant=applicant,
                            due_in=(i % 9) - 4)
            case.assignee_id = people[i % 3].id if people[i % 3] else None
            case.proposed_by_id = world.officer.id if i % 5 == 0 else None
        db.session.commit()

    make(5, 0)
    sign_in(web, who)
    for path in PATHS:
        web.get(path)   # warm the caches (calendar, templates)
    few = {path: len(statements(web, path)) for path in PATHS}
    make(55, 5)
    many = {path: len(statements(web, path)) for path in PATHS}
    assert len(ids(web, "/cases")) == 50
    assert many == few
    assert max(few.values()) <= 12, few
    # Asked again with nothing changed: the body comes from the cache (the user, the data
    # user and their roles, the data version and the header's unread count are all it reads).
    for path in PATHS:
        web.get(path)
    again = {path: len(statements(web, path, cached=True)) for path in PATHS}
    assert max(again.values()) <= 4, again
