"""multilevel recommendation: a call's chain of recommendation (city only, county then city,
or provincial departments) with the county level's own quota and deadline; the county of
each application; the county bureaus' pass-ups with their ranks; the supervising department
a unit names. Existing calls keep the city-only chain; existing applications take their
lead unit's region as their county where it is a county code of their city, else their city.

Revision ID: e14d00000001
Revises: e14b00000001
Create Date: 2026-12-06 19:36:42.722961

"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


# revision identifiers, used by Alembic.
revision = 'e14d00000001'
down_revision = 'e14b00000001'
branch_labels = None
depends_on = None

# The lead unit's region where it is a county (XXYYZZ, ZZ != 00) of the application's city.
BACKFILL = """
UPDATE applications SET county_code = COALESCE((
    SELECT o.region_code FROM organizations o
    WHERE o.id = applications.lead_org_id AND o.region_code NOT LIKE '%00'
      AND substr(o.region_code, 1, 4) = substr(applications.region_code, 1, 4)
), region_code)
"""


def upgrade():
    op.create_table('county_passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('county_org_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.String(length=2000), nullable=False),
    sa.Column('passed_by_id', sa.Integer(), nullable=False),
    sa.Column('passed_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_county_passes_rank_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_county_passes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_county_passes_call_id_calls')),
    sa.ForeignKeyConstraint(['county_org_id'], ['organizations.id'], name=op.f('fk_county_passes_county_org_id_organizations')),
    sa.ForeignKeyConstraint(['passed_by_id'], ['users.id'], name=op.f('fk_county_passes_passed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_passes')),
    sa.UniqueConstraint('application_id', name=op.f('uq_county_passes_application_id')),
    sa.UniqueConstraint('call_id', 'county_org_id', 'rank', name=op.f('uq_county_passes_call_id_county_org_id_rank'))
    )
    with op.batch_alter_table('county_passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_passes_county_org_id'), ['county_org_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=6), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('county_code', existing_type=sa.String(length=6), nullable=False)
        batch_op.create_index(batch_op.f('ix_applications_county_code'), ['county_code'], unique=False)

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_chain', sa.String(length=20), server_default='city', nullable=False))
        batch_op.add_column(sa.Column('county_quota', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('county_deadline', workflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            'recommendation_chain_known',
            "recommendation_chain IN ('city', 'county,city', 'department')")
        batch_op.create_check_constraint('county_quota_positive', 'county_quota > 0')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervising_org_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organizations_supervising_org_id'), ['supervising_org_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organizations_supervising_org_id_organizations'), 'organizations', ['supervising_org_id'], ['id'])


def downgrade():
    # An application passed up by its county goes back to the county, as the city's return
    # would take it: the city-only lifecycle has no state between submitted and the city.
    op.execute("UPDATE applications SET state = 'submitted' WHERE state = 'county_passed'")
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organizations_supervising_org_id_organizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organizations_supervising_org_id'))
        batch_op.drop_column('supervising_org_id')

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_calls_county_quota_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_calls_recommendation_chain_known'), type_='check')
        batch_op.drop_column('county_deadline')
        batch_op.drop_column('county_quota')
        batch_op.drop_column('recommendation_chain')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_county_code'))
        batch_op.drop_column('county_code')

    with op.batch_alter_table('county_passes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_passes_county_org_id'))

    op.drop_table('county_passes')
