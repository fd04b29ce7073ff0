"""The first batch of five provincial innovation and entrepreneurship communities (2019, the
Department of Science and Technology; seeds/001): one led by each of government, industry,
university, institute and finance, about twenty member units each, recommended by their
cities, reviewed, announced and approved by one numbered notice.

The five communities are those the press conference of 2019-09-18 named; their lead units
and member units are invented (the laser community's lead is the kind of body the report
names), all credit codes synthetic."""
from dataclasses import dataclass

from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.calls.operations import calls
from workflow.core.clock import freeze
from workflow.core.regions import city_of
from workflow.core.states import Action, CallState
from workflow.demo import data, units
from workflow.demo.steps import act, pass_review, verify
from workflow.demo.units import at
from workflow.organizations.models import OrgKind
from workflow.vocabulary import rules as vocabulary

TITLE = "2019年度山东省创新创业共同体建设申报"
DESCRIPTION = ("根据《关于推进“政产学研金服用”创新创业共同体建设的实施意见》"
               "（鲁政字〔2019〕49号），"
               "组织开展首批省级创新创业共同体建设申报。共同体由政府、企业、高校、科研院所或"
               "金融机构牵头，联合产业链上下游单位共同建设。")
OFFICE, FIRST_NUMBER = "鲁科字", 181
# The notice's texts: a community is approved under the province's opinions, not the
# management measures of technology innovation centers the default texts cite.
NOTICE_TEXTS = {
    "title": "{agency}关于公布首批山东省创新创业共同体名单的通知",
    "addressees": "各市科技局，省直有关部门，有关单位",
    "body": "\n".join((
        "根据《关于推进“政产学研金服用”创新创业共同体建设的实施意见》（鲁政字〔2019〕49号），"
        "经单位申报、各市推荐、形式审查、专家评审、社会公示等程序，确定{count}家单位为首批"
        "山东省{platform}（名单见附件）。",
        "各共同体要发挥牵头单位的引领作用，完善成员单位协同机制，集聚创新资源，加快科技成果"
        "转移转化，培育特色优势产业集群。",
        "{agency}将对共同体实行目标绩效管理，省级支持资金与绩效目标完成情况挂钩。")),
    "attachment_title": "首批山东省{platform}名单",
    "letter_title": "{agency}关于同意建设{center}的函",
}
ATTACHMENTS = (("licence", "牵头单位法人证书或营业执照"), ("agreement", "共同体章程及成员协议"),
               ("support_letter", "地方政府支持函"), ("integrity", "科研诚信承诺书"))


@dataclass(frozen=True)
class Community:
    name: str
    lead: str
    region: str  # in the lead unit's credit code
    prefix: str  # 11 government body, 12 public institution, 91 enterprise
    kind: str
    lead_type: str  # a value of the form's lead_type choice
    field: str
    industry: str
    login: str
    topics: tuple[str, ...]  # what the member units work on


COMMUNITIES = (
    Community("山东省激光装备创新创业共同体", "济南高新区智能装备产业发展中心", "370100", "12",
              OrgKind.GOVERNMENT, "government", "半导体激光", "高端装备", "community-laser",
              ("激光器", "激光切割装备", "激光医疗", "激光再制造", "激光晶体材料")),
    Community("山东省无机功能材料与智能制造创新创业共同体", "东营瓷源功能材料股份有限公司",
              "370500", "91", OrgKind.ENTERPRISE, "enterprise", "先进陶瓷", "新能源新材料",
              "community-ceramics",
              ("电子陶瓷粉体", "催化材料", "结构陶瓷", "智能产线", "检测认证")),
    Community("山东省高分子新材料创新创业共同体", "青岛科技大学", "370200", "12",
              OrgKind.UNIVERSITY, "university", "高分子材料", "新能源新材料",
              "community-polymer",
              ("橡胶新材料", "特种工程塑料", "高分子助剂", "轮胎制造", "改性塑料")),
    Community("山东省海洋科技成果转移转化中心", "青岛海洋科技成果转化研究院", "370200", "12",
              OrgKind.INSTITUTE, "institute", "海洋观测与探测", "现代海洋", "community-marine",
              ("海洋仪器", "海洋生物制品", "技术转移服务", "海洋工程", "知识产权运营")),
    Community("山东省微纳传感技术与智能应用创新创业共同体", "潍坊科创金融控股集团有限公司",
              "370700", "91", OrgKind.ENTERPRISE, "finance", "物联网与传感器",
              "新一代信息技术", "community-sensing",
              ("MEMS传感器", "声学器件", "智能穿戴", "传感器封测", "创业投资")),
)
_MEMBER_SUFFIXES = ("科技有限公司", "股份有限公司", "技术研究院", "产业投资基金管理有限公司")
_MEMBER_WORDS = ("华", "瑞", "科", "创", "联", "泰", "博", "鑫", "源", "达", "信", "康")
MEMBERS = 20


def _member_units(community: Community, n: int) -> list[dict]:
    """About twenty member units of the community's city and neighbours: enterprises of its
    topics, a university and an institute, and a fund."""
    city = city_of(community.region)
    place = data.CITIES[city].removesuffix("市")
    rows = []
    for i in range(MEMBERS):
        topic = community.topics[i % len(community.topics)]
        word = _MEMBER_WORDS[(n * 5 + i) % len(_MEMBER_WORDS)] + _MEMBER_WORDS[(i * 7 + n) % 12]
        suffix = _MEMBER_SUFFIXES[3 if i == MEMBERS - 1 else (0 if i % 3 else 1)]
        prefix = "91"
        if i == MEMBERS - 3:
            name, prefix = f"{place}职业技术学院", "52"
        elif i == MEMBERS - 2:
            name, prefix = f"山东省{topic}工程技术研究中心", "12"
        else:
            name = f"{place}{word}{topic}{suffix}"
        rows.append({"name": name, "credit_code": units.credit_code(prefix, city,
                                                                    3000 + n * 50 + i),
                     "role": f"参与{topic}方向技术攻关与成果转化" if prefix == "91"
                     else f"提供{topic}方向人才培养与研发支撑"})
    return rows


