"""notification links and mail digests, reminders (issue 10, hand-offs)

Revision ID: d10a0a0a0a01
Revises: 65f0cd65b7aa
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'd10a0a0a0a01'
down_revision = '65f0cd65b7aa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_delivery', sa.String(length=10),
                                      server_default='immediate', nullable=False))
        batch_op.add_column(sa.Column('last_digest_at',
                                      workflow.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_users_mail_delivery_known'), "mail_delivery IN ('immediate', 'daily')")

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('held_for_digest', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('digested_at',
                                      workflow.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_notifications_digest', ['held_for_digest', 'digested_at'],
                              unique=False)
    # Notifications of before named their application only: that is where they lead.
    op.execute("UPDATE notifications SET link = '/applications/' || CAST(application_id AS "
               "VARCHAR(20)) WHERE application_id IS NOT NULL")

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_deadline',
                                      workflow.core.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('review_deadline')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest')
        batch_op.drop_column('digested_at')
        batch_op.drop_column('held_for_digest')
        batch_op.drop_column('link')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_mail_delivery_known'), type_='check')
        batch_op.drop_column('last_digest_at')
        batch_op.drop_column('mail_delivery')
