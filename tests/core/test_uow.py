"""The unit of work: one commit per request, command and job, all of it rolled back on any error;
``after_commit`` callbacks only after a commit; ``record_now`` never commits other work."""
from __future__ import annotations

import pytest

from supervision.accounts import services as accounts
from supervision.accounts.models import Organisation, User
from supervision.audit.models import AuditEvent
from supervision.audit.services import PendingChanges, record, record_now
from supervision.core import uow
from supervision.extensions import db
from tests.core.dbstate import snapshot


def actions() -> list[str]:
    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


# -- after_commit -------------------------------------------------------------------------------


def test_after_commit_runs_once_after_the_commit_and_never_after_a_rollback(app):
    ran: list[str] = []
    uow.after_commit(lambda: ran.append("kept"))
    record("test.kept")
    assert ran == []                      # flushed is not committed
    uow.commit()
    assert ran == ["kept"]
    uow.commit()
    assert ran == ["kept"]                # once

    uow.after_commit(lambda: ran.append("dropped"))
    record("test.dropped")
    uow.rollback()
    uow.commit()                          # a later commit does not revive it
    assert ran == ["kept"] and actions() == ["test.kept"]


def test_a_unit_of_work_that_raises_rolls_back_its_writes_and_its_callbacks(app):
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        with uow.unit_of_work():
            record("test.half")
            uow.after_commit(lambda: ran.append("sent"))
            raise RuntimeError("half-way")
    assert ran == [] and actions() == []


def test_a_failing_callback_does_not_undo_the_commit(app, caplog):
    def broken():
        raise ConnectionError("queue down")

    ran: list[str] = []
    with uow.unit_of_work():
        record("test.durable")
        uow.after_commit(broken)
        uow.after_commit(lambda: ran.append("next"))
    assert actions() == ["test.durable"] and ran == ["next"]
    assert "after-commit callback" in caplog.text


# -- requests ------------------------------------------------------------------------------------


def test_a_request_whose_service_wrote_then_failed_leaves_no_row_and_no_event(world, web, monkeypatch):
    web.login("admin@t.test")
    before = snapshot()
    real_record = accounts.record

    def record_then_fail(*args, **kwargs):
        real_record(*args, **kwargs)      # the user row and its event are flushed …
        raise RuntimeError("disk full")   # … then the service fails

    monkeypatch.setattr(accounts, "record", record_then_fail)
    page = "/admin/users/new"
    resp = web.post(page, {"email": "new@example.org", "name": "New", "password": "long-enough-password",
                           "organisation_id": str(world.department.id), "roles": ["officer"]},
                    token_from=page)
    assert resp.status_code == 500
    assert snapshot() == before
    assert db.session.execute(db.select(User).filter_by(email="new@example.org")).first() is None


def test_a_request_answered_with_an_error_status_commits_nothing(world, web, monkeypatch):
    """A service that wrote and then refused, shown again as the form with 422: rolled back."""
    web.login("admin@t.test")
    before = snapshot()
    real_create = accounts.create_organisation

    def create_then_refuse(**kwargs):
        real_create(**kwargs)
        raise accounts.AccountError("Unknown kind of organisation.", field="kind")

    monkeypatch.setattr(accounts, "create_organisation", create_then_refuse)
    page = "/admin/organisations/new"
    resp = web.post(page, {"kind": "department", "name_zh": "新局", "name_en": "New Bureau"}, token_from=page)
    assert resp.status_code == 422
    assert snapshot() == before


def test_a_denied_access_is_recorded_even_though_the_request_rolls_back(world, web):
    web.login("a@firm-a.test")
    before = actions()
    assert web.get("/admin/").status_code == 403
    assert actions() == before + ["access.denied"]


# -- record_now ----------------------------------------------------------------------------------


def test_record_now_refuses_to_commit_other_pending_work(app):
    accounts.create_organisation(kind="department", name_zh="局", name_en="Bureau")
    with pytest.raises(PendingChanges):
        record_now("test.sign_in_attempt")
    uow.rollback()
    db.session.add(Organisation(kind="department", name_zh="未写入", name_en="Not flushed"))
    with pytest.raises(PendingChanges):
        record_now("test.sign_in_attempt")
    uow.rollback()
    record_now("test.sign_in_attempt")
    assert actions() == ["test.sign_in_attempt"]
    assert db.session.execute(db.select(Organisation)).first() is None


def test_a_refused_sign_in_counts_although_the_request_rolls_back(world, web):
    assert web.login("officer@t.test", "wrong password!").status_code == 401
    assert actions()[-1] == "auth.sign_in_failed"
    from supervision.accounts.models import LoginThrottle

    throttle = db.session.get(LoginThrottle, "officer@t.test")
    assert throttle is not None and throttle.failures == 1


# -- commands ------------------------------------------------------------------------------------


def test_a_command_that_fails_half_way_leaves_nothing(app, runner, monkeypatch):
    """``flask demo load`` makes departments, firms and users, then a later loader fails: the
    command's unit of work rolls all of it back."""
    from tests.conftest import replace_case_type

    def broken_loader(**people):
        assert people["users"]            # the base data exists (flushed) at this point
        raise RuntimeError("half-way")

    restore = replace_case_type(app, "registration", demo=broken_loader)
    before = snapshot()
    result = runner.invoke(args=["demo", "load"])
    restore()
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert snapshot() == before


def test_a_commit_that_fails_drops_what_waited_for_it(app, monkeypatch):
    ran: list[str] = []
    real_commit = db.session.commit

    def failing_commit():
        raise ConnectionError("the database went away")

    record("test.lost")
    uow.after_commit(lambda: ran.append("sent"))
    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(ConnectionError):
        uow.commit()
    monkeypatch.setattr(db.session, "commit", real_commit)
    uow.commit()                          # the next unit of work commits; the lost one's callback stays lost
    assert ran == [] and actions() == []
