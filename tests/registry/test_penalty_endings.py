"""How a penalty case ends and what its ninety-day limit (行政处罚法 Art. 60) then says: a decision
meets it (a revocation ends the case, yet the limit is met, not cancelled), a decision after the
limit is met late and the case page says so, and dropping the case (撤案) cancels it."""
from __future__ import annotations

import datetime as dt

import time_machine

from supervision.cases.models import Deadline
from supervision.extensions import db
from tests.legal.conftest import nature  # noqa: F401  (fixture)
from tests.registry.conftest import fire, make_registration, open_penalty_case, review_and_discuss, to_registered

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int):
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def limit_of(reg) -> Deadline:
    return db.session.execute(db.select(Deadline).filter_by(case_id=reg.case_id, name="penalty_limit")).scalar_one()


def _revoked_on(world, day: tuple[int, int, int]):
    reg = make_registration(world, name="ZX-Arm A8")
    with at(2026, 3, 2):
        to_registered(world, reg)
        open_penalty_case(world, reg)
        fire(reg, "notice_revocation", world.officer, reason="隐瞒事故。", evidence="监控录像")
        fire(reg, "file_statement", world.applicant_a, comment="已补报。")
        fire(reg, "propose_revocation", world.officer, reason="隐瞒事故。", defence_reply="不予采纳。")
        review_and_discuss(world, reg)
    with at(*day):
        fire(reg, "approve_revocation", world.approver)
    db.session.commit()
    return reg


def test_a_revocation_in_time_meets_the_limit(world):
    reg = _revoked_on(world, (2026, 3, 20))
    assert reg.case.state == "revoked"
    limit = limit_of(reg)
    assert (limit.status, limit.late) == ("met", False)


def test_a_revocation_after_the_limit_is_met_late_and_the_case_page_says_so(world, web):
    reg = _revoked_on(world, (2026, 6, 2))   # the limit ran to 31 May
    limit = limit_of(reg)
    assert (limit.status, limit.due_date, limit.late) == ("met", dt.date(2026, 5, 31), True)
    web.login("officer@t.test")
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Penalty decision (from opening the case): met late, after the period ended on 2026-05-31" in page
    limit_box = page[page.index('id="penalty-limit"'):]
    limit_box = limit_box[:limit_box.index("</dd>")]
    assert 'data-status="late"' in limit_box and "decided late" in limit_box and "2026-05-31" in limit_box


def test_dropping_the_case_cancels_the_limit_and_the_page_says_so(world, web):
    reg = make_registration(world, name="ZX-Arm A8")
    with at(2026, 3, 2):
        to_registered(world, reg)
        open_penalty_case(world, reg)
        fire(reg, "drop_action", world.officer, reason="The incident was reported in time after all.")
    db.session.commit()
    assert limit_of(reg).status == "cancelled"
    web.login("officer@t.test")
    page = web.get(f"/cases/{reg.case_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Penalty decision (from opening the case): cancelled, no longer owed" in page
    assert "no decision owed any more: the case was dropped on" in page


def test_a_suspension_under_licence_meets_the_limit(world, nature):
    nature("licence")
    reg = make_registration(world, name="ZX-Arm A8")
    with at(2026, 3, 2):
        to_registered(world, reg)
        open_penalty_case(world, reg, action="suspension")
        fire(reg, "notice_suspension", world.officer, reason="Annual report overdue.", evidence="Register.")
        fire(reg, "file_statement", world.applicant_a, comment="Filed late.")
        fire(reg, "propose_suspension", world.officer, reason="Overdue.", defence_reply="Late is late.")
        fire(reg, "approve_suspension", world.approver)
    db.session.commit()
    assert reg.case.state == "suspended"
    assert (limit_of(reg).status, limit_of(reg).late) == ("met", False)