def _filler(community: Community, n: int, head: str):
    members = _member_units(community, n)
    total = 18000 + n * 4200
    texts = {
        ("basic", "project_head"): head,
        ("basic", "contact_name"): data.person(1200 + n),
        ("basic", "contact_phone"): data.phone(community.region, 1200 + n),
        ("basic", "contact_email"): f"gtt{n + 1}@example.cn",
        ("basic", "summary"): f"{community.name}由{community.lead}牵头，联合{len(members)}家"
                              f"成员单位，围绕{community.field}产业链构建“政产学研金服用”"
                              "融通创新的共同体，打造全省创新创业高地。",
        ("lead", "lead_type"): community.lead_type,
        ("lead", "government_mandate"): "济高管发〔2019〕12号",
        ("lead", "finance_licence"): "鲁金监〔2018〕0716号",
        ("lead", "lead_strength"): f"{community.lead}在{community.field}领域集聚了创新资源，"
                                   "具备组织产业链上下游协同攻关和成果转化的能力。",
        ("members", "member_units"): members,
        ("members", "member_rules"): "共同体实行理事会议事制度，成员单位签订合作章程，"
                                     "共享研发设施和中试平台，收益按贡献分配。",
        ("chain", "priority_industry"): community.industry,
        ("chain", "chain"): f"以{community.field}为主线，贯通{'、'.join(community.topics)}"
                            "等环节，推动创新链、产业链、资金链、人才链深度融合。",
        ("chain", "enterprises_served"): str(120 + n * 35),
        ("targets", "targets"): f"到2022年，突破{community.field}关键技术10项以上，孵化科技型"
                                "企业30家，带动产业链新增产值50亿元。",
        ("targets", "indicators"): [
            {"indicator": "孵化科技型企业（家）", "baseline": str(8 + n), "target": "30"},
            {"indicator": "转化科技成果（项）", "baseline": str(12 + n), "target": "60"},
            {"indicator": "服务中小企业（家）", "baseline": str(90 + n * 10), "target": "500"}],
        ("targets", "tasks"): "一是建设公共研发和中试平台；二是组建产业技术攻关联合体；"
                              "三是设立成果转化和创业投资基金；四是引进培育高层次人才团队。",
        ("budget", "total_budget"): str(total),
        ("budget", "own_funds"): str(total * 6 // 10),
        ("budget", "financing"): str(total * 3 // 10),
    }
    return lambda section, f: texts[(section, f.key)]


def run(officer: User, leader: User, recommenders: dict[str, User]) -> Call:
    """The 2019 call from its creation to its issued notice; all five communities approved.
    Side effects: units, users, the call, applications, panels, the announcement, the
    notice and its documents, audit rows; flushed."""
    freeze(at(2019, 3, 25, 10))
    call = calls.create_call(
        platform_type=units.platform_type("innovation_community"), year=2019, title=TITLE,
        description=DESCRIPTION, opens_at=at(2019, 4, 1, 0), closes_at=at(2019, 5, 31, 23, 59),
        quota=5, recommender_quota=3,
        fields=list(vocabulary.by_name([c.field for c in COMMUNITIES]).values()),
        attachments=ATTACHMENTS, eligibility=units.BASIC_RULES, actor=officer,
        recommend_deadline=at(2019, 6, 14, 17))
    freeze(at(2019, 4, 1, 9))
    calls.advance_call(call, CallState.OPEN, actor=officer)
    apps, leads = [], []
    for n, community in enumerate(COMMUNITIES):
        freeze(at(2019, 4, 3 + n, 10))
        lead = units.register_unit(
            community.lead, units.credit_code(community.prefix, community.region, 2000 + n),
            community.kind, community.login, 1100 + n,
            phone=data.phone(community.region, 1100 + n))
        # A government body is verified by the department's officer, a unit by its city.
        verifier = (officer if community.kind == OrgKind.GOVERNMENT
                    else recommenders[city_of(community.region)])
        verify(at(2019, 4, 8 + n, 15), lead.organization, verifier)
        leads.append(lead)
        apps.append(units.file_application(
            call, lead, community.name, community.field,
            _filler(community, n, data.person(1150 + n)), at(2019, 5, 6 + 2 * n, 9)))
    freeze(at(2019, 6, 1, 9))
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    units.recommend_by_city(apps, recommenders, at(2019, 6, 5, 10))
    for n, app in enumerate(apps):
        pass_review(at(2019, 6, 17 + n, 10), app, officer)
    freeze(at(2019, 6, 24, 9))
    calls.advance_call(call, CallState.REVIEWING, actor=officer)
    units.expert_review(call, apps, officer, at(2019, 6, 25, 10),
                        {app.id: 84 + n * 2 for n, app in enumerate(apps)})
    for app in apps:
        act(at(2019, 8, 20, 15), app, Action.SHORTLIST, leader, "列入首批省级创新创业共同体名单。")
    units.announce_and_end(call, officer, at(2019, 8, 26, 9, 30),
                           at(2019, 9, 3, 0, 10))
    units.issue_batch_notice(call, officer, leader, OFFICE, FIRST_NUMBER,
                             at(2019, 9, 16, 9, 30), NOTICE_TEXTS)
    return call
