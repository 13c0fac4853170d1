"""The supplement notice and the acceptance period (issue 10, defect 6; 行政许可法 Art. 32):
items entered one by one, a deadline and its consequence on the notice, a lapse when the
deadline passes, the five days anew from the supplement, and deemed acceptance on silence."""
from __future__ import annotations

import datetime as dt

import pytest
import re
import subprocess

import time_machine

from supervision.cases import clocks, timers
from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.documents import storage
from supervision.extensions import db
from tests.registry.conftest import fire, make_registration, state

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int, hour: int = 10):
    return time_machine.travel(dt.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def text_of(decision: Decision, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(storage.read(decision.pdf_sha256))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def notices(case_id: int, kind: str) -> list[Decision]:
    db.session.commit()
    return list(db.session.execute(db.select(Decision).filter_by(case_id=case_id, kind=kind)).scalars())


def test_the_notice_lists_each_item_once_with_the_deadline_and_the_consequence(world, tmp_path):
    reg = make_registration(world)
    with at(2026, 4, 1):
        fire(reg, "submit", world.applicant_a)
    with at(2026, 4, 2):
        fire(reg, "request_supplement", world.officer, items=("强制性标准检测报告", "软件版本说明"))
    case = db.session.get(Case, reg.case_id)
    assert (case.clock_name, case.due_date) == ("supplement", dt.date(2026, 4, 17))  # 10 working days
    [notice] = notices(reg.case_id, "supplement_notice")
    text = text_of(notice, tmp_path)
    assert "1.强制性标准检测报告" in text and "2.软件版本说明" in text
    assert "1.1." not in text and "请补充：1" not in text
    assert "请于2026年4月17日前" in text and "视为放弃申请" in text
    assert "受理期限自本机关收到全部补正材料之日起重新计算" in text
    assert "审查期限" not in text


def test_a_supplement_request_without_items_is_refused(world):
    import pytest

    from supervision.cases import services as cases

    reg = make_registration(world)
    fire(reg, "submit", world.applicant_a)
    with pytest.raises(cases.TransitionRefused):
        fire(reg, "request_supplement", world.officer, items=())
    assert state(reg.case_id) == "submitted"


def test_a_supplement_not_given_in_time_lapses_the_application(world):
    reg = make_registration(world)
    with at(2026, 4, 1):
        fire(reg, "submit", world.applicant_a)
    with at(2026, 4, 2):
        fire(reg, "request_supplement", world.officer, items=("Test report.",))
    db.session.commit()
    with at(2026, 4, 17, 23):
        assert timers.tick().fired == []                    # the whole last day counts
    with at(2026, 4, 18):
        assert len(timers.tick().fired) == 1
    assert state(reg.case_id) == "lapsed"


def test_the_acceptance_period_runs_anew_from_the_supplement_and_silence_is_deemed_acceptance(world):
    reg = make_registration(world)
    with at(2026, 4, 1):
        fire(reg, "submit", world.applicant_a)
    with at(2026, 4, 2):
        fire(reg, "request_supplement", world.officer, items=("Test report.",))
    with at(2026, 4, 13):                                    # supplemented on Mon 13 Apr
        fire(reg, "supplement", world.applicant_a, comment="Attached.")
    case = db.session.get(Case, reg.case_id)
    assert (case.clock_name, case.due_date) == ("acceptance", dt.date(2026, 4, 20))
    db.session.commit()
    with at(2026, 4, 20, 23):
        assert timers.tick().fired == []
    with at(2026, 4, 21):
        assert len(timers.tick().fired) == 1
    assert state(reg.case_id) == "accepted"
    # Deemed acceptance is an acceptance: the notice is issued and the model classified.
    assert len(notices(reg.case_id, "acceptance")) == 1
    case = db.session.get(Case, reg.case_id)
    assert clocks.find(case, "decision") is not None
    from supervision.registry import services

    assert services.registration_of(case).tier is not None
