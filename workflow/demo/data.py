"""The data of the Shandong demo (DOMAIN.md section 9): units, fields, outcomes and texts.

Apart from the three lead units DOMAIN.md names and the universities that co-build, every
unit is invented; all credit codes are synthetic. `workflow.demo.seed` loads this through the
services.
"""
from datetime import date

from workflow.core import regions
from workflow.departments.rules import DepartmentData

# The demo is Shandong's, whatever the installation's province (CENTERFLOW_PROVINCE).
PROVINCE = "370000"
CITIES = {city.code: city.name for city in regions.cities(PROVINCE)}

DOMAIN = "demo.centerflow.cn"
# The second department of the demo: its manufacturing innovation center calls are in
# workflow.demo.manufacturing.
INDUSTRY_DEPARTMENT = DepartmentData(
    name="山东省工业和信息化厅", short_name="省工业和信息化厅", office_code="鲁工信技",
    agency_name="山东省工业和信息化厅", level="province", region_code=PROVINCE)
PASSWORD = "demo-pass-2022"

CITY_SLUGS = {
    "370100": "jinan", "370200": "qingdao", "370300": "zibo", "370400": "zaozhuang",
    "370500": "dongying", "370600": "yantai", "370700": "weifang", "370800": "jining",
    "370900": "taian", "371000": "weihai", "371100": "rizhao", "371300": "linyi",
    "371400": "dezhou", "371500": "liaocheng", "371600": "binzhou", "371700": "heze",
}
AREA_CODES = {
    "370100": "0531", "370200": "0532", "370300": "0533", "370400": "0632",
    "370500": "0546", "370600": "0535", "370700": "0536", "370800": "0537",
    "370900": "0538", "371000": "0631", "371100": "0633", "371300": "0539",
    "371400": "0534", "371500": "0635", "371600": "0543", "371700": "0530",
}

# Technical fields of both calls with the priority industry each serves.
FIELDS: tuple[tuple[str, str], ...] = (
    ("半导体激光", "新一代信息技术"), ("工业软件", "新一代信息技术"),
    ("集成电路设计", "新一代信息技术"), ("虚拟现实", "新一代信息技术"),
    ("焊接装备", "高端装备"), ("高端轴承", "高端装备"), ("智能农机装备", "高端装备"),
    ("轨道交通装备", "高端装备"), ("工业机器人", "高端装备"), ("数控机床", "高端装备"),
    ("油气钻采装备", "高端装备"), ("智能电网装备", "高端装备"),
    ("新能源汽车关键零部件", "高端装备"),
    ("氢能", "新能源新材料"), ("高性能碳纤维", "新能源新材料"), ("锂电池材料", "新能源新材料"),
    ("先进陶瓷", "新能源新材料"), ("先进钢铁材料", "新能源新材料"),
    ("轻量化铝合金材料", "新能源新材料"), ("太阳能光热利用", "新能源新材料"),
    ("海洋药物", "现代海洋"), ("海洋牧场装备", "现代海洋"), ("海洋工程装备", "现代海洋"),
    ("海水淡化", "现代海洋"),
    ("高端医疗器械", "医养健康"), ("生物医药", "医养健康"), ("中医药", "医养健康"),
    ("高端化工新材料", "绿色化工"), ("绿色农药", "绿色化工"),
    ("种业创新", "现代高效农业"), ("盐碱地综合利用", "现代高效农业"),
    ("食品精深加工", "现代高效农业"),
    ("数字创意", "文化创意"), ("智慧文旅", "精品旅游"), ("金融科技", "现代金融"),
)
# Fields the current call adds (directions of the province's newer plans).
NEW_FIELDS: tuple[tuple[str, str], ...] = (
    ("量子信息", "新一代信息技术"), ("人工智能", "新一代信息技术"), ("空天信息", "高端装备"),
    ("合成生物", "医养健康"), ("新型储能", "新能源新材料"), ("智能网联汽车", "高端装备"),
)
INDUSTRY_OF = dict(FIELDS + NEW_FIELDS)

