"""application forms as data: each call's form in versions (sections of typed fields and the
required attachments, frozen at the first filing); each application names the version it
is filled in; a required attachment's page limit. Every existing call gets version 1: the
technology innovation center form it had in code, field for field, with its own required
attachments; frozen when the call has a filed application, which all then name it.

Revision ID: e14e00000001
Revises: e14d00000001
Create Date: 2026-12-06 20:30:00

"""
import hashlib
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import workflow.core.db


revision = 'e14e00000001'
down_revision = 'e14d00000001'
branch_labels = None
depends_on = None

# The sections the code held before this revision (workflow/intake/rules/sections.py), as
# the technology innovation center template wrote them: kept here as they were.
SECTIONS = json.loads(r"""{
 "sections": [
  {
   "key": "basic",
   "title": {
    "zh": "基本信息",
    "en": "Basic information"
   },
   "fields": [
    {
     "key": "project_head",
     "label": {
      "zh": "项目负责人",
      "en": "Project head"
     },
     "kind": "text",
     "required": true,
     "limit": 50
    },
    {
     "key": "contact_name",
     "label": {
      "zh": "联系人",
      "en": "Contact person"
     },
     "kind": "text",
     "required": true,
     "limit": 50
    },
    {
     "key": "contact_phone",
     "label": {
      "zh": "联系电话",
      "en": "Contact phone"
     },
     "kind": "phone",
     "required": true,
     "limit": 30
    },
    {
     "key": "contact_email",
     "label": {
      "zh": "联系邮箱",
      "en": "Contact email"
     },
     "kind": "email",
     "required": true,
     "limit": 254
    },
    {
     "key": "summary",
     "label": {
      "zh": "中心简介（不超过1000字）",
      "en": "Summary of the center (up to 1,000 characters)"
     },
     "kind": "textarea",
     "required": true,
     "limit": 1000
    }
   ]
  },
  {
   "key": "necessity",
   "title": {
    "zh": "建设必要性与功能定位",
    "en": "Necessity and positioning"
   },
   "fields": [
    {
     "key": "priority_industry",
     "label": {
      "zh": "服务的重点产业",
      "en": "Priority industry served"
     },
     "kind": "industry",
     "required": true,
     "limit": 20
    },
    {
     "key": "positioning",
     "label": {
      "zh": "建设必要性与功能定位",
      "en": "Necessity and positioning"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  },
  {
   "key": "foundation",
   "title": {
    "zh": "建设基础",
    "en": "Foundation"
   },
   "fields": [
    {
     "key": "revenue_y1",
     "label": {
      "zh": "%(year)s年营业收入（万元）",
      "en": "Revenue in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 3
    },
    {
     "key": "revenue_y2",
     "label": {
      "zh": "%(year)s年营业收入（万元）",
      "en": "Revenue in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 2
    },
    {
     "key": "revenue_y3",
     "label": {
      "zh": "%(year)s年营业收入（万元）",
      "en": "Revenue in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 1
    },
    {
     "key": "rd_spend_y1",
     "label": {
      "zh": "%(year)s年研发经费投入（万元）",
      "en": "R&D spending in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 3
    },
    {
     "key": "rd_spend_y2",
     "label": {
      "zh": "%(year)s年研发经费投入（万元）",
      "en": "R&D spending in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 2
    },
    {
     "key": "rd_spend_y3",
     "label": {
      "zh": "%(year)s年研发经费投入（万元）",
      "en": "R&D spending in %(year)s (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000",
     "years_back": 1
    },
    {
     "key": "staff_total",
     "label": {
      "zh": "职工总数",
      "en": "Staff in total"
     },
     "kind": "number",
     "required": true,
     "minimum": "0",
     "maximum": "10000000"
    },
    {
     "key": "rd_staff",
     "label": {
      "zh": "研发人员数",
      "en": "R&D staff"
     },
     "kind": "number",
     "required": true,
     "minimum": "0",
     "maximum": "10000000"
    },
    {
     "key": "industry_standing",
     "label": {
      "zh": "行业地位",
      "en": "Industry standing"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "facilities",
     "label": {
      "zh": "研发条件与设施",
      "en": "R&D facilities"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "team",
     "label": {
      "zh": "人才团队",
      "en": "Team"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "ip",
     "label": {
      "zh": "知识产权",
      "en": "Intellectual property"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "collaboration",
     "label": {
      "zh": "已有合作基础",
      "en": "Collaboration so far"
     },
     "kind": "textarea",
     "required": false,
     "limit": 5000
    }
   ]
  },
  {
   "key": "targets",
   "title": {
    "zh": "三年建设目标",
    "en": "Three-year targets"
   },
   "fields": [
    {
     "key": "targets",
     "label": {
      "zh": "建设目标",
      "en": "Targets"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "indicators",
     "label": {
      "zh": "量化考核指标",
      "en": "Quantitative indicators"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  },
  {
   "key": "tasks",
   "title": {
    "zh": "重点任务与技术路线",
    "en": "Key tasks and technical route"
   },
   "fields": [
    {
     "key": "tasks",
     "label": {
      "zh": "重点任务",
      "en": "Key tasks"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    },
    {
     "key": "route",
     "label": {
      "zh": "技术路线",
      "en": "Technical route"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  },
  {
   "key": "governance",
   "title": {
    "zh": "运行管理机制",
    "en": "Governance"
   },
   "fields": [
    {
     "key": "board",
     "label": {
      "zh": "理事会或董事会",
      "en": "Board or council"
     },
     "kind": "textarea",
     "required": true,
     "limit": 3000
    },
    {
     "key": "tech_committee",
     "label": {
      "zh": "技术委员会",
      "en": "Technical committee"
     },
     "kind": "textarea",
     "required": true,
     "limit": 3000
    },
    {
     "key": "accounting",
     "label": {
      "zh": "独立核算",
      "en": "Independent accounting"
     },
     "kind": "textarea",
     "required": true,
     "limit": 3000
    }
   ]
  },
  {
   "key": "budget",
   "title": {
    "zh": "经费预算与资金筹措",
    "en": "Budget and funding"
   },
   "fields": [
    {
     "key": "total_budget",
     "label": {
      "zh": "总预算（万元）",
      "en": "Total budget (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000"
    },
    {
     "key": "own_funds",
     "label": {
      "zh": "自筹资金（万元）",
      "en": "Own funds (10,000 yuan)"
     },
     "kind": "money",
     "required": true,
     "minimum": "0",
     "maximum": "100000000"
    },
    {
     "key": "local_match",
     "label": {
      "zh": "地方政府配套资金（万元）",
      "en": "Local government match (10,000 yuan)"
     },
     "kind": "money",
     "required": false,
     "minimum": "0",
     "maximum": "100000000"
    },
    {
     "key": "budget_notes",
     "label": {
      "zh": "预算说明",
      "en": "Budget explanation"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  },
  {
   "key": "cooperation",
   "title": {
    "zh": "共建单位及任务分工",
    "en": "Co-builders and division of work"
   },
   "fields": [
    {
     "key": "division",
     "label": {
      "zh": "各共建单位任务分工",
      "en": "How the co-builders share the work"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  },
  {
   "key": "risks",
   "title": {
    "zh": "风险分析与保障措施",
    "en": "Risks and safeguards"
   },
   "fields": [
    {
     "key": "risks",
     "label": {
      "zh": "风险分析与保障措施",
      "en": "Risks and safeguards"
     },
     "kind": "textarea",
     "required": true,
     "limit": 5000
    }
   ]
  }
 ]
}""")["sections"]


