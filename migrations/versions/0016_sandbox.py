"""Sandbox tests (issue 12): the test plan, allowed areas, conditions and their history,
change requests, reports; prohibited zones; the position ledger, its seals and breach episodes.

Downgrade drops these tables (the sandbox cases themselves stay, as case history).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sandbox_position_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_position_seals'))
    )
    op.create_table('prohibited_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=False),
    sa.Column('valid_to', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_prohibited_zones_period')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_prohibited_zones_created_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['organisations.id'], name=op.f('fk_prohibited_zones_department_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prohibited_zones'))
    )
    op.create_table('sandbox_breach_episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_lon', sa.Float(), nullable=False),
    sa.Column('first_lat', sa.Float(), nullable=False),
    sa.CheckConstraint("kind IN ('outside_area', 'prohibited_zone', 'unit_not_in_test', 'outside_period')", name=op.f('ck_sandbox_breach_episodes_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sandbox_breach_episodes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_breach_episodes'))
    )
    with op.batch_alter_table('sandbox_breach_episodes', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_breach_episodes_open', ['case_id', 'unit', 'closed_at'], unique=False)

    op.create_table('sandbox_positions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('time', sa.DateTime(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('breach', sa.String(length=24), nullable=True),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('seal_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sandbox_positions_case_id_cases')),
    sa.ForeignKeyConstraint(['episode_id'], ['sandbox_breach_episodes.id'], name=op.f('fk_sandbox_positions_episode_id_sandbox_breach_episodes')),
    sa.ForeignKeyConstraint(['seal_id'], ['sandbox_position_seals.id'], name=op.f('fk_sandbox_positions_seal_id_sandbox_position_seals')),
    sa.ForeignKeyConstraint(['zone_id'], ['prohibited_zones.id'], name=op.f('fk_sandbox_positions_zone_id_prohibited_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_positions'))
    )
    with op.batch_alter_table('sandbox_positions', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_positions_case_time', ['case_id', 'time'], unique=False)
        batch_op.create_index('ix_sandbox_positions_seal_id', ['seal_id', 'id'], unique=False)

    op.create_table('sandbox_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.Column('model_name', sa.String(length=200), nullable=False),
    sa.Column('intelligence_level', sa.Integer(), nullable=True),
    sa.Column('scenarios', sa.Text(), nullable=False),
    sa.Column('sites', sa.Text(), nullable=False),
    sa.Column('units_requested', sa.Integer(), nullable=True),
    sa.Column('unit_codes', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('supervision_ratio', sa.String(length=120), nullable=False),
    sa.Column('emergency_stop', sa.Boolean(), nullable=False),
    sa.Column('remote_takeover', sa.Boolean(), nullable=False),
    sa.Column('insurance_document_id', sa.Integer(), nullable=True),
    sa.Column('data_protection_plan', sa.Text(), nullable=False),
    sa.Column('ethics_assessment', sa.Text(), nullable=False),
    sa.Column('reporting_cadence_days', sa.Integer(), nullable=True),
    sa.Column('referral_case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('period_end IS NULL OR period_start IS NULL OR period_end >= period_start', name=op.f('ck_sandbox_tests_period')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sandbox_tests_case_id_cases')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_sandbox_tests_firm_id_organisations')),
    sa.ForeignKeyConstraint(['insurance_document_id'], ['documents.id'], name=op.f('fk_sandbox_tests_insurance_document_id_documents')),
    sa.ForeignKeyConstraint(['model_id'], ['robot_models.id'], name=op.f('fk_sandbox_tests_model_id_robot_models')),
    sa.ForeignKeyConstraint(['referral_case_id'], ['cases.id'], name=op.f('fk_sandbox_tests_referral_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_tests')),
    sa.UniqueConstraint('case_id', name=op.f('uq_sandbox_tests_case_id'))
    )
    with op.batch_alter_table('sandbox_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_tests_firm_id'), ['firm_id'], unique=False)

    op.create_table('sandbox_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['test_id'], ['sandbox_tests.id'], name=op.f('fk_sandbox_areas_test_id_sandbox_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_areas'))
    )
    with op.batch_alter_table('sandbox_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_areas_test_id'), ['test_id'], unique=False)

    op.create_table('sandbox_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('new_end', sa.Date(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'granted', 'refused')", name=op.f('ck_sandbox_change_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_sandbox_change_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_sandbox_change_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['test_id'], ['sandbox_tests.id'], name=op.f('fk_sandbox_change_requests_test_id_sandbox_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_change_requests'))
    )
    with op.batch_alter_table('sandbox_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_change_requests_test_id'), ['test_id'], unique=False)

    op.create_table('sandbox_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('unit_codes', sa.JSON(), nullable=False),
    sa.Column('area_ids', sa.JSON(), nullable=False),
    sa.Column('safeguards', sa.Text(), nullable=False),
    sa.Column('reporting_cadence_days', sa.Integer(), nullable=False),
    sa.Column('incident_report_hours', sa.Integer(), nullable=False),
    sa.Column('pause_condition', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_sandbox_conditions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['test_id'], ['sandbox_tests.id'], name=op.f('fk_sandbox_conditions_test_id_sandbox_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_conditions'))
    )
    with op.batch_alter_table('sandbox_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_conditions_test_id'), ['test_id'], unique=False)
        batch_op.create_index('uq_sandbox_conditions_version', ['test_id', 'version'], unique=True)

    op.create_table('sandbox_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_sandbox_reports_document_id_documents')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_sandbox_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['test_id'], ['sandbox_tests.id'], name=op.f('fk_sandbox_reports_test_id_sandbox_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_reports'))
    )
    with op.batch_alter_table('sandbox_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_reports_test_id'), ['test_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sandbox_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_reports_test_id'))

    op.drop_table('sandbox_reports')
    with op.batch_alter_table('sandbox_conditions', schema=None) as batch_op:
        batch_op.drop_index('uq_sandbox_conditions_version')
        batch_op.drop_index(batch_op.f('ix_sandbox_conditions_test_id'))

    op.drop_table('sandbox_conditions')
    with op.batch_alter_table('sandbox_change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_change_requests_test_id'))

    op.drop_table('sandbox_change_requests')
    with op.batch_alter_table('sandbox_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_areas_test_id'))

    op.drop_table('sandbox_areas')
    with op.batch_alter_table('sandbox_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_tests_firm_id'))

    op.drop_table('sandbox_tests')
    with op.batch_alter_table('sandbox_positions', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_positions_seal_id')
        batch_op.drop_index('ix_sandbox_positions_case_time')

    op.drop_table('sandbox_positions')
    with op.batch_alter_table('sandbox_breach_episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_breach_episodes_open')

    op.drop_table('sandbox_breach_episodes')
    op.drop_table('prohibited_zones')
    op.drop_table('sandbox_position_seals')
