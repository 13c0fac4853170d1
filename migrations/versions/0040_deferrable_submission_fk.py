"""The unit events' reference to their submission may be checked at commit (issue 11): a CSV
file of many chunks writes its events first and its submission row, with the SHA-256 of all of
them, last.  PostgreSQL: the constraint becomes DEFERRABLE INITIALLY IMMEDIATE (every other
transaction checks it as before).  SQLite defers per transaction (``PRAGMA defer_foreign_keys``);
its table is rebuilt so that its declared constraint says the same as the model's.

Revision ID: 0040
Revises: 0038
"""
from alembic import op

revision = "0040"
down_revision = "0038"
branch_labels = None
depends_on = None

FK = "fk_unit_events_submission_id_unit_submissions"


def _rebuild(**options) -> None:
    with op.batch_alter_table("unit_events", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(FK, "unit_submissions", ["submission_id"], ["id"], **options)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE unit_events ALTER CONSTRAINT {FK} DEFERRABLE INITIALLY IMMEDIATE")
    else:
        _rebuild(deferrable=True, initially="IMMEDIATE")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE unit_events ALTER CONSTRAINT {FK} NOT DEFERRABLE")
    else:
        _rebuild()
