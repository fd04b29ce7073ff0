"""accounts, sessions, verified organizations (issue 9)

Organizations registered before this revision count as verified; several registrations may
now claim one credit code, of which one can be verified.

Revision ID: 65f0cd65b7aa
Revises: c0ffee154aaa
Create Date: 2026-12-04 16:47:38.516969

"""
from alembic import op
import sqlalchemy as sa

import workflow.core.db


# revision identifiers, used by Alembic.
revision = '65f0cd65b7aa'
down_revision = 'c0ffee154aaa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('email', name=op.f('uq_login_throttles_email'))
    )
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('activate', 'reset')", name=op.f('ck_account_tokens_purpose_known')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_account_tokens_expires_after_creation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_account_tokens_token_sha256'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_licences_size_positive')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_licences_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_licences_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licences')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_licences_stored_name'))
    )
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licences_organization_id'), ['organization_id'], unique=False)

    op.create_table('login_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_events'))
    )
    with op.batch_alter_table('login_events', schema=None) as batch_op:
        batch_op.create_index('ix_login_events_user_at', ['user_id', 'at'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_sha256', name=op.f('uq_recovery_codes_user_id_code_sha256'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_user_sessions_token_sha256'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_user_ended', ['user_id', 'ended_at'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_subject_user_id'), ['subject_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_organization_id_organizations'), 'organizations', ['organization_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_subject_user_id_users'), 'users', ['subject_user_id'], ['id'])

    with op.batch_alter_table('cobuilders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False,
                                      server_default='verified'))
        batch_op.add_column(sa.Column('status_reason', sa.String(length=1000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_organizations_credit_code'), type_='unique')
        batch_op.create_index(batch_op.f('ix_organizations_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_status'), ['status'], unique=False)
        batch_op.create_index('uq_organizations_verified_credit_code', ['credit_code'], unique=True, sqlite_where=sa.text("status = 'verified'"), postgresql_where=sa.text("status = 'verified'"))
        batch_op.create_check_constraint(
            op.f('ck_organizations_status_known'),
            "status IN ('unverified', 'verified', 'rejected')")
        batch_op.create_check_constraint(
            op.f('ck_organizations_rejected_has_reason'),
            "status != 'rejected' OR status_reason != ''")
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=12),
                              existing_nullable=False, server_default=None)

    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('given_up_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('invited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_users_invited_by_id_users'), 'users', ['invited_by_id'], ['id'])



def downgrade():
    bind = op.get_bind()
    shared = bind.execute(sa.text(
        "SELECT credit_code FROM organizations GROUP BY credit_code HAVING count(*) > 1"
    )).scalars().all()
    if shared:
        raise RuntimeError(
            "Cannot downgrade: several organizations claim the credit codes "
            + ", ".join(shared) + "; the earlier schema allows one per code. Settle the "
            "disputed registrations first.")
    # Invited users without a password get one that matches nothing.
    bind.execute(sa.text("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_invited_by_id_users'), type_='foreignkey')
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=False)
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('invited_by_id')
        batch_op.drop_column('password_changed_at')

    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_column('given_up_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_organizations_rejected_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_organizations_status_known'), type_='check')
        batch_op.drop_index('uq_organizations_verified_credit_code', sqlite_where=sa.text("status = 'verified'"), postgresql_where=sa.text("status = 'verified'"))
        batch_op.drop_index(batch_op.f('ix_organizations_status'))
        batch_op.drop_index(batch_op.f('ix_organizations_credit_code'))
        batch_op.create_unique_constraint(batch_op.f('uq_organizations_credit_code'), ['credit_code'])
        batch_op.drop_column('decided_at')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('status')

    with op.batch_alter_table('cobuilders', schema=None) as batch_op:
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_subject_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_organization_id_organizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_entries_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_organization_id'))
        batch_op.drop_column('organization_id')
        batch_op.drop_column('subject_user_id')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user_ended')

    op.drop_table('user_sessions')
    op.drop_table('recovery_codes')
    with op.batch_alter_table('login_events', schema=None) as batch_op:
        batch_op.drop_index('ix_login_events_user_at')

    op.drop_table('login_events')
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licences_organization_id'))

    op.drop_table('licences')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))

    op.drop_table('account_tokens')
    op.drop_table('login_throttles')