def upgrade():
    op.create_table('application_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.core.db.UTCDateTime(), nullable=False),
    sa.Column('frozen_at', workflow.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_application_forms_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_application_forms_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_forms')),
    sa.UniqueConstraint('call_id', 'version', name=op.f('uq_application_forms_call_id_version'))
    )
    with op.batch_alter_table('application_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_forms_call_id'), ['call_id'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_form_id'), ['form_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_form_id_application_forms'), 'application_forms', ['form_id'], ['id'])
    with op.batch_alter_table('required_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_pages', sa.Integer(), nullable=True))
    _forms_for_existing_calls()


def _forms_for_existing_calls():
    bind = op.get_bind()
    forms = sa.table('application_forms', sa.column('id', sa.Integer),
                     sa.column('call_id', sa.Integer), sa.column('version', sa.Integer),
                     sa.column('definition', sa.JSON), sa.column('source', sa.String),
                     sa.column('sha256', sa.String),
                     sa.column('created_at', workflow.core.db.UTCDateTime()),
                     sa.column('frozen_at', workflow.core.db.UTCDateTime()))
    now = datetime.now(timezone.utc)
    for (call_id,) in bind.execute(sa.text("SELECT id FROM calls ORDER BY id")).all():
        attachments = [{"key": code, "label": {"zh": label}, "required": bool(mandatory),
                        "max_pages": None}
                       for code, label, mandatory in bind.execute(sa.text(
                           "SELECT code, label, mandatory FROM required_attachments "
                           "WHERE call_id = :c ORDER BY position, id"), {"c": call_id}).all()]
        definition = {"sections": SECTIONS, "attachments": attachments}
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False)
                                .encode()).hexdigest()
        filed = bind.execute(sa.text(
            "SELECT min(submitted_at) FROM applications WHERE call_id = :c "
            "AND version_count > 0"), {"c": call_id}).scalar()
        bind.execute(forms.insert().values(
            call_id=call_id, version=1, definition=definition,
            source="template:tech_innovation_center", sha256=digest, created_at=now,
            frozen_at=(now if filed is not None else None)))
        form_id = bind.execute(sa.text(
            "SELECT id FROM application_forms WHERE call_id = :c AND version = 1"),
            {"c": call_id}).scalar()
        bind.execute(sa.text("UPDATE applications SET form_id = :f WHERE call_id = :c"),
                     {"f": form_id, "c": call_id})


def downgrade():
    with op.batch_alter_table('required_attachments', schema=None) as batch_op:
        batch_op.drop_column('max_pages')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_form_id_application_forms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_form_id'))
        batch_op.drop_column('form_id')
    with op.batch_alter_table('application_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_forms_call_id'))
    op.drop_table('application_forms')