# Co-builders: key -> (name, region in the credit code, kind).
PARTNERS: dict[str, tuple[str, str, str]] = {
    "sdu": ("山东大学", "370100", "university"),
    "ouc": ("中国海洋大学", "370200", "university"),
    "upc": ("中国石油大学（华东）", "370200", "university"),
    "sdust": ("山东科技大学", "370200", "university"),
    "qdu": ("青岛大学", "370200", "university"),
    "qlu": ("齐鲁工业大学（山东省科学院）", "370100", "university"),
    "sdut": ("山东理工大学", "370300", "university"),
    "ujn": ("济南大学", "370100", "university"),
    "sdau": ("山东农业大学", "370900", "university"),
    "ytu": ("烟台大学", "370600", "university"),
    "qibebt": ("中国科学院青岛生物能源与过程研究所", "370200", "institute"),
    "saas": ("山东省农业科学院", "370100", "institute"),
}
COBUILDER_PARTNER = "sdu"  # its account is the cobuilder@ login

# Outcomes in the 2022 call; the paths through the lifecycle are in workflow.demo.seed.
APPROVED = "approved"
RETURNED_THEN_APPROVED = "returned_then_approved"
CORRECTED_THEN_APPROVED = "corrected_then_approved"
OBJECTION_THEN_APPROVED = "objection_then_approved"
NOT_SELECTED = "not_selected"
DECLINED = "not_recommended"
FORMAL_REJECTED = "formal_rejected"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
APPROVED_OUTCOMES = frozenset(
    {APPROVED, RETURNED_THEN_APPROVED, CORRECTED_THEN_APPROVED, OBJECTION_THEN_APPROVED}
)

# Lead units: (region in the credit code, name, field in 2022, outcome, co-builder keys).
# Most cities recommend all they receive; none recommends more than its quota of 5.
LEADS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("370100", "山东华光光电子股份有限公司", "半导体激光", APPROVED, ("sdu",)),
    ("370100", "浪潮通用软件有限公司", "工业软件", APPROVED, ("sdu", "qlu")),
    ("370100", "山东奥太电气有限公司", "焊接装备", APPROVED, ("sdu", "ujn")),
    ("370100", "济南泉芯微电子科技有限公司", "集成电路设计", CORRECTED_THEN_APPROVED, ("sdu",)),
    ("370100", "济南金控数科信息技术有限公司", "金融科技", NOT_SELECTED, ("ujn",)),
    ("370100", "济南历山视界数字科技有限公司", "虚拟现实", DECLINED, ("qlu",)),
    ("370200", "青岛蓝海生物药业有限公司", "海洋药物", APPROVED, ("ouc",)),
    ("370200", "青岛智联机器人科技有限公司", "工业机器人", APPROVED, ("sdust", "qdu")),
    ("370200", "青岛深蓝渔业装备有限公司", "海洋牧场装备", OBJECTION_THEN_APPROVED, ("ouc",)),
    ("370200", "青岛瑞捷轨道交通装备有限公司", "轨道交通装备", APPROVED, ("sdu", "qdu")),
    ("370200", "青岛海润淡化水务科技有限公司", "海水淡化", FORMAL_REJECTED, ("ouc",)),
    ("370200", "青岛崂山云游文旅科技有限公司", "智慧文旅", DECLINED, ("qdu",)),
    ("370300", "淄博华瓷新材料股份有限公司", "先进陶瓷", APPROVED, ("sdut",)),
    ("370300", "淄博齐鲁新材化工有限公司", "高端化工新材料", EXPIRED, ("sdut",)),
    ("370300", "淄博博山康元生物制药有限公司", "生物医药", NOT_SELECTED, ("sdut", "qlu")),
    ("370400", "枣庄鲁源锂能科技有限公司", "锂电池材料", APPROVED, ("qibebt",)),
    ("370500", "东营黄河三角洲农业科技有限公司", "盐碱地综合利用", APPROVED, ("saas", "sdau")),
    ("370500", "东营胜达石油装备有限公司", "油气钻采装备", WITHDRAWN, ("upc",)),
    ("370600", "烟台海源氢能科技有限公司", "氢能", APPROVED, ("ytu", "qibebt")),
    ("370600", "烟台蓝鲸海洋工程装备有限公司", "海洋工程装备", APPROVED, ("ouc", "ytu")),
    ("370600", "烟台芝罘湾食品科技有限公司", "食品精深加工", RETURNED_THEN_APPROVED, ("ytu",)),
    ("370700", "潍坊沃野智能农机有限公司", "智能农机装备", APPROVED, ("sdau",)),
    ("370783", "寿光金种子农业科技有限公司", "种业创新", APPROVED, ("saas", "sdau")),
    ("370700", "潍坊声悦虚拟现实科技有限公司", "虚拟现实", NOT_SELECTED, ("sdu",)),
    ("370800", "济宁鲁工数控机床有限公司", "数控机床", NOT_SELECTED, ("sdut",)),
    ("370800", "济宁孔孟文化创意有限公司", "数字创意", DECLINED, ("ujn",)),
    ("370900", "泰安泰山智能电气有限公司", "智能电网装备", APPROVED, ("sdust",)),
    ("370900", "泰安岱丰生物农药有限公司", "绿色农药", FORMAL_REJECTED, ("sdau",)),
    ("371000", "威海光合碳纤维科技有限公司", "高性能碳纤维", APPROVED, ("sdu",)),
    ("371000", "威海康健医疗器械有限公司", "高端医疗器械", APPROVED, ("sdu", "qdu")),
    ("371100", "日照钢联新材料有限公司", "先进钢铁材料", APPROVED, ("sdust",)),
    ("371300", "临沂沂蒙本草药业有限公司", "中医药", APPROVED, ("qlu",)),
    ("371300", "临沂顺达机床有限公司", "数控机床", NOT_SELECTED, ("ujn",)),
    ("371400", "德州阳光光热科技有限公司", "太阳能光热利用", APPROVED, ("sdu",)),
    ("371400", "德州禹城功能糖业有限公司", "食品精深加工", DECLINED, ("qlu",)),
    ("371581", "临清精工轴承有限公司", "高端轴承", APPROVED, ("sdut",)),
    ("371500", "聊城通达汽车零部件有限公司", "新能源汽车关键零部件", WITHDRAWN, ("sdut",)),
    ("371600", "滨州渤海轻合金材料有限公司", "轻量化铝合金材料", APPROVED, ("sdut", "qlu")),
    ("371600", "滨州黄河新材料化工有限公司", "高端化工新材料", FORMAL_REJECTED, ("upc",)),
    ("371700", "菏泽尧舜生物医药有限公司", "生物医药", APPROVED, ("qlu",)),
)
HUAGUANG = 0  # index in LEADS of the applicant@ login
RETURNED_CURRENT = 5  # index in LEADS of the applicant2@ login, returned in the current call

