"""indexes for the desks (issue 10)

Revision ID: d10d0d0d0d04
Revises: d10c0c0c0c03
Create Date: 2026-12-05

The desks count applications by state over every call and by state in a recommender's
city, find the co-builder rows naming a unit, and count the mails not sent.
"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'd10d0d0d0d04'
down_revision = 'd10c0c0c0c03'
branch_labels = None
depends_on = None

UNSENT = sa.text("sent_at IS NULL")


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_state_call', ['state', 'call_id'], unique=False)
        batch_op.create_index('ix_applications_region_state', ['region_code', 'state'],
                              unique=False)
    with op.batch_alter_table('cobuilders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cobuilders_organization_id'), ['organization_id'],
                              unique=False)
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_mails_unsent', ['given_up_at'], unique=False,
                              sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade():
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_mails_unsent', sqlite_where=UNSENT,
                            postgresql_where=UNSENT)
    with op.batch_alter_table('cobuilders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cobuilders_organization_id'))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_region_state')
        batch_op.drop_index('ix_applications_state_call')
