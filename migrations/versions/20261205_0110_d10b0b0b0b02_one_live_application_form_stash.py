"""one live application per unit and call; forms kept across a login (issue 10)

Before this revision a double click could start two drafts of one unit in one call. The
unique index needs them gone: of such drafts the one changed last stays, the others expire
with an audit row saying why. Two live applications that are both filed cannot be told apart
by a migration: the upgrade then stops and names them, for the department to withdraw one.
The downgrade drops the index and the tables; expired drafts stay expired.

Revision ID: d10b0b0b0b02
Revises: d10a0a0a0a01
Create Date: 2026-12-05

"""
from datetime import UTC, datetime
from itertools import groupby

from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'd10b0b0b0b02'
down_revision = 'd10a0a0a0a01'
branch_labels = None
depends_on = None

LIVE = "state NOT IN ('withdrawn', 'expired')"
_applications = sa.table(
    'applications', sa.column('id', sa.Integer), sa.column('call_id', sa.Integer),
    sa.column('lead_org_id', sa.Integer), sa.column('state', sa.String),
    sa.column('updated_at', workflow.core.db.UTCDateTime(timezone=True)),
    sa.column('lock_version', sa.Integer))
_audit = sa.table(
    'audit_entries', sa.column('application_id', sa.Integer), sa.column('call_id', sa.Integer),
    sa.column('role', sa.String), sa.column('action', sa.String),
    sa.column('from_state', sa.String), sa.column('to_state', sa.String),
    sa.column('comment', sa.String),
    sa.column('at', workflow.core.db.UTCDateTime(timezone=True)))


def _expire_duplicate_drafts(conn) -> None:
    rows = conn.execute(
        sa.select(_applications.c.id, _applications.c.call_id, _applications.c.lead_org_id,
                  _applications.c.state, _applications.c.updated_at)
        .where(sa.text(LIVE))
        .order_by(_applications.c.call_id, _applications.c.lead_org_id, _applications.c.id)
    ).all()
    at = datetime.now(UTC)
    for (call_id, _org), group in groupby(rows, key=lambda r: (r.call_id, r.lead_org_id)):
        group = list(group)
        if len(group) < 2:
            continue
        filed = [r for r in group if r.state != 'draft']
        if len(filed) > 1:
            raise RuntimeError(
                f"applications {', '.join(str(r.id) for r in filed)} are all live in call "
                f"{call_id} for one unit; withdraw all but one, then upgrade again")
        keep = filed[0] if filed else max(group, key=lambda r: (r.updated_at, r.id))
        for row in group:
            if row.id == keep.id:
                continue
            conn.execute(sa.update(_applications).where(_applications.c.id == row.id)
                         .values(state='expired',
                                 lock_version=_applications.c.lock_version + 1))
            conn.execute(sa.insert(_audit).values(
                application_id=row.id, call_id=call_id, role='system', action='expire',
                from_state='draft', to_state='expired', at=at,
                comment=f'a second draft of this unit in this call; application {keep.id} '
                        'stays'))


def upgrade():
    op.create_table('form_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('used_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('result_path', sa.String(length=500), server_default='', nullable=False),
    sa.Column('result_note', sa.String(length=500), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submissions')),
    sa.UniqueConstraint('nonce', name=op.f('uq_form_submissions_nonce'))
    )
    op.create_index('ix_form_submissions_used_at', 'form_submissions', ['used_at'], unique=False)
    op.create_table('kept_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_kept_forms_expires_after_creation')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_forms')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_kept_forms_token_sha256'))
    )
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_forms_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_forms_user_id'), ['user_id'], unique=False)

    _expire_duplicate_drafts(op.get_bind())
    op.create_index('uq_applications_live_per_call', 'applications', ['call_id', 'lead_org_id'],
                    unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    op.drop_index('uq_applications_live_per_call', table_name='applications',
                  sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_forms_user_id'))
        batch_op.drop_index(batch_op.f('ix_kept_forms_expires_at'))

    op.drop_table('kept_forms')
    op.drop_index('ix_form_submissions_used_at', table_name='form_submissions')
    op.drop_table('form_submissions')
