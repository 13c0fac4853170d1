"""What the sandbox contributes to the firm's home page (its tests with the next report due),
to the regulators' dashboard (the tests in progress, each with a link to its map) and to the
statistics (tests by state, Art. 33).  Read-only; bounded queries."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func

from supervision.cases.models import OPEN_STATUSES, Case, Deadline
from supervision.cases.types import Period, Statistic
from supervision.core.navigation import PortalTab
from supervision.extensions import db
from supervision.sandbox.models import BreachEpisode, SandboxTest
from supervision.sandbox.services import REPORT_ITEM
from workflows.base import N_
from workflows.sandbox import RUNNING, SANDBOX

IN_PROGRESS_LIMIT = 100


def portal_rows(firm_id: int) -> dict[str, Any]:
    tests = db.session.execute(
        db.select(SandboxTest, Case).join(Case, Case.id == SandboxTest.case_id)
        .where(Case.firm_id == firm_id).order_by(Case.id.desc()).limit(200)).all()
    ids = [case.id for _t, case in tests]
    reports = {d.case_id: d for d in db.session.execute(
        db.select(Deadline).where(Deadline.case_id.in_(ids), Deadline.name == REPORT_ITEM,
                                  Deadline.status.in_(OPEN_STATUSES))).scalars()} if ids else {}
    return {"tests": tests, "reports": reports}


PORTAL_TAB = PortalTab("sandbox", N_("Sandbox tests"), "sandbox/_portal_tests.html", portal_rows, order=30)


def in_progress(user) -> list[tuple[SandboxTest, Case, int]]:
    """The tests running now that ``user`` may see, with their open breach episodes."""
    from supervision import policies

    open_breaches = (db.select(func.count(BreachEpisode.id))
                     .where(BreachEpisode.case_id == Case.id, BreachEpisode.closed_at.is_(None))
                     .correlate(Case).scalar_subquery())
    return list(db.session.execute(
        db.select(SandboxTest, Case, open_breaches).join(Case, Case.id == SandboxTest.case_id)
        .where(Case.case_type == SANDBOX.name, Case.state.in_(SANDBOX.tagged(RUNNING)),
               policies.visible_condition(user))
        .order_by(Case.due_date, Case.id).limit(IN_PROGRESS_LIMIT)).all())


def by_state(period: Period) -> list[tuple[str, int]]:
    q = db.select(Case.state, func.count()).where(Case.case_type == SANDBOX.name, Case.state != SANDBOX.initial)
    if period.start is not None:
        q = q.where(func.date(Case.created_at) >= period.start)
    if period.end is not None:
        q = q.where(func.date(Case.created_at) <= period.end)
    counts = dict(db.session.execute(q.group_by(Case.state)).all())
    return [(st.label, counts[name]) for name, st in SANDBOX.states.items() if counts.get(name)]


STATISTICS = (
    Statistic("sandbox_by_state", N_("Sandbox tests applied for, by state"), by_state,
              scope="industry", periodic=True),
)
