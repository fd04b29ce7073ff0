"""two-stage programs: a call's stage (cultivation, recognition or none), whether it is
rolling (decided application by application), and the prerequisite call or center state
its applicants' units must have; decision documents of the kind "recognition". Existing
calls keep today's behaviour: no stage, not rolling, no prerequisite.

Revision ID: e14c00000001
Revises: e14a00000001
Create Date: 2026-12-06 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14c00000001'
down_revision = 'e14a00000001'
branch_labels = None
depends_on = None

KINDS = "'acceptance_result', 'evaluation_result', 'revocation'"


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rolling', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('prerequisite_call_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prerequisite_state', sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_calls_prerequisite_call_id_calls'), 'calls', ['prerequisite_call_id'], ['id'])
        batch_op.create_check_constraint(
            'stage_known', "stage IN ('', 'cultivation', 'recognition')")
        batch_op.create_check_constraint(
            'prerequisite_not_self', 'prerequisite_call_id IS NULL OR prerequisite_call_id != id')
    with op.batch_alter_table('decision_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_decision_documents_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', f"kind IN ({KINDS}, 'recognition')")


def downgrade():
    op.execute("DELETE FROM decision_applications WHERE decision_id IN "
               "(SELECT id FROM decision_documents WHERE kind = 'recognition')")
    op.execute("DELETE FROM decision_documents WHERE kind = 'recognition'")
    with op.batch_alter_table('decision_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_decision_documents_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', f"kind IN ({KINDS})")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_calls_prerequisite_not_self'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_calls_stage_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_calls_prerequisite_call_id_calls'), type_='foreignkey')
        batch_op.drop_column('prerequisite_state')
        batch_op.drop_column('prerequisite_call_id')
        batch_op.drop_column('rolling')
        batch_op.drop_column('stage')
