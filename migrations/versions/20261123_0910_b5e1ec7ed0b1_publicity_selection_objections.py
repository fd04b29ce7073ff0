"""publicity, selection and objections (issue 5: selection, 公示, objections)

Revision ID: b5e1ec7ed0b1
Revises: a1c0b1ca11e5
Create Date: 2026-11-23 09:10:00

"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'b5e1ec7ed0b1'
down_revision = 'a1c0b1ca11e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publicities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('workdays', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('published_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('document_name', sa.String(length=80), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('document_size', sa.Integer(), nullable=False),
    sa.Column('ended_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_publicities_period_order')),
    sa.CheckConstraint('workdays BETWEEN 1 AND 30', name=op.f('ck_publicities_workdays_range')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_publicities_call_id_calls')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_publicities_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicities')),
    sa.UniqueConstraint('call_id', name=op.f('uq_publicities_call_id')),
    sa.UniqueConstraint('document_name', name=op.f('uq_publicities_document_name'))
    )
    op.create_table('publicity_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publicity_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('center_name', sa.String(length=200), nullable=False),
    sa.Column('lead_unit', sa.String(length=200), nullable=False),
    sa.Column('cobuilders', sa.String(length=2000), nullable=False),
    sa.Column('city', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_publicity_entries_application_id_applications')),
    sa.ForeignKeyConstraint(['publicity_id'], ['publicities.id'], name=op.f('fk_publicity_entries_publicity_id_publicities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_entries')),
    sa.UniqueConstraint('application_id', name=op.f('uq_publicity_entries_application_id')),
    sa.UniqueConstraint('publicity_id', 'position', name=op.f('uq_publicity_entries_publicity_id_position'))
    )
    with op.batch_alter_table('publicity_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publicity_entries_publicity_id'), ['publicity_id'], unique=False)

    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publicity_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=24), nullable=False),
    sa.Column('filer_kind', sa.String(length=12), nullable=False),
    sa.Column('person_name', sa.String(length=50), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('contact_person', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('content', sa.String(length=5000), nullable=False),
    sa.Column('letter_name', sa.String(length=80), nullable=True),
    sa.Column('letter_original', sa.String(length=255), nullable=False),
    sa.Column('letter_sha256', sa.String(length=64), nullable=False),
    sa.Column('received_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('admissible', sa.Boolean(), nullable=True),
    sa.Column('handling_notes', sa.String(length=4000), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_comment', sa.String(length=4000), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("filer_kind != 'organization' OR (organization_name != '' AND contact_person != '' AND phone != '' AND letter_name IS NOT NULL)", name=op.f('ck_objections_organization_sealed')),
    sa.CheckConstraint("filer_kind != 'person' OR (person_name != '' AND (phone != '' OR email != ''))", name=op.f('ck_objections_person_named')),
    sa.CheckConstraint("filer_kind IN ('person', 'organization')", name=op.f('ck_objections_filer_kind_known')),
    sa.CheckConstraint("status != 'not_admissible' OR handled_by_id IS NOT NULL", name=op.f('ck_objections_closed_by_officer')),
    sa.CheckConstraint("status IN ('open', 'not_admissible', 'dismissed', 'upheld')", name=op.f('ck_objections_status_known')),
    sa.CheckConstraint("status NOT IN ('dismissed', 'upheld') OR decided_by_id IS NOT NULL", name=op.f('ck_objections_decided_by_leader')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_objections_decided_by_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['publicity_entries.id'], name=op.f('fk_objections_entry_id_publicity_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_objections_handled_by_id_users')),
    sa.ForeignKeyConstraint(['publicity_id'], ['publicities.id'], name=op.f('fk_objections_publicity_id_publicities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections')),
    sa.UniqueConstraint('letter_name', name=op.f('uq_objections_letter_name')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_objections_receipt_no'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objections_publicity_id'), ['publicity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_publicity_id'))
        batch_op.drop_index(batch_op.f('ix_objections_entry_id'))

    op.drop_table('objections')
    with op.batch_alter_table('publicity_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publicity_entries_publicity_id'))

    op.drop_table('publicity_entries')
    op.drop_table('publicities')
