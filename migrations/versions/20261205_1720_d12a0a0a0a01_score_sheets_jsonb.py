"""score sheets keep their points as jsonb on PostgreSQL (issue 12)

Revision ID: d12a0a0a0a01
Revises: d10d0d0d0d04
Create Date: 2026-12-05

The ranking averages each dimension's points over thousands of sheets in the database
(review/operations/results._dimension_means). PostgreSQL parses a `json` value again at
every `->>`; `jsonb` is stored parsed: 113 ms against 40 ms for the 7,890 sheets of a call
of 10,000 applications. SQLite keeps its JSON text (nothing to do there).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'd12a0a0a0a01'
down_revision = 'd10d0d0d0d04'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('score_sheets', 'scores', type_=postgresql.JSONB(),
                        existing_type=sa.JSON(), postgresql_using='scores::jsonb')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('score_sheets', 'scores', type_=sa.JSON(),
                        existing_type=postgresql.JSONB(), postgresql_using='scores::json')
