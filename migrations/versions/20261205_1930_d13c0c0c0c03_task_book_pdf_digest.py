"""task book: the SHA-256 of the signed PDF, beside the digest of the frozen content, so the
stored file is read back only while it is unchanged (core/storage.read_verified)

Revision ID: d13c0c0c0c03
Revises: d13e0e0e0e05
Create Date: 2026-12-05 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd13c0c0c0c03'
down_revision = 'd13e0e0e0e05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task_books', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('task_books', schema=None) as batch_op:
        batch_op.drop_column('pdf_sha256')
