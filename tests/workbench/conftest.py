"""The queue's cast: the usual world, cases with a robot model and a tier, helpers to read a page."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from supervision.cases import services as cases
from supervision.core.timeutil import local_today
from supervision.extensions import db
from supervision.registry import services as registry
from tests.cases.conftest import put_in_state, sign_in  # noqa: F401  (re-exported for the tests)

ROW = re.compile(r'<tr class="[^"]*" data-case="(\d+)"')
NEXT = re.compile(r'<a href="([^"]+)">[^<]*→</a>')


def listed(html: str) -> list[int]:
    return [int(x) for x in ROW.findall(html)]


def ids(web, path: str) -> list[int]:
    resp = web.get(path)
    assert resp.status_code == 200, resp.status_code
    return listed(resp.get_data(as_text=True))


def walk(web, path: str) -> list[int]:
    """Every case of a view, following "Next" from the first page."""
    out: list[int] = []
    while path:
        html = web.get(path).get_data(as_text=True)
        out += listed(html)
        match = NEXT.search(html)
        path = htmllib.unescape(match.group(1)) if match else None
    assert len(out) == len(set(out)), "a case shown twice"
    return out


def tab_count(html: str, tab: str) -> str:
    return re.search(rf'data-tab="{tab}"[^>]*>[^<]*<span class="count">([^<]+)</span>', html).group(1)


def modelled(world, name: str, *, tier: int | None = None, firm=None, applicant=None, due_in: int | None = None,
             state: str = "submitted"):
    """A registration case for a new robot model ``name`` with ``tier`` in force."""
    reg = registry.create_model(firm=firm or world.firm_a, actor=applicant or world.applicant_a, name=name, values={})
    reg.tier = tier
    case = reg.case
    put_in_state(case, state)
    if due_in is not None:
        case.due_date = local_today() + dt.timedelta(days=due_in)
    db.session.commit()
    return case


def propose(case, officer) -> None:
    """Test set-up: the officer has proposed a decision on the case (a proposal awaits approval)."""
    case.proposed_by_id, case.proposal = officer.id, "grant"
    db.session.commit()


@pytest.fixture
def queue(world):
    """p: porter, tier 3, overdue, officer's; c: cleaner, tier 1, firm B, unassigned, due in 5;
    s: security, tier 3, unassigned, no due date, proposed by the officer; o: other department."""
    from tests.factories import CaseFactory

    p = modelled(world, "Porter P1", tier=3, due_in=-2)
    p.assignee_id = world.officer.id
    c = modelled(world, "Cleaner C2", tier=1, firm=world.firm_b, applicant=world.applicant_b, due_in=5)
    s = modelled(world, "Security S3", tier=3)
    s.due_date = None
    propose(s, world.officer)
    o = CaseFactory(firm=world.firm_a, department=world.other_department, actor=world.applicant_a, title="elsewhere")
    put_in_state(o, "submitted")  # a firm's draft is its alone (tests/workbench/test_drafts.py)
    return {"p": p, "c": c, "s": s, "o": o}


def assess(world, title: str):
    """A department's own case of another installed type (no firm)."""
    case = cases.create_case(case_type="assessment", title=title, department_id=world.department.id,
                             actor=world.officer)
    db.session.commit()
    return case
