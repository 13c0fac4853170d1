"""The first administrator from the command line; demo accounts only where demo data was loaded."""
from __future__ import annotations

from supervision.accounts.models import Organisation, User
from supervision.audit.models import AuditEvent
from supervision.extensions import db
from tests.conftest import Browser, load_demo
from tests.core.dbstate import snapshot


def count(model) -> int:
    db.session.commit()
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_create_admin_on_an_empty_installation(app, runner, client):
    result = runner.invoke(args=["accounts", "create-admin", "--email", "Root@Example.org",
                                 "--name", "Root", "--password", "first-admin-password"])
    assert result.exit_code == 0, result.output
    assert "Administrator root@example.org created in 杭州市经济和信息化局." in result.output
    user = db.session.execute(db.select(User).filter_by(email="root@example.org")).scalar_one()
    assert user.roles == {"admin"} and user.organisation.kind == "department"
    web = Browser(client)
    assert web.login("root@example.org", "first-admin-password").status_code == 302
    assert web.get("/admin/").status_code == 200
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()
    assert actions[:2] == ["organisation.create", "user.create"]


def test_create_admin_asks_for_the_password_twice(app, runner):
    result = runner.invoke(args=["accounts", "create-admin", "--email", "root@example.org"],
                           input="first-admin-password\nfirst-admin-password\n")
    assert result.exit_code == 0, result.output
    assert count(User) == 1


def test_create_admin_refusals_change_nothing(app, runner):
    runner.invoke(args=["accounts", "create-admin", "--email", "root@example.org", "--password", "first-admin-password"])
    before = snapshot()
    again = runner.invoke(args=["accounts", "create-admin", "--email", "root@example.org",
                                "--password", "first-admin-password"])
    assert again.exit_code == 1
    assert "A user with this email exists already." in again.output
    short = runner.invoke(args=["accounts", "create-admin", "--email", "two@example.org", "--password", "short"])
    assert short.exit_code == 1
    assert "The password must have at least 12 characters." in short.output
    assert snapshot() == before


def test_create_admin_on_fresh_database_with_short_password_creates_no_department(app, runner):
    result = runner.invoke(args=["accounts", "create-admin", "--email", "root@example.org", "--password", "short"])
    assert result.exit_code == 1
    assert count(Organisation) == 0 and count(User) == 0 and count(AuditEvent) == 0


def test_migrations_alone_create_no_accounts(tmp_path):
    """A fresh database upgraded by the migrations has no users (no demo without `demo load`)."""
    from flask_migrate import upgrade

    from supervision import create_app

    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/fresh.db",
                       DOCUMENT_STORE=str(tmp_path / "docs"))
    with fresh.app_context():
        upgrade()
        assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0
        assert db.session.execute(db.select(db.func.count(Organisation.id))).scalar() == 0
        db.session.remove()
        db.engine.dispose()
    web = Browser(fresh.test_client())
    fresh.test_client_class = None
    resp = web.login("admin@example.com", "demo-password-2026")
    assert resp.status_code == 401
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_demo_load_twice_changes_nothing_the_second_time(app, runner, client):
    first = load_demo(app)  # through the command, as `runner` would
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    assert "admin@example.com" in first.output and "demo-password-2026" in first.output
    from supervision.jobs import runners

    assert runners.drain(app, 60)  # the demo's e-mails are sent after its commit
    after_first = snapshot()
    events = count(AuditEvent)
    assert count(User) >= 7 and events > 0
    from supervision.dossiers.models import Checkpoint

    # The demo ends with a signed checkpoint over everything it made (shown on /transparency).
    checkpoints = db.session.execute(db.select(Checkpoint.tree_size)).scalars().all()
    assert checkpoints == [events]
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present; nothing changed." in second.output
    assert snapshot() == after_first
    assert count(AuditEvent) == events


def test_demo_logins_work_after_loading(app, client, demo_data):
    for email in ("admin@example.com", "officer@example.com", "approver@example.com", "auditor@example.com",
                  "expert@example.com", "applicant@example.com", "applicant-b@example.com"):
        web = Browser(app.test_client())
        assert web.login(email, "demo-password-2026").status_code == 302, email
