"""Test fixtures: one database per run built by the migrations, emptied after every test.

Set ``DATABASE_URL`` to a PostgreSQL URL to run the same suite on PostgreSQL.  Under pytest-xdist
(``make test`` runs ``-n auto``) every worker process has its own database, signing keys and
folders: SQLite in the worker's temporary folder; on PostgreSQL the database ``<name>_gw0``,
``<name>_gw1`` … beside the one ``DATABASE_URL`` names, created for the run and dropped after it.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
import tempfile

import pytest
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("SUPERVISION_ENV", "testing")

from supervision import create_app  # noqa: E402
from supervision.extensions import db  # noqa: E402

# Tables the migrations fill with reference data; every other table is emptied between tests.
REFERENCE_TABLES = {"alembic_version", "calendar_years", "calendar_days"}

_TMP = tempfile.mkdtemp(prefix="supervision-tests-")

# "gw0", "gw1" … in a pytest-xdist worker; None in a plain pytest run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")

# Property-based tests: few, reproducible examples by default; HYPOTHESIS_PROFILE=thorough for many.
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("thorough", max_examples=1000, deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def database_url() -> str:
    """This process's database: ``DATABASE_URL`` (a worker's own copy under xdist), else SQLite
    in this process's temporary folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{_TMP}/test.db"
    if WORKER:
        parsed = make_url(url)
        if parsed.get_backend_name() in ("postgres", "postgresql"):
            return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)
        if parsed.database and parsed.database != ":memory:":  # a SQLite file: one per worker
            root, ext = os.path.splitext(parsed.database)
            return parsed.set(database=f"{root}_{WORKER}{ext}").render_as_string(hide_password=False)
    return url


def is_postgres_run() -> bool:
    return database_url().startswith(("postgres", "postgresql"))


def _maintenance_engine():
    """The PostgreSQL server of the run, through its ``postgres`` database (to create or drop ours)."""
    server = make_url(_normalise(database_url())).set(database="postgres")
    return create_engine(server, isolation_level="AUTOCOMMIT")


def _worker_database(*, drop: bool) -> None:
    """Create this xdist worker's PostgreSQL database if it is missing, or drop it."""
    name = make_url(database_url()).database
    engine = _maintenance_engine()
    try:
        with engine.connect() as conn:
            if drop:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            elif not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _reset_postgres_schema(app) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    per_worker_postgres = bool(WORKER) and is_postgres_run()
    if per_worker_postgres:
        _worker_database(drop=False)
    # Files the app writes go to this process's folder, not instance/ (shared by the workers,
    # by concurrent runs and by the development installation).
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_normalise(database_url()),
                     DOCUMENT_STORE=os.path.join(_TMP, "documents"), SERVER_NAME=None,
                     MAIL_DIR=os.path.join(_TMP, "mail"),
                     DECISION_KEY_DIR=os.path.join(_TMP, "keys"),
                     CHECKPOINT_KEY_PATH=os.path.join(_TMP, "keys", "checkpoint-ed25519.pem"),
                     EXPORT_DIR=os.path.join(_TMP, "exports"))
    if is_postgres_run():
        _reset_postgres_schema(app)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if per_worker_postgres:
        _worker_database(drop=True)


def _normalise(url: str) -> str:
    from config import _normalise_db_url

    return _normalise_db_url(url)


def empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())


def copy_rows() -> dict[str, list[dict]]:
    """Every row of the business tables: data that a module builds once (it is slow to make
    through the services) and puts back with ``restore_rows`` before each test that only reads it."""
    db.session.commit()
    with db.engine.connect() as conn:
        return {t.name: [dict(row) for row in conn.execute(t.select()).mappings()]
                for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES}