# Units that lead an application for the first time in the current call:
# (region in the credit code, name, independent legal person). Their lead indexes follow
# those of LEADS.
NEW_LEADS: tuple[tuple[str, str, bool], ...] = (
    ("370100", "济南量子信通科技有限公司", True),
    ("370100", "济南智算人工智能科技有限公司", True),
    ("370100", "济南天枢空天信息技术有限公司", True),
    ("370100", "济南华韵合成生物科技有限公司", True),
    ("370100", "山东泉能储能科技有限公司", True),
    # A branch (分公司) is no legal person of its own: the hard rule stops its submission.
    ("370100", "济南鲁骐汽车集团有限公司智能网联分公司", False),
)
QUANTUM, AI, SPACE, SYNBIO, STORAGE, BRANCH = range(len(LEADS), len(LEADS) + len(NEW_LEADS))

# A young company: its revenue is below the call's soft threshold (shown, not blocking).
# lead index -> (revenue of the first year, staff), both as sections() uses them.
FIGURES = {QUANTUM: (2600, 260)}

# The current call, open while the demo is loaded: (lead index, field, state, co-builders).
# "draft:n" keeps n sections filled and no attachments; "pending" is a complete draft whose
# co-builder has not confirmed yet; "blocked" is a complete draft a hard eligibility rule
# stops; "correction" has an open correction request. Jinan recommends three (ranks 1-3 of
# its 5 places) and has three more to decide.
CURRENT: tuple[tuple[int, str, str, tuple[str, ...]], ...] = (
    (AI, "人工智能", "formal_passed", ("sdu",)),
    (SPACE, "空天信息", "correction", ("sdu", "qlu")),
    (SYNBIO, "合成生物", "recommended", ("qlu",)),
    (27, "绿色农药", "formal_rejected", ("sdau",)),
    (32, "数控机床", "formal_passed", ("ujn",)),
    (10, "海水淡化", "recommended", ("ouc",)),
    (23, "虚拟现实", "declined", ("sdu",)),
    (4, "金融科技", "submitted", ("ujn",)),
    (QUANTUM, "量子信息", "submitted", ("sdu",)),
    (STORAGE, "新型储能", "submitted", ("qlu", "ujn")),
    (RETURNED_CURRENT, "虚拟现实", "returned", ("qlu", "sdu")),
    (11, "智慧文旅", "pending", ("sdu",)),
    (13, "高端化工新材料", "submitted", ("sdut", "upc")),
    (24, "数控机床", "draft:3", ("sdut",)),
    (17, "油气钻采装备", "withdrawn", ("upc",)),
    (36, "新能源汽车关键零部件", "draft:6", ("sdut",)),
    (25, "数字创意", "resubmitted", ("ujn",)),
    (BRANCH, "智能网联汽车", "blocked", ("sdu",)),
)

