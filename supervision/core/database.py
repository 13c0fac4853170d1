"""Database connection settings and small query helpers shared by every domain."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import String, cast, event, func, text
from sqlalchemy.engine import Engine

from supervision.extensions import db


def install_sqlite_pragmas(app: Flask) -> None:
    """Every SQLite connection runs in WAL mode with foreign keys enforced."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    _install(engine)


def _install(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every SQLite test
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def json_elements(column, as_type: Any = String) -> tuple[Any, Any]:
    """The elements of a JSON array ``column`` as a table to join its row with (``JOIN … ON
    true``: a function in FROM may read the rows before it), and its value as ``as_type``:
    ``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL."""
    if is_postgres():
        elements = func.json_array_elements_text(column).table_valued("value")
        return elements, cast(elements.c.value, as_type)
    elements = func.json_each(column).table_valued("value")
    return elements, elements.c.value


def lock_for_writing(pg_key: int) -> None:
    """Serialise writers of one kind (e.g. audit appends) until the current transaction ends.

    PostgreSQL: the transaction-scoped advisory lock ``pg_key``.  SQLite: the database's write
    lock.  The driver opens a transaction only at the first write, so reads before it see
    whatever is committed at that moment; ``BEGIN IMMEDIATE`` takes the lock (waiting up to the
    busy timeout) before the caller reads what it will append after.  Inside a transaction that
    has written, the lock is already held."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": pg_key})
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")
