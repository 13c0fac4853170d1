"""Acceptance of a change or renewal application (issue 10, defect 12 with defects 6, 7 and 10;
行政许可法 Art. 32 under licence): accepted with a notice, refused acceptance naming the competent
authority, or sent back once for a supplement with its deadline, exactly as a registration is; the
same clocks deem it accepted on silence and lapse it when the supplement is missed.  The firm and
the department's officers hear of each step."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.cases import clocks, timers
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.decisions.delivery import ServiceRecord
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.extensions import db
from supervision.notifications.models import InboxItem
from tests.changes.conftest import apply_change, registered
from tests.legal.conftest import pdf_text

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int, hour: int = 10):
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def _state(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).state


def _issued(case_id: int, kind: str) -> list[Decision]:
    db.session.commit()
    return list(db.session.execute(db.select(Decision).filter_by(case_id=case_id, kind=kind)).scalars())


def _told(user, case_id: int) -> list[str]:
    return list(db.session.execute(db.select(InboxItem.rule).filter_by(user_id=user.id, case_id=case_id)
                                   .order_by(InboxItem.id)).scalars())


def test_the_officer_accepts_and_the_firm_gets_the_acceptance_notice(world, tmp_path):
    reg = registered(world)
    app = apply_change(world, reg)
    case_id = app.case_id
    assert _state(case_id) == "submitted"
    with pytest.raises(cases.InvalidTrigger):  # no review before acceptance
        cases.fire(app.case, "propose_grant", actor=world.officer)
    cases.fire(app.case, "accept", actor=world.officer)
    assert _state(case_id) == "accepted"
    assert clocks.find(db.session.get(Case, case_id), "decision") is not None
    [notice] = _issued(case_id, "change_acceptance")
    text = pdf_text(storage.read(notice.pdf_sha256), tmp_path)
    assert "受理通知书" in text and "注册变更申请" in text and reg.registration_number in text
    assert "本机关决定予以受理" in text and "二十个工作日内作出是否准予变更的决定" in text
    served = db.session.execute(db.select(ServiceRecord).filter_by(decision_id=notice.id)).scalar()
    assert served is not None  # its service is recorded (or awaits the officer's record)


def test_non_acceptance_names_the_competent_authority(world, tmp_path):
    reg = registered(world)
    app = apply_change(world, reg)
    cases.fire(app.case, "not_accept", actor=world.officer, reason="变更事项涉及特种设备，不属于本机关职责范围。",
               competent_authority="杭州市市场监督管理局")
    assert _state(app.case_id) == "not_accepted"
    [decision] = _issued(app.case_id, "change_non_acceptance")
    text = pdf_text(storage.read(decision.pdf_sha256), tmp_path)
    assert "不予受理决定书" in text and "请向杭州市市场监督管理局申请" in text
    assert "自收到本决定之日起六十日内" in text  # a decision: the remedy notice
    assert reg.model.name == "ZX-Arm A1"  # the registration holds what it held


def test_one_supplement_notice_then_a_lapse_when_the_deadline_passes(world, tmp_path):
    reg = registered(world)
    with at(2026, 4, 1):
        app = apply_change(world, reg)
    with at(2026, 4, 2):
        cases.fire(app.case, "request_supplement", actor=world.officer, items=("变更后软件版本的检测报告", "版本说明"))
        db.session.commit()
    case = db.session.get(Case, app.case_id)
    assert (case.clock_name, case.due_date) == ("supplement", dt.date(2026, 4, 17))
    [notice] = _issued(app.case_id, "change_supplement_notice")
    text = pdf_text(storage.read(notice.pdf_sha256), tmp_path)
    assert "1.变更后软件版本的检测报告" in text and "2.版本说明" in text
    assert "请于2026年4月17日前" in text and "视为放弃申请" in text
    assert "information_request" in _told(world.applicant_a, app.case_id)
    with at(2026, 4, 18):
        assert len(timers.tick().fired) == 1
    assert _state(app.case_id) == "lapsed"
    assert reg.model.name == "ZX-Arm A1"


def test_after_the_supplement_the_five_days_run_anew_and_silence_is_deemed_acceptance(world):
    reg = registered(world)
    with at(2026, 4, 1):
        app = apply_change(world, reg)
    with at(2026, 4, 2):
        cases.fire(app.case, "request_supplement", actor=world.officer, items=("Test report.",))
    with at(2026, 4, 13):
        cases.fire(app.case, "supplement", actor=world.applicant_a, comment="Attached.")
        db.session.commit()
    case = db.session.get(Case, app.case_id)
    assert (case.clock_name, case.due_date) == ("acceptance", dt.date(2026, 4, 20))
    assert "answer" in _told(world.officer, app.case_id)  # the case's officer hears of the supplement
    with db.session.no_autoflush:
        assert cases.refusals(case, "request_supplement", world.officer, cases.context_for(case, world.officer))
    with at(2026, 4, 21):
        assert len(timers.tick().fired) == 1
    assert _state(app.case_id) == "accepted"
    assert len(_issued(app.case_id, "change_acceptance")) == 1  # deemed acceptance issues the notice


def test_the_departments_officers_hear_of_a_new_application_and_the_firm_of_the_decision(world):
    reg = registered(world)
    app = apply_change(world, reg)
    assert _told(world.officer, app.case_id) == ["applied"]
    assert _told(world.officer2, app.case_id) == ["applied"]
    assert _told(world.applicant_a, app.case_id) == []  # never told of one's own act
    cases.fire(app.case, "accept", actor=world.officer)
    cases.fire(app.case, "propose_grant", actor=world.officer)
    db.session.commit()
    assert "proposal" in _told(world.approver, app.case_id)
    cases.fire(app.case, "approve", actor=world.approver)
    db.session.commit()
    assert _told(world.applicant_a, app.case_id).count("decision") == 2  # accepted, then granted