# A unit that registered the day before the demo was loaded, (region in the credit code, name,
# field of its draft): its licence waits for the Qingdao bureau or an officer to verify it, and
# its draft cannot be submitted before.
WAITING = ("370200", "青岛启明海洋生物科技有限公司", "海洋药物")

# Checklist findings (item code -> note) of the formal reviews.
CORRECTION_2022 = {"att_agreement": "共建协议缺少共建单位签章页",
                   "att_ip_list": "知识产权清单与申报书第三部分发明专利数量不一致"}
FORMAL_FAIL = {"att_agreement": "共建协议未加盖共建单位公章",
               "att_rd_audit": "研发费用专项审计报告缺少第一年度"}
CORRECTION_CURRENT = {"figures": "第三部分第二年研发费用与专项审计报告数额不一致，请核实",
                      "att_support_letter": "地方政府支持函未加盖市政府或市科技局公章"}

# Days of 2027 an officer enters before the package knows the year: (day, workday, note).
CALENDAR_2027 = (
    (date(2027, 1, 1), False, "元旦"),
    (date(2027, 2, 11), False, "春节"),
    (date(2027, 2, 20), True, "春节调休上班"),
)

REASONS = {
    "return": "请补充近三年研发费用专项审计报告，并核实第三部分研发人员数量与附件中的社保缴纳"
              "名单是否一致，修改后重新提交。",
    "decline": "经市科技局组织专家论证，该单位近三年研发投入强度和核心技术积累尚不突出，"
               "本年度不予推荐。",
    "correction": "一次性告知：请按以下清单补正，逾期未补正的视为形式审查不通过。",
    "formal_pass": "形式审查通过：附件齐全，签章完整，数据前后一致。",
    "formal_fail": "形式审查不通过：共建协议未加盖共建单位公章，且研发费用专项审计报告年度不全。",
    "not_select": "综合专家评审得分和全省技术领域布局，本年度未列入拟建设名单。",
    "objection": "公示期内收到实名书面异议1件，反映核心专利权属存在争议，转入异议核查。",
    "dismiss": "经核查，涉及专利权属清晰，异议反映的问题不成立，维持拟建设结论。",
    "withdraw": "因企业研发组织架构调整，撤回本次申报。",
}

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢唐韩曹许邓冯"
_GIVEN = ("建国", "海涛", "志强", "晓东", "丽华", "文博", "继伟", "明远", "红梅", "立新",
          "振华", "春雷", "雪松", "国庆", "宏伟", "静怡", "永刚", "秀英", "德胜", "玉兰", "子涵")


def person(n: int) -> str:
    """A synthetic Chinese personal name, the same for the same n."""
    return _SURNAMES[n * 7 % len(_SURNAMES)] + _GIVEN[n * 11 % len(_GIVEN)]


def phone(region: str, n: int) -> str:
    return f"{AREA_CODES[region[:4] + '00']}-{86100000 + n * 7393 % 900000:08d}"


def lead_region(index: int) -> str:
    return (LEADS[index] if index < len(LEADS) else NEW_LEADS[index - len(LEADS)])[0]