def restore_rows(rows: dict[str, list[dict]]) -> None:
    """Put back the rows of ``copy_rows`` into the emptied tables, as they were."""
    db.session.remove()
    tables = [t for t in db.metadata.sorted_tables if rows.get(t.name)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no triggers
        else:  # rows that point at a later row of their table (decisions) are checked at commit
            conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in tables:
            conn.execute(table.insert(), rows[table.name])
        if conn.dialect.name == "postgresql":  # a row the test adds takes the next free id
            for table in tables:
                if (column := table.autoincrement_column) is not None:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                      f"(SELECT max({column.name}) FROM {table.name}))"))


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Each test starts with empty business tables and a fresh session.  Work a test handed to
    the embedded job threads (the mail sender's wake-up after a commit) finishes first, so it
    cannot commit into the next test's tables or its counters."""
    from supervision.jobs import runners

    with app.app_context():
        yield
        runners.drain(app)
        db.session.remove()
        empty_tables()


# The demo data's rows, loaded once per test process (``flask demo load`` takes about a minute).
_DEMO: dict[str, dict] = {}


def load_demo(app):
    """``flask demo load`` through the command; when it succeeds, a copy of its rows is kept for
    ``demo_data`` (the next test of this process that needs the demo does not load it again)."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code == 0:
        _DEMO["rows"] = copy_rows()
    return result


@pytest.fixture
def demo_data(app):
    """The demo data (``flask demo load``) in the tables: loaded through the command the first
    time in this process, put back from a copy of its rows afterwards (its documents stay in the
    process's store).  Tests that change the data get the same starting point each time."""
    if "rows" not in _DEMO:
        result = load_demo(app)
        assert result.exit_code == 0, result.output
    else:
        restore_rows(_DEMO["rows"])


@pytest.fixture
def page_cache(app):
    """The public pages' cache switched on (an in-process cache, emptied) for one test."""
    from supervision.public import caching

    caching.page_cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    caching.page_cache.clear()
    yield caching.page_cache
    caching.page_cache.init_app(app, config={"CACHE_TYPE": app.config["PUBLIC_PAGE_CACHE"],
                                             "CACHE_NO_NULL_WARNING": True})


@contextlib.contextmanager
def recorded_statements():
    """The SQL statements the database runs inside the block, in order (the test's own pending
    set-up is committed first: it is not what the block costs)."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


class IsolatedClient(FlaskClient):
    """Each request runs in its own context, like a real server: no ``g``, session or cached
    user leaks in from the test's app context.  Afterwards the test's session sees the result."""

    def open(self, *args, **kwargs):
        db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.commit()  # end the test's read snapshot; loaded objects reload on access
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Browser:
    """A test client that signs in like a user and sends a valid CSRF token with every POST."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        html = self.client.get(path).get_data(as_text=True)
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = "correct-horse-battery"):
        token = self.csrf("/login")
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": token})

    def get(self, *a, **kw):
        return self.client.get(*a, **kw)

    def post(self, path: str, data: dict | None = None, *, token_from: str = "/", **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(token_from))
        return self.client.post(path, data=data, **kw)


@pytest.fixture
def web(client):
    return Browser(client)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are skipped on SQLite runs (and reported as skipped)."""
    if is_postgres_run():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class World:
    """The usual cast: one department with its regulators, two firms with an applicant each."""

    def __init__(self):
        from tests.factories import DepartmentFactory, FirmFactory, UserFactory

        self.department = DepartmentFactory(name_zh="杭州市经济和信息化局", name_en="Industry Bureau")
        self.other_department = DepartmentFactory(name_zh="杭州市市场监督管理局", name_en="Market Regulation")
        self.firm_a = FirmFactory(name_zh="甲公司", name_en="Firm A")
        self.firm_b = FirmFactory(name_zh="乙公司", name_en="Firm B")
        self.officer = UserFactory(email="officer@t.test", organisation=self.department, roles=["officer"])
        self.officer2 = UserFactory(email="officer2@t.test", organisation=self.department, roles=["officer"])
        self.approver = UserFactory(email="approver@t.test", organisation=self.department, roles=["approver"])
        self.dual = UserFactory(email="dual@t.test", organisation=self.department, roles=["officer", "approver"])
        self.other_officer = UserFactory(email="other@t.test", organisation=self.other_department, roles=["officer", "approver"])
        self.auditor = UserFactory(email="auditor@t.test", organisation=self.department, roles=["auditor"])
        self.admin = UserFactory(email="admin@t.test", organisation=self.department, roles=["admin"])
        self.expert = UserFactory(email="expert@t.test", organisation=self.department, roles=["expert"])
        self.applicant_a = UserFactory(email="a@firm-a.test", organisation=self.firm_a, roles=["applicant"])
        self.applicant_b = UserFactory(email="b@firm-b.test", organisation=self.firm_b, roles=["applicant"])

    def case(self, firm=None, **kw):
        from tests.factories import CaseFactory

        return CaseFactory(firm=firm or self.firm_a, department=self.department,
                           actor=kw.pop("actor", self.applicant_a), **kw)

    def submitted_case(self, firm=None, **kw):
        """A case its firm has submitted (through the services): before that it is the firm's
        draft, which nobody outside the firm sees."""
        from supervision.cases import services

        case = self.case(firm=firm, **kw)
        services.fire(case, "submit", actor=self.applicant_b if firm is self.firm_b else kw.get("actor", self.applicant_a))
        return case


@pytest.fixture
def world(app):
    world = World()
    db.session.commit()  # set-up: the services only flush; threads and other connections see it
    return world


def replace_case_type(app, name: str, **changes):
    """Swap an installed case type for a copy with ``changes`` (e.g. other facts); returns a
    function that puts the original back."""
    import dataclasses

    installed = app.extensions["case_types"]
    original = installed[name]
    installed[name] = dataclasses.replace(original, **changes)

    def restore() -> None:
        installed[name] = original

    return restore


# Registration cases count as complete and tier 1 (for tests whose cases carry no robot model).
COMPLETE_TIER_1 = {"missing_fields": [], "supplement_count": 0, "tier": 1, "certificate": "valid"}


@pytest.fixture
def complete_applications(app):
    """The registry's own facts are not under test: every application is complete, tier 1."""
    restore = replace_case_type(app, "registration", facts=lambda case, actor: dict(COMPLETE_TIER_1))
    yield
    restore()


def sealed_url(kind: str, number: int, rest: str = "") -> str:
    """The address of a stored document or a dossier export (``/documents/<id>-<tag>``): ids in
    those addresses carry a keyed tag (``core.urls``), as the app's own links do."""
    from supervision.core.urls import sealed_tag

    return f"/{kind}s/{number}-{sealed_tag(kind, number)}{rest}"
