"""The forms Centerflow ships (DOMAIN.md section 4 and the seeds): an officer starts a call's
form from one of them and changes it. The technology innovation center form is the form
every call had before forms became data, field for field: its keys are what existing
applications hold. Amounts are in 10,000 yuan (万元)."""
from workflow.application_forms.schema import MONEY_MAX

MONEY = str(MONEY_MAX)


def T(zh: str, en: str) -> dict:  # noqa: N802 - a label reads best short
    return {"zh": zh, "en": en}


def F(key, zh, en, kind="textarea", required=True, **extra) -> dict:  # noqa: N802
    return {"key": key, "label": T(zh, en), "kind": kind, "required": required, **extra}


def S(key, zh, en, *fields) -> dict:  # noqa: N802
    return {"key": key, "title": T(zh, en), "fields": list(fields)}


def A(key, zh, en, required=True, max_pages=None) -> dict:  # noqa: N802
    return {"key": key, "label": T(zh, en), "required": required, "max_pages": max_pages}


def money(key, zh, en, required=True, **extra) -> dict:
    """An amount in 万元, which its label says (as the forms on paper do)."""
    return F(key, f"{zh}（万元）", f"{en} (10,000 yuan)", "money", required, minimum="0",
             maximum=MONEY, **extra)


def count(key, zh, en, required=True, **extra) -> dict:
    return F(key, zh, en, "number", required, minimum="0", maximum="10000000", **extra)


def yearly(prefix, zh, en) -> list[dict]:
    """The three years before the call's: a 2027 call asks for 2024, 2025 and 2026."""
    return [money(f"{prefix}_y{n}", f"%(year)s年{zh}", f"{en} in %(year)s", years_back=4 - n)
            for n in (1, 2, 3)]


def contact_section(head_zh="项目负责人", head_en="Project head",
                    summary_zh="中心简介（不超过1000字）",
                    summary_en="Summary of the center (up to 1,000 characters)") -> dict:
    return S("basic", "基本信息", "Basic information",
             F("project_head", head_zh, head_en, "text", limit=50),
             F("contact_name", "联系人", "Contact person", "text", limit=50),
             F("contact_phone", "联系电话", "Contact phone", "phone", limit=30),
             F("contact_email", "联系邮箱", "Contact email", "email", limit=254),
             F("summary", summary_zh, summary_en, limit=1000))


STANDARD_ATTACHMENTS = [
    A("licence", "营业执照", "Business licence"),
    A("accounts", "近两年审计报告", "Audited accounts of the last two years"),
    A("rd_audit", "研发费用专项审计报告", "Audit of R&D spending"),
    A("ip_list", "知识产权清单", "List of intellectual property"),
    A("agreement", "共建协议", "Co-building agreement"),
    A("support_letter", "地方政府支持函", "Letter of support of the local government"),
    A("integrity", "科研诚信承诺书", "Research integrity pledge"),
]

TECHNOLOGY_CENTER = {"sections": [
    contact_section(),
    S("necessity", "建设必要性与功能定位", "Necessity and positioning",
      F("priority_industry", "服务的重点产业", "Priority industry served", "industry", limit=20),
      F("positioning", "建设必要性与功能定位", "Necessity and positioning", limit=5000)),
    S("foundation", "建设基础", "Foundation",
      *yearly("revenue", "营业收入", "Revenue"),
      *yearly("rd_spend", "研发经费投入", "R&D spending"),
      count("staff_total", "职工总数", "Staff in total"),
      count("rd_staff", "研发人员数", "R&D staff"),
      F("industry_standing", "行业地位", "Industry standing", limit=5000),
      F("facilities", "研发条件与设施", "R&D facilities", limit=5000),
      F("team", "人才团队", "Team", limit=5000),
      F("ip", "知识产权", "Intellectual property", limit=5000),
      F("collaboration", "已有合作基础", "Collaboration so far", required=False, limit=5000)),
    S("targets", "三年建设目标", "Three-year targets",
      F("targets", "建设目标", "Targets", limit=5000),
      F("indicators", "量化考核指标", "Quantitative indicators", limit=5000)),
    S("tasks", "重点任务与技术路线", "Key tasks and technical route",
      F("tasks", "重点任务", "Key tasks", limit=5000),
      F("route", "技术路线", "Technical route", limit=5000)),
    S("governance", "运行管理机制", "Governance",
      F("board", "理事会或董事会", "Board or council", limit=3000),
      F("tech_committee", "技术委员会", "Technical committee", limit=3000),
      F("accounting", "独立核算", "Independent accounting", limit=3000)),
    S("budget", "经费预算与资金筹措", "Budget and funding",
      money("total_budget", "总预算", "Total budget"),
      money("own_funds", "自筹资金", "Own funds"),
      money("local_match", "地方政府配套资金", "Local government match", required=False),
      F("budget_notes", "预算说明", "Budget explanation", limit=5000)),
    S("cooperation", "共建单位及任务分工", "Co-builders and division of work",
      F("division", "各共建单位任务分工", "How the co-builders share the work", limit=5000)),
    S("risks", "风险分析与保障措施", "Risks and safeguards",
      F("risks", "风险分析与保障措施", "Risks and safeguards", limit=5000)),
], "attachments": STANDARD_ATTACHMENTS}

