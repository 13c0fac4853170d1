"""Two people fire on one case at the same moment: exactly one wins (PostgreSQL, real
connections; SQLite serialises writers and ignores row locks, so these run on PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm.exc import StaleDataError

from supervision.accounts.models import User
from supervision.audit.models import AuditEvent
from supervision.cases import services
from supervision.cases.models import Case
from supervision.core import uow
from supervision.extensions import db
from tests.cases.conftest import put_in_state, sign_in, version_of

pytestmark = pytest.mark.postgres


def _accepts(case_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.trigger == "accept")).scalar_one()


def test_two_firings_released_together_one_wins_one_conflicts(app, world):
    case = world.case()
    put_in_state(case, "submitted")
    case_id, version = case.id, case.version
    officer_ids = [world.officer.id, world.officer2.id]
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def worker(officer_id: int) -> None:
        with app.app_context():  # its own session, hence its own connection
            mine = db.session.get(Case, case_id)
            actor = db.session.get(User, officer_id)
            assert mine.version == version
            barrier.wait()  # both hold the same version; now both fire
            try:
                with uow.unit_of_work():  # as the request that fires would
                    services.fire(mine, "accept", actor=actor, expected_version=version)
                outcomes.append("ok")
            except services.Conflict as err:
                # Both passed the version check in Python: the database's UPDATE ... WHERE
                # version = ? decided (SQLAlchemy's version_id_col).
                outcomes.append("conflict" if isinstance(err.__cause__, StaleDataError) else repr(err))
            except Exception as err:  # pragma: no cover - reported by the assertion below
                outcomes.append(repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(oid,)) for oid in officer_ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(outcomes) == ["conflict", "ok"]
    db.session.expire_all()
    final = db.session.get(Case, case_id)
    assert final.state == "accepted" and final.version > version
    assert _accepts(case_id) == 1


def test_two_browsers_released_together_one_gets_409(app, world):
    case = world.case()
    put_in_state(case, "submitted")
    path = f"/cases/{case.id}"
    from tests.conftest import Browser, IsolatedClient

    app.test_client_class = IsolatedClient
    browsers = []
    for email in ("officer@t.test", "officer2@t.test"):
        web = Browser(app.test_client())
        sign_in(web, email)
        html = web.get(path).get_data(as_text=True)
        browsers.append((web, version_of(html), web.csrf(path)))
    barrier = threading.Barrier(2, timeout=30)
    statuses: list[int] = []

    def worker(web, version: int, token: str) -> None:
        with app.app_context():
            barrier.wait()
            resp = web.client.post(f"{path}/act", data={"trigger": "accept", "version": version,
                                                        "csrf_token": token})
            statuses.append(resp.status_code)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=b) for b in browsers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(statuses) == [303, 409]
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "accepted"
    assert _accepts(case.id) == 1
