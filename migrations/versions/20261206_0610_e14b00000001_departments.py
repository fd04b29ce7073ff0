"""departments: several departments in one installation, each with its officers, leaders,
calls, office code and agency name; the installation's department (山东省科学技术厅, 鲁科字)
is created here and every existing call, officer and leader is assigned to it

Revision ID: e14b00000001
Revises: e14c00000001
Create Date: 2026-12-06 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14b00000001'
down_revision = 'e14c00000001'
branch_labels = None
depends_on = None

# The installation's department as it stood before departments existed: the notices' agency
# (PlatformType.issuing_department) and office code (NoticeSettings.office_code).
DEFAULT = {'name': '山东省科学技术厅', 'short_name': '省科技厅', 'office_code': '鲁科字',
           'agency_name': '山东省科学技术厅', 'level': 'province', 'region_code': '370000',
           'active': True, 'runs_installation': True}


def upgrade():
    departments = op.create_table(
        'departments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('short_name', sa.String(length=30), nullable=False),
        sa.Column('office_code', sa.String(length=12), nullable=False),
        sa.Column('agency_name', sa.String(length=50), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('runs_installation', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("level IN ('province', 'city')",
                           name=op.f('ck_departments_level_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
        sa.UniqueConstraint('name', name=op.f('uq_departments_name')),
        sa.UniqueConstraint('office_code', name=op.f('uq_departments_office_code')),
    )
    op.bulk_insert(departments, [DEFAULT])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_department_id_departments'),
                                    'departments', ['department_id'], ['id'])
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))

    conn = op.get_bind()
    home = conn.execute(sa.text("SELECT id FROM departments WHERE office_code = :code"),
                        {'code': DEFAULT['office_code']}).scalar_one()
    conn.execute(sa.text("UPDATE calls SET department_id = :home"), {'home': home})
    conn.execute(sa.text(
        "UPDATE users SET department_id = :home WHERE id IN (SELECT user_id FROM user_roles "
        "WHERE role IN ('officer', 'leader'))"), {'home': home})

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('department_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_calls_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_calls_department_id_departments'),
                                    'departments', ['department_id'], ['id'])


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calls_department_id_departments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_calls_department_id'))
        batch_op.drop_column('department_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_department_id_departments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_department_id'))
        batch_op.drop_column('department_id')
    op.drop_table('departments')
