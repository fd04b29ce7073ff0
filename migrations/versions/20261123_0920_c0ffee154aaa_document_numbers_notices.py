"""document numbers, notices, letters and issue batches (issue 5)

Revision ID: c0ffee154aaa
Revises: b5e1ec7ed0b1
Create Date: 2026-11-23 09:20:00

"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'c0ffee154aaa'
down_revision = 'b5e1ec7ed0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('allocated_by_id', sa.Integer(), nullable=False),
    sa.Column('allocated_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('void_reason', sa.String(length=1000), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status != 'voided' OR (voided_at IS NOT NULL AND voided_by_id IS NOT NULL AND void_reason IS NOT NULL)", name=op.f('ck_document_numbers_voided_has_reason')),
    sa.CheckConstraint("status IN ('issued', 'voided')", name=op.f('ck_document_numbers_status_known')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_document_numbers_sequence_positive')),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['users.id'], name=op.f('fk_document_numbers_allocated_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_document_numbers_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_numbers')),
    sa.UniqueConstraint('office', 'year', 'sequence', name=op.f('uq_document_numbers_office_year_sequence'))
    )
    op.create_table('number_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('first_number', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_number >= 1', name=op.f('ck_number_series_first_positive')),
    sa.CheckConstraint('next_number >= first_number', name=op.f('ck_number_series_next_not_before_first')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_number_series_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_number_series')),
    sa.UniqueConstraint('office', 'year', name=op.f('uq_number_series_office_year'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('number_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state != 'issued' OR completed_at IS NOT NULL", name=op.f('ck_notices_issued_has_completion')),
    sa.CheckConstraint("state = 'signed' OR (number_id IS NOT NULL AND issued_on IS NOT NULL AND issued_by_id IS NOT NULL AND issued_at IS NOT NULL)", name=op.f('ck_notices_issued_has_number')),
    sa.CheckConstraint("state IN ('signed', 'issuing', 'issued')", name=op.f('ck_notices_state_known')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_notices_call_id_calls')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_notices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['number_id'], ['document_numbers.id'], name=op.f('fk_notices_number_id_document_numbers')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_notices_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('call_id', name=op.f('uq_notices_call_id')),
    sa.UniqueConstraint('number_id', name=op.f('uq_notices_number_id'))
    )
    op.create_table('official_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('stored_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("(kind = 'notice' AND application_id IS NULL AND position = 0) OR (kind = 'letter' AND application_id IS NOT NULL AND position > 0)", name=op.f('ck_official_documents_kind_matches')),
    sa.CheckConstraint('revoked_at IS NULL OR (stored_at IS NOT NULL AND revoked_by_id IS NOT NULL AND revoke_reason IS NOT NULL)', name=op.f('ck_official_documents_revoked_has_reason')),
    sa.CheckConstraint('stored_at IS NULL OR (stored_name IS NOT NULL AND sha256 IS NOT NULL AND size_bytes > 0)', name=op.f('ck_official_documents_stored_has_file')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_official_documents_application_id_applications')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_official_documents_notice_id_notices')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_official_documents_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_documents')),
    sa.UniqueConstraint('application_id', name=op.f('uq_official_documents_application_id')),
    sa.UniqueConstraint('notice_id', 'position', name=op.f('uq_official_documents_notice_id_position')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_official_documents_verification_code'))
    )
    with op.batch_alter_table('official_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_documents_notice_id'), ['notice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('official_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_documents_notice_id'))

    op.drop_table('official_documents')
    op.drop_table('notices')
    op.drop_table('number_series')
    op.drop_table('document_numbers')
