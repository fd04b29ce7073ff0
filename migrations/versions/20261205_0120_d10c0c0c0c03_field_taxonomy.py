"""one vocabulary of technical fields for calls and experts (issue 10)

The vocabulary starts with the ten priority industries and their fields
(workflow/vocabulary/taxonomy.py). Every technical field a call or an expert already names
becomes a term: the term of that name, else a new one with the `unsorted` mark (under the
call field's industry when it named one), so nothing typed before is lost.

Revision ID: d10c0c0c0c03
Revises: d10b0b0b0b02
Create Date: 2026-12-05

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import workflow.core.db


# The vocabulary as it was when this revision was written (workflow/vocabulary/taxonomy.py may
# change later; a migration must not).
DEFAULT_TAXONOMY = {
    '新一代信息技术': (
        '集成电路设计', '集成电路制造与封测', '半导体激光', '新型显示', '工业软件', '基础软件与信创', '人工智能', '大数据与云计算', '5G与通信',
        '工业互联网', '物联网与传感器', '网络安全', '虚拟现实', '量子信息', '区块链',
    ),
    '高端装备': (
        '数控机床', '工业机器人', '高端轴承', '焊接装备', '智能制造装备', '工程机械', '智能农机装备', '轨道交通装备', '油气钻采装备',
        '智能电网装备', '新能源汽车关键零部件', '智能网联汽车', '航空航天装备', '空天信息', '高端仪器仪表',
    ),
    '新能源新材料': (
        '氢能', '新型储能', '锂电池材料', '太阳能光热利用', '光伏', '风电装备', '核电装备与材料', '高性能碳纤维', '先进陶瓷', '先进钢铁材料',
        '轻量化铝合金材料', '高分子材料', '稀土功能材料', '石墨烯与前沿新材料',
    ),
    '现代海洋': (
        '海洋药物', '海洋生物资源', '海洋牧场装备', '海洋工程装备', '船舶制造', '海水淡化', '海洋观测与探测', '海洋新能源',
    ),
    '医养健康': (
        '生物医药', '化学药', '中医药', '疫苗与抗体', '合成生物', '高端医疗器械', '体外诊断与精准医疗', '康复与养老装备', '智慧健康',
    ),
    '绿色化工': (
        '高端化工新材料', '精细化工', '绿色石化', '绿色农药', '生物基化学品', '化工节能减排',
    ),
    '现代高效农业': (
        '种业创新', '智慧农业', '设施农业', '盐碱地综合利用', '畜牧兽医', '食品精深加工', '农产品质量安全',
    ),
    '文化创意': (
        '数字创意', '动漫游戏', '影视制作', '创意设计', '数字出版',
    ),
    '精品旅游': (
        '智慧文旅', '康养旅游', '海洋旅游', '旅游装备',
    ),
    '现代金融': (
        '金融科技', '科技金融', '绿色金融', '普惠金融', '供应链金融',
    ),
}

revision = 'd10c0c0c0c03'
down_revision = 'd10b0b0b0b02'
branch_labels = None
depends_on = None

terms = sa.table(
    'field_terms', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
    sa.column('parent_id', sa.Integer()), sa.column('position', sa.Integer()),
    sa.column('unsorted', sa.Boolean()),
    sa.column('created_at', workflow.core.db.UTCDateTime()))


def upgrade():
    op.create_table('field_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('unsorted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('retired_at', workflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('merged_into_id IS NULL OR retired_at IS NOT NULL', name=op.f('ck_field_terms_merged_is_retired')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id != id', name=op.f('ck_field_terms_not_own_parent')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['field_terms.id'], name=op.f('fk_field_terms_merged_into_id_field_terms')),
    sa.ForeignKeyConstraint(['parent_id'], ['field_terms.id'], name=op.f('fk_field_terms_parent_id_field_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_terms')),
    sa.UniqueConstraint('name', name=op.f('uq_field_terms_name'))
    )
    with op.batch_alter_table('field_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_terms_parent_id'), ['parent_id'], unique=False)

    conn = op.get_bind()
    _seed(conn)
    _terms_for_free_text(conn)
    for table, owner in (('call_fields', 'call_id'), ('expert_fields', 'expert_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('term_id', sa.Integer(), nullable=True))
        conn.execute(sa.text(
            f"UPDATE {table} SET term_id = "
            f"(SELECT id FROM field_terms WHERE field_terms.name = {table}.name)"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('term_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_constraint(f'uq_{table}_{owner}_name', type_='unique')
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_{owner}_term_id'),
                                              [owner, 'term_id'])
            batch_op.create_index(batch_op.f(f'ix_{table}_term_id'), ['term_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_term_id_field_terms'),
                                        'field_terms', ['term_id'], ['id'])
            batch_op.drop_column('name')
            if table == 'call_fields':
                batch_op.drop_column('industry')


def _seed(conn) -> None:
    """The ten priority industries, then the fields under each."""
    at = datetime.now(UTC)
    conn.execute(terms.insert(), [
        {'name': industry, 'parent_id': None, 'position': n, 'unsorted': False,
         'created_at': at} for n, industry in enumerate(DEFAULT_TAXONOMY)])
    ids = dict(conn.execute(sa.select(terms.c.name, terms.c.id)).all())
    conn.execute(terms.insert(), [
        {'name': name, 'parent_id': ids[industry], 'position': n, 'unsorted': False,
         'created_at': at}
        for industry, names in DEFAULT_TAXONOMY.items() for n, name in enumerate(names)])


def _terms_for_free_text(conn) -> None:
    """A term with the `unsorted` mark for every field name of a call or an expert that
    names no term; under the industry a call field gave, when that is one."""
    known = dict(conn.execute(sa.select(terms.c.name, terms.c.id)).all())
    industry_of = {}
    for name, industry in conn.execute(sa.text("SELECT name, industry FROM call_fields")):
        if industry in DEFAULT_TAXONOMY:
            industry_of.setdefault(name, industry)
    names = [row[0] for row in conn.execute(sa.text(
        "SELECT name FROM call_fields UNION SELECT name FROM expert_fields ORDER BY 1"))]
    at = datetime.now(UTC)
    new = [{'name': name, 'parent_id': known.get(industry_of.get(name)), 'position': n,
            'unsorted': True, 'created_at': at}
           for n, name in enumerate(name for name in names if name not in known)]
    if new:
        conn.execute(terms.insert(), new)


def downgrade():
    conn = op.get_bind()
    for table, owner in (('call_fields', 'call_id'), ('expert_fields', 'expert_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
            if table == 'call_fields':
                batch_op.add_column(sa.Column('industry', sa.String(length=50), nullable=True))
        conn.execute(sa.text(
            f"UPDATE {table} SET name = "
            f"(SELECT name FROM field_terms WHERE field_terms.id = {table}.term_id)"))
        if table == 'call_fields':
            # The industry a term belongs to: its parent, or itself when it is an industry.
            conn.execute(sa.text(
                "UPDATE call_fields SET industry = COALESCE((SELECT CASE "
                "WHEN t.parent_id IS NOT NULL THEN p.name WHEN t.unsorted THEN '' "
                "ELSE t.name END FROM field_terms t LEFT JOIN field_terms p "
                "ON p.id = t.parent_id WHERE t.id = call_fields.term_id), '')"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('name', existing_type=sa.String(length=100), nullable=False)
            if table == 'call_fields':
                batch_op.alter_column('industry', existing_type=sa.String(length=50),
                                      nullable=False)
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_term_id_field_terms'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_term_id'))
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_{owner}_term_id'), type_='unique')
            batch_op.create_unique_constraint(f'uq_{table}_{owner}_name', [owner, 'name'])
            batch_op.drop_column('term_id')

    with op.batch_alter_table('field_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_terms_parent_id'))

    op.drop_table('field_terms')
