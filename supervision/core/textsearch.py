"""Substring search of names through an index, per database engine (issue 15: the queue's
free-text search never scans the cases' models).

- PostgreSQL with ``pg_trgm``: GIN trigram indexes on each column of ``TRGM`` (migration 0037),
  which serve the ``column ILIKE '%term%'`` that ``icontains`` writes there, for terms of three
  characters or more.  Without the extension the migration skips them and the search scans.
- SQLite: an FTS5 table with the ``trigram`` tokenizer beside each column of ``FTS`` (kept by
  triggers), asked for the term as a phrase, which finds it anywhere in the name, case-insensitively.
  Terms of one or two characters have no trigram: they take ``icontains`` (a scan of the column).

``contains(column, term)`` is the one condition callers use; ``outside_the_models`` tells schema
comparisons that these tables and indexes are not the models' own.
"""
from __future__ import annotations

from sqlalchemy import column as sql_column, inspect, literal, literal_column, select, table

from supervision.extensions import db

# (table, column) -> its FTS5 table on SQLite; the migration creates them and their triggers.
FTS = {("robot_models", "name"): "search_robot_models"}
# (table, column) -> its trigram index on PostgreSQL.
TRGM = {
    ("robot_models", "name"): "ix_trgm_robot_models_name",
    ("organisations", "name_zh"): "ix_trgm_organisations_name_zh",
    ("organisations", "name_en"): "ix_trgm_organisations_name_en",
    ("sandbox_tests", "model_name"): "ix_trgm_sandbox_tests_model_name",
}
# The FTS5 tables and the shadow tables SQLite keeps beside each.
TABLES = frozenset(f"{fts}{suffix}" for fts in FTS.values()
                   for suffix in ("", "_data", "_idx", "_docsize", "_config", "_content"))
MIN_TRIGRAM = 3
_ready: dict[str, frozenset[str]] = {}


def _fts_tables() -> frozenset[str]:
    """The FTS5 tables that exist in this database (read once per engine)."""
    key = str(db.engine.url)
    if key not in _ready:
        names = set(inspect(db.engine).get_table_names())
        _ready[key] = frozenset(name for name in FTS.values() if name in names)
    return _ready[key]


def contains(column, term: str):
    """``column`` holds ``term`` anywhere, case-insensitively (``icontains``), through an index."""
    fts = FTS.get((column.table.name, column.key))
    if (fts is not None and len(term) >= MIN_TRIGRAM and db.engine.dialect.name == "sqlite"
            and fts in _fts_tables()):
        phrase = '"' + term.replace('"', '""') + '"'
        key = column.table.primary_key.columns.values()[0]
        index = table(fts, sql_column("rowid"))
        return key.in_(select(index.c.rowid).where(literal_column(fts).op("MATCH")(literal(phrase))))
    return column.icontains(term, autoescape=True)


def outside_the_models(name: str, type_: str) -> bool:
    """A table or index of this module's (and FTS5's shadow tables), not one of the models'."""
    if type_ == "table":
        return name in TABLES
    return type_ == "index" and name in TRGM.values()
