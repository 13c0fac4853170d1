"""Robot units (Art. 46): manufacturer prefixes, model codes, batches, units, the event ledger
(append-only on PostgreSQL, like the audit log), event locations (purged after retention),
recalls and submissions.

Downgrade drops the tables and the guard.

Revision ID: 0012
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

# The event ledger: rows are never changed or deleted (a mistake is declared by a new event).
LEDGER = ("unit_events", "unit_event_units", "unit_submissions")
GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION unit_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table('manufacturer_prefixes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=6), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_manufacturer_prefixes_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_manufacturer_prefixes_firm_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manufacturer_prefixes')),
    sa.UniqueConstraint('firm_id', name='uq_manufacturer_prefixes_firm_id'),
    sa.UniqueConstraint('prefix', name=op.f('uq_manufacturer_prefixes_prefix'))
    )
    op.create_table('unit_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('form', 'csv', 'api', 'recall', 'demo')", name=op.f('ck_unit_submissions_channel')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_unit_submissions_actor_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_unit_submissions_firm_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_submissions'))
    )
    with op.batch_alter_table('unit_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_submissions_firm_id'), ['firm_id'], unique=False)

    op.create_table('model_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('unit_limit', sa.Integer(), nullable=True),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('registration', 'sandbox')", name=op.f('ck_model_codes_source')),
    sa.CheckConstraint('last_serial >= 0', name=op.f('ck_model_codes_last_serial')),
    sa.CheckConstraint('unit_limit IS NULL OR last_serial <= unit_limit', name=op.f('ck_model_codes_within_limit')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_model_codes_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['model_id'], ['robot_models.id'], name=op.f('fk_model_codes_model_id_robot_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_model_codes_code')),
    sa.UniqueConstraint('model_id', name='uq_model_codes_model_id')
    )
    op.create_table('unit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=32), nullable=True),
    sa.Column('biz_step', sa.String(length=32), nullable=True),
    sa.Column('disposition', sa.String(length=32), nullable=True),
    sa.Column('event_time', sa.DateTime(), nullable=False),
    sa.Column('time_zone_offset', sa.String(length=6), nullable=False),
    sa.Column('record_time', sa.DateTime(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('counterparty_id', sa.Integer(), nullable=True),
    sa.Column('declares_error_of_id', sa.Integer(), nullable=True),
    sa.Column('canonical', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['counterparty_id'], ['organisations.id'], name=op.f('fk_unit_events_counterparty_id_organisations')),
    sa.ForeignKeyConstraint(['declares_error_of_id'], ['unit_events.id'], name=op.f('fk_unit_events_declares_error_of_id_unit_events')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_unit_events_reported_by_id_users')),
    sa.ForeignKeyConstraint(['reporter_id'], ['organisations.id'], name=op.f('fk_unit_events_reporter_id_organisations')),
    sa.ForeignKeyConstraint(['submission_id'], ['unit_submissions.id'], name=op.f('fk_unit_events_submission_id_unit_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_unit_events_event_id'))
    )
    with op.batch_alter_table('unit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_events_declares_error_of_id'), ['declares_error_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_events_record_time'), ['record_time'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_events_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_events_submission_id'), ['submission_id'], unique=False)

    op.create_table('unit_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('first_serial', sa.Integer(), nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.Column('labels_job_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('last_serial - first_serial + 1 = size', name=op.f('ck_unit_batches_serial_range')),
    sa.CheckConstraint('size BETWEEN 1 AND 10000', name=op.f('ck_unit_batches_size')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_unit_batches_firm_id_organisations')),
    sa.ForeignKeyConstraint(['labels_job_id'], ['jobs.id'], name=op.f('fk_unit_batches_labels_job_id_jobs')),
    sa.ForeignKeyConstraint(['model_id'], ['robot_models.id'], name=op.f('fk_unit_batches_model_id_robot_models')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_unit_batches_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_batches'))
    )
    with op.batch_alter_table('unit_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_batches_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_batches_model_id'), ['model_id'], unique=False)

    op.create_table('unit_event_locations',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['unit_events.id'], name=op.f('fk_unit_event_locations_event_id_unit_events')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_unit_event_locations'))
    )
    with op.batch_alter_table('unit_event_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_event_locations_created_at'), ['created_at'], unique=False)

    op.create_table('unit_recalls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('units_recalled', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['unit_batches.id'], name=op.f('fk_unit_recalls_batch_id_unit_batches')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_unit_recalls_firm_id_organisations')),
    sa.ForeignKeyConstraint(['model_id'], ['robot_models.id'], name=op.f('fk_unit_recalls_model_id_robot_models')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_unit_recalls_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_recalls'))
    )
    with op.batch_alter_table('unit_recalls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_recalls_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_recalls_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_recalls_model_id'), ['model_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('manufacturer_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('state_before_lost', sa.String(length=32), nullable=True),
    sa.Column('transfer_to_id', sa.Integer(), nullable=True),
    sa.Column('recall_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('code_assigned', 'manufactured', 'in_distribution', 'sold', 'in_service', 'under_maintenance', 'recalled', 'lost', 'scrapped')", name=op.f('ck_units_state')),
    sa.CheckConstraint('transfer_to_id IS NULL OR transfer_to_id <> holder_id', name=op.f('ck_units_transfer_elsewhere')),
    sa.ForeignKeyConstraint(['batch_id'], ['unit_batches.id'], name=op.f('fk_units_batch_id_unit_batches')),
    sa.ForeignKeyConstraint(['holder_id'], ['organisations.id'], name=op.f('fk_units_holder_id_organisations')),
    sa.ForeignKeyConstraint(['manufacturer_id'], ['organisations.id'], name=op.f('fk_units_manufacturer_id_organisations')),
    sa.ForeignKeyConstraint(['model_id'], ['robot_models.id'], name=op.f('fk_units_model_id_robot_models')),
    sa.ForeignKeyConstraint(['recall_id'], ['unit_recalls.id'], name=op.f('fk_units_recall_id_unit_recalls')),
    sa.ForeignKeyConstraint(['transfer_to_id'], ['organisations.id'], name=op.f('fk_units_transfer_to_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code')),
    sa.UniqueConstraint('model_id', 'serial', name='uq_units_model_serial')
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_units_holder_state', ['holder_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_manufacturer_id'), ['manufacturer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_model_id'), ['model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_recall_id'), ['recall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_transfer_to_id'), ['transfer_to_id'], unique=False)

    op.create_table('unit_event_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=False),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['unit_events.id'], name=op.f('fk_unit_event_units_event_id_unit_events')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_event_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_event_units')),
    sa.UniqueConstraint('event_id', 'unit_id', name='uq_unit_event_units_event_unit')
    )
    with op.batch_alter_table('unit_event_units', schema=None) as batch_op:
        batch_op.create_index('ix_unit_event_units_unit_event', ['unit_id', 'event_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_FUNCTION)
        for table in LEDGER:
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION unit_ledger_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION unit_ledger_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in LEDGER:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute("DROP FUNCTION IF EXISTS unit_ledger_append_only()")
    with op.batch_alter_table('unit_event_units', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_event_units_unit_event')

    op.drop_table('unit_event_units')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_transfer_to_id'))
        batch_op.drop_index(batch_op.f('ix_units_state'))
        batch_op.drop_index(batch_op.f('ix_units_recall_id'))
        batch_op.drop_index(batch_op.f('ix_units_model_id'))
        batch_op.drop_index(batch_op.f('ix_units_manufacturer_id'))
        batch_op.drop_index('ix_units_holder_state')
        batch_op.drop_index(batch_op.f('ix_units_batch_id'))

    op.drop_table('units')
    with op.batch_alter_table('unit_recalls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_recalls_model_id'))
        batch_op.drop_index(batch_op.f('ix_unit_recalls_firm_id'))
        batch_op.drop_index(batch_op.f('ix_unit_recalls_created_at'))

    op.drop_table('unit_recalls')
    with op.batch_alter_table('unit_event_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_event_locations_created_at'))

    op.drop_table('unit_event_locations')
    with op.batch_alter_table('unit_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_batches_model_id'))
        batch_op.drop_index(batch_op.f('ix_unit_batches_firm_id'))

    op.drop_table('unit_batches')
    with op.batch_alter_table('unit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_events_submission_id'))
        batch_op.drop_index(batch_op.f('ix_unit_events_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_unit_events_record_time'))
        batch_op.drop_index(batch_op.f('ix_unit_events_declares_error_of_id'))

    op.drop_table('unit_events')
    op.drop_table('model_codes')
    with op.batch_alter_table('unit_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_submissions_firm_id'))

    op.drop_table('unit_submissions')
    op.drop_table('manufacturer_prefixes')