LEAD_TYPES = [
    {"value": "government", "label": T("政府机构", "Government body")},
    {"value": "enterprise", "label": T("企业", "Enterprise")},
    {"value": "university", "label": T("高校", "University")},
    {"value": "institute", "label": T("科研院所", "Research institute")},
    {"value": "finance", "label": T("金融机构", "Financial institution")},
]

INNOVATION_COMMUNITY = {"sections": [
    contact_section("共同体负责人", "Head of the community", "共同体简介（不超过1000字）",
                    "Summary of the community (up to 1,000 characters)"),
    S("lead", "牵头单位", "Lead unit",
      F("lead_type", "牵头单位类型", "Kind of lead unit", "choice", choices=LEAD_TYPES),
      F("government_mandate", "政府授权文件文号", "Number of the government's mandate",
        "text", limit=100, condition={"field": "lead_type", "values": ["government"]}),
      F("finance_licence", "金融许可证编号", "Financial licence number", "text", limit=100,
        condition={"field": "lead_type", "values": ["finance"]}),
      F("lead_strength", "牵头单位优势", "Strengths of the lead unit", limit=3000)),
    S("members", "成员单位", "Member units",
      F("member_units", "成员单位（约20家）", "Member units (about twenty)", "table",
        min_rows=5, max_rows=60, columns=[
            {"key": "name", "label": T("单位名称", "Unit"), "kind": "text", "limit": 200},
            {"key": "credit_code", "label": T("统一社会信用代码", "Credit code"), "kind": "text",
             "limit": 18},
            {"key": "role", "label": T("承担任务", "Its part"), "kind": "text", "limit": 200}]),
      F("member_rules", "成员单位协同机制", "How the members work together", limit=3000)),
    S("chain", "产业链与创新链", "Industry and innovation chain",
      F("priority_industry", "服务的重点产业", "Priority industry served", "industry", limit=20),
      F("chain", "产业链创新链融合", "How the chains meet", limit=5000),
      count("enterprises_served", "服务企业数", "Enterprises served")),
    S("targets", "建设目标与任务", "Targets and tasks",
      F("targets", "建设目标", "Targets", limit=5000),
      F("indicators", "量化考核指标", "Quantitative indicators", "table", max_rows=20, columns=[
          {"key": "indicator", "label": T("指标", "Indicator"), "kind": "text"},
          {"key": "baseline", "label": T("现状值", "Baseline"), "kind": "number"},
          {"key": "target", "label": T("目标值", "Target"), "kind": "number"}]),
      F("tasks", "重点任务", "Key tasks", limit=5000)),
    S("budget", "经费预算", "Budget",
      money("total_budget", "总预算", "Total budget"),
      money("own_funds", "自筹资金", "Own funds"),
      money("financing", "社会融资", "Funds raised", required=False)),
], "attachments": [
    A("licence", "牵头单位法人证书或营业执照", "Certificate or licence of the lead unit"),
    A("agreement", "共同体章程及成员协议", "Charter and member agreement", max_pages=60),
    A("support_letter", "地方政府支持函", "Letter of support of the local government"),
    A("integrity", "科研诚信承诺书", "Research integrity pledge"),
]}

MANUFACTURING_CULTIVATION = {"sections": [
    contact_section(),
    S("company", "运营公司", "Operating company",
      {**F("operating_company", "运营公司", "Operating company", "organization"),
       "name": "operating_company"},
      money("registered_capital", "注册资本", "Registered capital"),
      F("founded_on", "成立日期", "Founded on", "date"),
      F("shareholders", "股东及持股比例", "Shareholders and their shares", "table",
        min_rows=3, max_rows=40, columns=[
            {"key": "name", "label": T("股东名称", "Shareholder"), "kind": "text"},
            {"key": "share", "label": T("持股比例（%）", "Share (%)"), "kind": "number"}])),
    S("foundation", "建设基础", "Foundation",
      *yearly("revenue", "营业收入", "Revenue"),
      *yearly("rd_spend", "研发经费投入", "R&D spending"),
      count("rd_staff", "研发人员数", "R&D staff"),
      F("key_tech", "行业关键共性技术", "Key common technologies of the industry", limit=5000)),
    S("plan", "培育方案", "Cultivation plan",
      F("targets", "培育目标", "Targets", limit=5000),
      F("tasks", "重点任务", "Key tasks", limit=5000),
      money("total_budget", "总投资", "Total investment")),
], "attachments": [
    A("licence", "运营公司营业执照", "Licence of the operating company"),
    A("articles", "公司章程", "Articles of association", max_pages=80),
    A("accounts", "近两年审计报告", "Audited accounts of the last two years"),
    A("integrity", "诚信承诺书", "Integrity pledge"),
]}

