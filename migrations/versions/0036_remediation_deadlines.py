"""Remediation as a kind of deadline: the remediation an incident's or a conduct case's order
requires of the firm (it shows in the firm's list of what it owes).  Remediation deadlines stored
as ``other`` become ``remediation``; downgrade turns them back.

Revision ID: 0036
Revises: 0035
"""
import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

BEFORE = "kind IN ('statutory', 'report', 'information_request', 'other')"
AFTER = "kind IN ('statutory', 'report', 'information_request', 'remediation', 'other')"
# The name the incident and conduct services give their remediation deadline.
REMEDIATION_NAMES = ("remediation",)

deadlines = sa.table("case_deadlines", sa.column("name", sa.String), sa.column("kind", sa.String))
pauses = sa.table("clock_pauses", sa.column("id", sa.Integer), sa.column("deadline_id", sa.Integer))


def _set_check(check: str) -> None:
    """SQLite changes a CHECK by copying the table and dropping the old copy; the drop would
    break (or, deferred, leave counted as broken) the clock pauses that refer to its rows, so
    their references are lifted for the copy and put back after it."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    kept = []
    if sqlite:
        kept = [{"pid": r.id, "did": r.deadline_id}
                for r in bind.execute(sa.select(pauses.c.id, pauses.c.deadline_id)
                                      .where(pauses.c.deadline_id.is_not(None)))]
        op.execute(pauses.update().where(pauses.c.deadline_id.is_not(None)).values(deadline_id=None))
    with op.batch_alter_table("case_deadlines") as batch:
        batch.drop_constraint(op.f("ck_case_deadlines_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_case_deadlines_kind"), check)
    if kept:
        bind.execute(pauses.update().where(pauses.c.id == sa.bindparam("pid"))
                     .values(deadline_id=sa.bindparam("did")), kept)


def upgrade() -> None:
    _set_check(AFTER)
    op.execute(deadlines.update().where(deadlines.c.kind == "other", deadlines.c.name.in_(REMEDIATION_NAMES))
               .values(kind="remediation"))


def downgrade() -> None:
    op.execute(deadlines.update().where(deadlines.c.kind == "remediation").values(kind="other"))
    _set_check(BEFORE)
