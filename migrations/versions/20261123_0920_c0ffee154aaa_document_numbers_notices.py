"""document numbers, notices, letters and issue batches (issue 5)

Revision ID: c0ffee154aaa
Revises: b5e1ec7ed0b1
Create Date: 2026-11-23 09:20:00

"""
from alembic import op
import sqlalchemy as sa

import workflow.models.base


revision = 'c0ffee154aaa'
down_revision = 'b5e1ec7ed0b1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
