"""Change and renewal applications are accepted first (issue 10, defect 12; 行政许可法 Art. 32): an
application already under review when this runs was received and is being decided (its decision
period running), so it is accepted; it keeps its deadlines.  No table changes.

Downgrade: the table before had no acceptance step; an application accepted or waiting for a
supplement is back under review (``submitted``), one refused acceptance or lapsed is withdrawn.

Revision ID: 0042
Revises: 0041
"""
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

CASES = "UPDATE cases SET state = '{to}' WHERE case_type = 'registration_change' AND state IN ({states})"


def upgrade() -> None:
    op.execute(CASES.format(to="accepted", states="'submitted'"))


def downgrade() -> None:
    op.execute(CASES.format(to="submitted", states="'accepted', 'supplement_requested'"))
    op.execute(CASES.format(to="withdrawn", states="'not_accepted', 'lapsed'"))
