"""publicity, selection and objections (issue 5: selection, 公示, objections)

Revision ID: b5e1ec7ed0b1
Revises: a1c0b1ca11e5
Create Date: 2026-11-23 09:10:00

"""
from alembic import op
import sqlalchemy as sa

import workflow.models.base


revision = 'b5e1ec7ed0b1'
down_revision = 'a1c0b1ca11e5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
