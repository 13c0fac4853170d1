"""Deadlines of cases: several running deadlines and due items per case, each with its pauses.

``case_deadlines`` holds every statutory clock and due item of a case; ``clock_pauses`` points
at the deadline that stood still.  The clock each case carried in its own columns becomes its
first deadline (those columns stay, as the nearest open deadline the case list reads); its open
and later pauses are linked to it.  The clock lengths and labels are written here as they were
when this revision was released (the registration table of workflow version 1), not read from
today's code.

Downgrade drops the table and the link; the case columns still describe the nearest deadline.

Revision ID: 0007
Revises: 0006
"""
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = "'running', 'paused'"
# (case type, clock) -> (working days, label msgid) of the tables in force at this revision.
CLOCKS = {
    ("registration", "acceptance"): (5, "Acceptance decision"),
    ("registration", "decision"): (20, "Licensing decision"),
    ("registration", "public_notice"): (5, "Public notice period"),
    ("registration", "defence"): (5, "Period to state a defence"),
    ("registration", "action"): (10, "Decision on the intended action"),
}

cases_t = sa.table("cases", sa.column("id", sa.Integer), sa.column("case_type", sa.String),
                   sa.column("clock_name", sa.String), sa.column("clock_started_on", sa.Date),
                   sa.column("due_date", sa.Date), sa.column("due_estimated", sa.Boolean),
                   sa.column("clock_paused_at", sa.DateTime))
deadlines_t = sa.table(
    "case_deadlines", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
    sa.column("name", sa.String), sa.column("kind", sa.String), sa.column("label", sa.String),
    sa.column("unit", sa.String), sa.column("length", sa.Integer),
    sa.column("started_at", sa.DateTime), sa.column("due_at", sa.DateTime),
    sa.column("due_date", sa.Date), sa.column("estimated", sa.Boolean),
    sa.column("paused_at", sa.DateTime), sa.column("status", sa.String),
    sa.column("version", sa.Integer))
pauses_t = sa.table("clock_pauses", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                    sa.column("clock_name", sa.String), sa.column("started_at", sa.DateTime),
                    sa.column("ended_at", sa.DateTime), sa.column("deadline_id", sa.Integer))


def _utc_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Shanghai as naive UTC."""
    return (dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
            .astimezone(dt.timezone.utc).replace(tzinfo=None))


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("length", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("on_expiry", sa.String(length=48), nullable=True),
        sa.Column("flagged_overdue_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('statutory', 'report', 'information_request', 'other')",
                           name=op.f("ck_case_deadlines_kind")),
        sa.CheckConstraint("status IN ('running', 'paused', 'met', 'expired', 'cancelled')",
                           name=op.f("ck_case_deadlines_status")),
        sa.CheckConstraint("unit IN ('working_days', 'calendar_days', 'hours')",
                           name=op.f("ck_case_deadlines_unit")),
        sa.CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)",
                           name=op.f("ck_case_deadlines_paused_when_paused")),
        sa.CheckConstraint(f"(status IN ({OPEN})) = (closed_at IS NULL)",
                           name=op.f("ck_case_deadlines_closed_when_closed")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_deadlines_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
    )
    op.create_index(op.f("ix_case_deadlines_case_id"), "case_deadlines", ["case_id"], unique=False)
    op.create_index("ix_case_deadlines_status_due", "case_deadlines", ["status", "due_at"], unique=False)
    op.create_index("uq_case_deadlines_open_name", "case_deadlines", ["case_id", "name"], unique=True,
                    sqlite_where=sa.text(f"status IN ({OPEN})"),
                    postgresql_where=sa.text(f"status IN ({OPEN})"))
    with op.batch_alter_table("clock_pauses") as batch:
        batch.add_column(sa.Column("deadline_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_clock_pauses_deadline_id"), ["deadline_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_clock_pauses_deadline_id_case_deadlines"),
                                 "case_deadlines", ["deadline_id"], ["id"])
    _move_clocks_into_deadlines()


def _move_clocks_into_deadlines() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(cases_t).where(
        cases_t.c.clock_name.is_not(None), cases_t.c.due_date.is_not(None)).order_by(cases_t.c.id)).all()
    for case in rows:
        length, label = CLOCKS.get((case.case_type, case.clock_name), (None, ""))
        # The hour a clock started was not kept: the start of its day in Shanghai stands in.
        started_on = case.clock_started_on or case.due_date
        conn.execute(sa.insert(deadlines_t).values(
            case_id=case.id, name=case.clock_name, kind="statutory", label=label,
            unit="working_days", length=length, started_at=_utc_midnight(started_on),
            due_at=_utc_midnight(case.due_date + dt.timedelta(days=1)), due_date=case.due_date,
            estimated=bool(case.due_estimated), paused_at=case.clock_paused_at,
            status="paused" if case.clock_paused_at is not None else "running", version=1))
        deadline_id = conn.execute(sa.select(deadlines_t.c.id).where(
            deadlines_t.c.case_id == case.id, deadlines_t.c.name == case.clock_name)).scalar_one()
        # The pauses of this clock since it started (earlier ones belonged to earlier runs).
        conn.execute(sa.update(pauses_t).where(
            pauses_t.c.case_id == case.id, pauses_t.c.clock_name == case.clock_name,
            sa.or_(pauses_t.c.ended_at.is_(None),
                   pauses_t.c.started_at >= _utc_midnight(started_on)),
        ).values(deadline_id=deadline_id))


def _restore_case_clocks() -> None:
    """Each case's own columns describe its nearest open statutory deadline, the one clock the
    previous revision knows (due items are not clocks of the workflow table)."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(deadlines_t).where(
        deadlines_t.c.status.in_(("running", "paused")), deadlines_t.c.kind == "statutory",
    ).order_by(deadlines_t.c.case_id, deadlines_t.c.due_at, deadlines_t.c.id)).all()
    nearest = {}
    for d in rows:
        nearest.setdefault(d.case_id, d)
    conn.execute(sa.update(cases_t).where(cases_t.c.clock_name.is_not(None)).values(
        clock_name=None, clock_started_on=None, due_date=None, due_estimated=False,
        clock_paused_at=None))
    for case_id, d in nearest.items():
        started_on = (d.started_at.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date())
        conn.execute(sa.update(cases_t).where(cases_t.c.id == case_id).values(
            clock_name=d.name, clock_started_on=started_on, due_date=d.due_date,
            due_estimated=d.estimated, clock_paused_at=d.paused_at))


def downgrade() -> None:
    _restore_case_clocks()
    with op.batch_alter_table("clock_pauses") as batch:
        batch.drop_constraint(batch.f("fk_clock_pauses_deadline_id_case_deadlines"), type_="foreignkey")
        batch.drop_index(batch.f("ix_clock_pauses_deadline_id"))
        batch.drop_column("deadline_id")
    op.drop_index("uq_case_deadlines_open_name", table_name="case_deadlines")
    op.drop_index("ix_case_deadlines_status_due", table_name="case_deadlines")
    op.drop_index(op.f("ix_case_deadlines_case_id"), table_name="case_deadlines")
    op.drop_table("case_deadlines")
