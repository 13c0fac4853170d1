"""Document numbers: 杭经信登〔2026〕7号 style, unique and gap-free per department, kind and year."""
from __future__ import annotations

import threading

import pytest

from supervision.accounts.models import User
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.decisions.services import format_number
from supervision.core import uow
from supervision.extensions import db
from tests.decisions.conftest import issue, put_in_state


def test_number_format_has_year_in_brackets_and_no_leading_zeros():
    assert format_number("杭经信登", 2026, 7) == "杭经信登〔2026〕7号"
    assert format_number("杭经信登", 2026, 12) == "杭经信登〔2026〕12号"


def test_serials_count_per_department_and_kind_without_gaps(world):
    case = world.case()
    a = [issue(world, "acceptance", case=case) for _ in range(3)]
    b = issue(world, "supplement_notice", case=case)
    assert [d.serial for d in a] == [1, 2, 3]
    assert b.serial == 1  # another kind counts on its own
    prefix = world.department.doc_prefix
    assert [d.number for d in a] == [f"{prefix}登受〔{a[0].year}〕{n}号" for n in (1, 2, 3)]
    other = world.case()
    other.department_id = world.other_department.id
    db.session.commit()
    assert issue(world, "acceptance", case=other).serial == 1


def test_a_failed_issue_leaves_no_gap(world, monkeypatch):
    from supervision.decisions import signing

    case = world.case()
    issue(world, "acceptance", case=case)

    def broken(*a, **kw):
        raise RuntimeError("signing device unavailable")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    with pytest.raises(RuntimeError):
        issue(world, "acceptance", case=case)
    db.session.rollback()
    monkeypatch.undo()
    assert issue(world, "acceptance", case=case).serial == 2


@pytest.mark.postgres
def test_concurrent_approvals_get_consecutive_numbers(app, world):
    """Four approvals released together: four refusals numbered 1-4, none shared, none skipped."""
    case_ids = []
    for _ in range(4):
        case = world.case()
        put_in_state(case, "decision_proposed")
        case.proposal, case.proposed_by_id = "refusal", world.officer.id
        db.session.commit()
        case_ids.append(case.id)
    approver_id = world.approver.id
    barrier = threading.Barrier(len(case_ids), timeout=60)
    outcomes: list[str] = []

    def worker(case_id: int) -> None:
        with app.app_context():
            mine = db.session.get(Case, case_id)
            actor = db.session.get(User, approver_id)
            barrier.wait()
            try:
                with uow.unit_of_work():  # as the request that approves would
                    cases.fire(mine, "approve", actor=actor)
                outcomes.append("ok")
            except Exception as err:  # pragma: no cover - shown by the assertion
                outcomes.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(cid,)) for cid in case_ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert outcomes == ["ok"] * 4
    db.session.expire_all()
    serials = sorted(db.session.execute(
        db.select(Decision.serial).where(Decision.kind == "refusal")).scalars())
    assert serials == [1, 2, 3, 4]