MANUFACTURING_RECOGNITION = {"sections": [
    *MANUFACTURING_CULTIVATION["sections"][:3],
    S("results", "培育期成效", "Results of the cultivation",
      F("cultivation_notice", "培育文件文号", "Number of the cultivation document", "text",
        limit=100),
      F("achievements", "培育期主要成效", "Main results", limit=5000),
      F("defense_contact", "答辩人", "Who defends the application", "person"),
      F("site_address", "现场考察地址", "Address for the site inspection", "text", limit=200)),
    MANUFACTURING_CULTIVATION["sections"][3],
], "attachments": [
    *MANUFACTURING_CULTIVATION["attachments"],
    A("cultivation_report", "培育期总结报告", "Report on the cultivation", max_pages=100),
]}

LAB_TYPES = [
    {"value": "discipline", "label": T("学科类", "Discipline")},
    {"value": "enterprise", "label": T("企业类", "Enterprise")},
    {"value": "co_built", "label": T("省市共建类", "Province-city co-built")},
]

KEY_LABORATORY = {"sections": [
    contact_section("实验室主任", "Director of the laboratory", "实验室简介（不超过1000字）",
                    "Summary of the laboratory (up to 1,000 characters)"),
    S("type", "实验室类型", "Kind of laboratory",
      F("lab_type", "实验室类型", "Kind of laboratory", "choice", choices=LAB_TYPES),
      F("discipline", "依托学科", "Discipline", "text", limit=100,
        condition={"field": "lab_type", "values": ["discipline"]}),
      F("city_support", "所在市支持措施", "Support of the city", limit=3000,
        condition={"field": "lab_type", "values": ["co_built"]})),
    S("foundation", "研究基础", "Research foundation",
      F("director", "实验室主任", "Director", "person"),
      count("researchers", "固定研究人员数", "Permanent researchers"),
      money("equipment_value", "仪器设备原值", "Value of the equipment"),
      count("area", "实验室面积（平方米）", "Floor area (m²)"),
      F("directions", "研究方向", "Research directions", limit=5000),
      F("projects", "近五年承担的主要项目", "Main projects of the last five years", "table",
        max_rows=40, columns=[
            {"key": "title", "label": T("项目名称", "Project"), "kind": "text"},
            {"key": "year", "label": T("年份", "Year"), "kind": "year"},
            {"key": "funds", "label": T("经费（万元）", "Funds (10,000 yuan)"), "kind": "money"}])),
    S("plan", "建设方案", "Construction plan",
      F("targets", "建设目标（筹建期）", "Targets of the preparatory period", limit=5000),
      F("tasks", "重点任务", "Key tasks", limit=5000),
      money("total_budget", "总预算", "Total budget")),
], "attachments": [
    A("licence", "依托单位法人证书或营业执照", "Certificate or licence of the host unit"),
    A("equipment_list", "主要仪器设备清单", "List of the main equipment", max_pages=50),
    A("integrity", "科研诚信承诺书", "Research integrity pledge"),
]}

# code -> (label, definition). A platform type's code names its default form; a recognition
# call of manufacturing innovation centers starts from manufacturing_recognition.
SHIPPED = {
    "tech_innovation_center": (T("技术创新中心", "Technology innovation center"),
                               TECHNOLOGY_CENTER),
    "innovation_community": (T("创新创业共同体", "Innovation and entrepreneurship community"),
                             INNOVATION_COMMUNITY),
    "manufacturing_innovation_center": (T("制造业创新中心（培育）",
                                    "Manufacturing innovation center (cultivation)"),
                                  MANUFACTURING_CULTIVATION),
    "manufacturing_recognition": (T("制造业创新中心（认定）",
                                    "Manufacturing innovation center (recognition)"),
                                  MANUFACTURING_RECOGNITION),
    "key_laboratory": (T("重点实验室", "Key laboratory"), KEY_LABORATORY),
}
