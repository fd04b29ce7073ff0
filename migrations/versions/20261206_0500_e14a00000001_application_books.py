"""application books: each submitted version's verification code and the SHA-256 of its
snapshot, and the PDF of its application book (申报书) once stored; existing versions get
their code and hash here

Revision ID: e14a00000001
Revises: d13e1e1e1e09
Create Date: 2026-12-06 05:00:22.229512

"""
import base64
import hashlib
import json
import secrets

from alembic import op
import sqlalchemy as sa

import workflow.core.db


# revision identifiers, used by Alembic.
revision = 'e14a00000001'
down_revision = 'd13e1e1e1e09'
branch_labels = None
depends_on = None

versions = sa.table(
    'application_versions',
    sa.column('id', sa.Integer()),
    sa.column('snapshot', sa.JSON()),
    sa.column('verification_code', sa.String(16)),
    sa.column('snapshot_sha256', sa.String(64)),
)


def snapshot_sha256(snapshot) -> str:
    """As workflow/intake/operations/books.snapshot_sha256 computes it, written out here so
    that this revision keeps giving the same hashes whatever the app's code becomes."""
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def new_code(taken: set) -> str:
    """16 characters of base32 (80 random bits), as workflow/core/verification_codes."""
    while True:
        code = base64.b32encode(secrets.token_bytes(10)).decode()
        if code not in taken:
            taken.add(code)
            return code


def upgrade():
    with op.batch_alter_table('application_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('snapshot_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdf_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdf_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pdf_stored_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))

    connection = op.get_bind()
    taken = set()
    rows = connection.execute(sa.select(versions.c.id, versions.c.snapshot)
                              .order_by(versions.c.id)).all()
    for row in rows:
        connection.execute(versions.update().where(versions.c.id == row.id).values(
            verification_code=new_code(taken), snapshot_sha256=snapshot_sha256(row.snapshot)))

    with op.batch_alter_table('application_versions', schema=None) as batch_op:
        batch_op.alter_column('verification_code', existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column('snapshot_sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_application_versions_pdf_name'), ['pdf_name'])
        batch_op.create_unique_constraint(batch_op.f('uq_application_versions_verification_code'), ['verification_code'])
        batch_op.create_check_constraint(
            op.f('ck_application_versions_stored_book_has_file'),
            'pdf_stored_at IS NULL OR (pdf_name IS NOT NULL AND pdf_sha256 IS NOT NULL '
            'AND pdf_size > 0)')


def downgrade():
    with op.batch_alter_table('application_versions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_application_versions_stored_book_has_file'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_application_versions_verification_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_application_versions_pdf_name'), type_='unique')
        batch_op.drop_column('pdf_stored_at')
        batch_op.drop_column('pdf_size')
        batch_op.drop_column('pdf_sha256')
        batch_op.drop_column('pdf_name')
        batch_op.drop_column('snapshot_sha256')
        batch_op.drop_column('verification_code')
