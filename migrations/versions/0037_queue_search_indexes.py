"""The queue's free-text search and the officers' workload read through indexes (issue 15).

- ``ix_cases_assignee_type_state``: an officer's open cases counted from the index alone.
- PostgreSQL: the ``pg_trgm`` extension, where the server has it, and GIN trigram indexes on the
  names the search reads (``ILIKE``) (``supervision.core.textsearch.TRGM``); without the extension
  nothing more is created and the search scans those names.
- SQLite: an FTS5 table with the trigram tokenizer over the robot models' names, kept by triggers
  (``textsearch.FTS``); skipped where SQLite was built without FTS5.

Revision ID: 0037
Revises: 0036
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supervision.core.textsearch import FTS, TRGM

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def _pg_trgm(conn) -> bool:
    if conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return True
    if not conn.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar():
        return False
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:   # not allowed to create it: the search scans
        return False
    return True


def _fts5(conn) -> bool:
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x, tokenize='trigram')"))
            conn.execute(sa.text("DROP TABLE temp.fts5_probe"))
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade() -> None:
    op.create_index("ix_cases_assignee_type_state", "cases", ["assignee_id", "case_type", "state"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql" and _pg_trgm(conn):
        for (table, column), index in TRGM.items():
            op.execute(f"CREATE INDEX {index} ON {table} USING gin ({column} gin_trgm_ops)")
    elif conn.dialect.name == "sqlite" and _fts5(conn):
        for (table, column), fts in FTS.items():
            op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
                       f"content_rowid='id', tokenize='trigram')")
            op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                       f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END")
            op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END")
            op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
                       f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END")
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for index in TRGM.values():
            op.execute(f"DROP INDEX IF EXISTS {index}")
    elif conn.dialect.name == "sqlite":
        for fts in FTS.values():
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    op.drop_index("ix_cases_assignee_type_state", table_name="cases")
