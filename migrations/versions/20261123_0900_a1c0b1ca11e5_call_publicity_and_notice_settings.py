"""calls gain publicity and notice settings

Revision ID: a1c0b1ca11e5
Revises: 81c5ad7acd61
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c0b1ca11e5'
down_revision = '81c5ad7acd61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publicity_workdays', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('publicity_settings', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column('notice_settings', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.create_check_constraint(op.f('ck_calls_publicity_workdays_range'),
                                         'publicity_workdays BETWEEN 1 AND 30')


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_calls_publicity_workdays_range'), type_='check')
        batch_op.drop_column('notice_settings')
        batch_op.drop_column('publicity_settings')
        batch_op.drop_column('publicity_workdays')
