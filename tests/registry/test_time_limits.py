"""Time limits of the licensing decision (issue 10 defect 8): the head's ten-working-day extension
under licence (行政许可法 Art. 42 ¶1), notified to the firm; hearings, testing and appraisal stop the
decision period with a written notice of the expected time (Art. 45); a clarification asked after
acceptance does not."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision.cases import clocks
from supervision.cases import services as cases
from supervision.decisions.services import decisions_of
from supervision.documents import storage
from supervision.extensions import db
from tests.legal.conftest import nature, pdf_text  # noqa: F401  (fixture)
from tests.registry.conftest import fire, make_registration, state, to_review

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int):
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def _in_review(world):
    reg = make_registration(world)
    with at(2026, 4, 1):
        to_review(world, reg)
        db.session.commit()
    return reg


def _text(case, kind: str, tmp_path) -> str:
    db.session.commit()
    decision = [d for d in decisions_of(case) if d.kind == kind][-1]
    return pdf_text(storage.read(decision.pdf_sha256), tmp_path)


def test_a_clarification_after_acceptance_does_not_stop_the_decision_period(world):
    reg = _in_review(world)
    due = clocks.find(reg.case, "decision").due_date
    with at(2026, 4, 2):
        fire(reg, "request_clarification", world.officer, comment="请说明最高速度的测试条件。")
    with at(2026, 4, 9):
        fire(reg, "answer_clarification", world.applicant_a, comment="见附件。")
    d = clocks.find(reg.case, "decision")
    assert d.status == "running" and d.due_date == due


def test_testing_stops_the_period_with_a_written_notice_of_the_expected_time(world, tmp_path, nature):
    nature("licence")
    reg = _in_review(world)
    due = clocks.find(reg.case, "decision").due_date
    with at(2026, 4, 2):
        fire(reg, "pause_for_procedure", world.officer, procedure="testing", expected_until=dt.date(2026, 4, 30),
             reason="申报的避障性能需经第三方检测机构检测验证。")
        assert clocks.find(reg.case, "decision").status == "paused"
        text = _text(reg.case, "procedure_notice", tmp_path)
    for expected in ("需要进行检验、检测", "预计于2026年4月30日前完成", "《中华人民共和国行政许可法》第四十五条",
                     "所需时间不计入作出注册决定的期限", "避障性能需经第三方检测机构检测验证"):
        assert expected in text, expected
    with at(2026, 4, 9):
        fire(reg, "resume_review", world.officer, comment="检测报告已收到，结论合格。")
    d = clocks.find(reg.case, "decision")
    assert state(reg.case_id) == "classification_review" and d.status == "running" and d.due_date > due


def test_the_head_extends_the_period_once_by_ten_working_days_under_licence(world, tmp_path, nature):
    reg = _in_review(world)
    with at(2026, 4, 20), pytest.raises(cases.TransitionRefused) as refused:   # not under filing
        fire(reg, "extend_decision_period", world.approver, reason="需要现场核查。")
    assert "filing" in refused.value.reasons[0]
    nature("licence")
    due = clocks.find(reg.case, "decision").due_date
    with at(2026, 4, 20), pytest.raises(cases.TransitionRefused):
        fire(reg, "extend_decision_period", world.officer, reason="需要现场核查。")  # the head decides
    with at(2026, 4, 20):
        fire(reg, "extend_decision_period", world.approver, reason="该型号涉及多个应用场景，需要现场核查。")
    assert state(reg.case_id) == "classification_review"
    from supervision.workdays.services import current_calendar

    extended = clocks.find(reg.case, "decision").due_date
    assert extended == current_calendar().add_working_days(due, 10).due
    text = _text(reg.case, "extension_notice", tmp_path)
    for expected in ("经本机关负责人批准", "《中华人民共和国行政许可法》第四十二条第一款", "延长十个工作日",
                     f"至{extended.year}年{extended.month}月{extended.day}日届满", "需要现场核查"):
        assert expected in text, expected
    with at(2026, 4, 21), pytest.raises(cases.TransitionRefused):
        fire(reg, "extend_decision_period", world.approver, reason="再次延长。")