def sections(index: int, org: str, field: str, partners: list[str]) -> dict[str, dict]:
    """Plausible content of every section of an application, derived from its index."""
    industry = INDUSTRY_OF[field]
    city = CITIES[regions.city_of(lead_region(index))]
    names = "、".join(partners)
    head = person(index + 50)
    revenue, staff = FIGURES.get(index, (18000 + index * 35711 % 160000,  # 10,000 yuan
                                         320 + index * 379 % 2600))
    rd_share = 4 + index % 5
    total = 6000 + index * 1307 % 14000
    match = total // 10
    years = [revenue, revenue * 112 // 100, revenue * 125 // 100]
    return {
        "basic": {
            "project_head": head,
            "contact_name": person(index + 90),
            "contact_phone": phone(lead_region(index), index),
            "contact_email": f"kjc{index + 1:02d}@example.cn",
            "summary": f"山东省{field}技术创新中心由{org}牵头，联合{names}共同建设，聚焦{field}"
                       f"关键核心技术攻关与成果转化，打造全省{industry}产业的创新策源地。",
        },
        "necessity": {
            "priority_industry": industry,
            "positioning": f"{field}是我省{industry}产业链的关键环节，部分核心技术和装备仍依赖"
                           f"进口。中心定位于{field}共性技术研发和工程化验证，服务{city}及全省"
                           f"{industry}产业集群发展。",
        },
        "foundation": {
            **{f"revenue_y{i + 1}": str(v) for i, v in enumerate(years)},
            **{f"rd_spend_y{i + 1}": str(v * rd_share // 100) for i, v in enumerate(years)},
            "staff_total": str(staff),
            "rd_staff": str(staff * (18 + index % 9) // 100),
            "industry_standing": f"{org}是国家高新技术企业，{field}领域主导产品国内市场占有率"
                                 f"位居前列，牵头或参与制定国家和行业标准{3 + index % 6}项。",
            "facilities": f"建有省级企业技术中心和{field}中试基地，研发场地"
                          f"{4000 + index * 613 % 20000}平方米，研发仪器设备原值"
                          f"{2000 + index * 877 % 9000}万元。",
            "team": f"现有研发人员{staff * (18 + index % 9) // 100}人，其中博士{8 + index % 23}人、"
                    f"高级职称{25 + index % 40}人，由{head}担任中心主任。",
            "ip": f"累计拥有有效发明专利{40 + index * 17 % 260}项、软件著作权{10 + index % 50}项，"
                  f"近三年新增发明专利{12 + index % 35}项。",
            "collaboration": f"与{names}建立了长期产学研合作关系，近三年联合承担省级以上科技项目"
                             f"{3 + index % 8}项。",
        },
        "targets": {
            "targets": f"到建设期末，突破{field}关键核心技术{4 + index % 5}项，形成具有自主知识产权"
                       f"的核心产品和系统解决方案，建成国内一流的{field}技术创新平台。",
            "indicators": f"新增研发投入不低于{total * 6 // 10}万元；"
                          f"申请发明专利{30 + index % 40}项；"
                          f"制定标准{2 + index % 5}项；转化科技成果{8 + index % 12}项；"
                          f"服务中小企业{50 + index * 7 % 150}家。",
        },
        "tasks": {
            "tasks": f"一是开展{field}关键共性技术攻关；二是建设工程化验证与中试平台；"
                     f"三是推动成果转移转化和产业链上下游协同创新。",
            "route": "按照“基础研究—技术攻关—中试验证—产业化应用”的路径，发挥共建单位的"
                     "基础研究优势和牵头单位的工程化能力，分三个阶段推进。",
        },
        "governance": {
            "board": "中心实行理事会领导下的主任负责制，理事会由牵头单位、共建单位和地方科技"
                     "管理部门代表组成。",
            "tech_committee": f"设立由{7 + index % 3 * 2}名国内知名专家组成的技术委员会，负责研究"
                              "方向和重大技术路线的咨询论证。",
            "accounting": "中心设立独立账户，实行独立核算，建设经费专款专用，接受审计监督。",
        },
        "budget": {
            "total_budget": str(total),
            "own_funds": str(total - match),
            "local_match": str(match),
            "budget_notes": f"建设期内总投入{total}万元，其中企业自筹{total - match}万元，{city}"
                            f"配套支持{match}万元，主要用于研发仪器购置、中试平台建设和人才引进。",
        },
        "cooperation": {
            "division": f"{org}负责工程化开发、中试验证和产业化推广；{names}负责基础理论和"
                        f"前沿技术研究，共同培养{field}领域创新人才。",
        },
        "risks": {
            "risks": "主要风险为关键技术攻关进度不及预期和市场需求变化。中心将建立分阶段考核"
                     "和动态调整机制，加强知识产权布局和风险预警。",
        },
    }


def division(partner: str, field: str) -> str:
    return f"{partner}负责{field}领域基础研究与关键共性技术攻关，联合承担中心重点研发任务。"
