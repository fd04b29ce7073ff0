"""A manufacturing innovation center of the Department of Industry and Information Technology
(鲁工信技, seeds/004): cultivated in the 2023 call, where county bureaus check first and pass
up to their city, which recommends; then recognised on its own ("mature one, recognise
one") in the rolling recognition call of 2024, open only to units cultivated in 2023, with
its own numbered decision. Units and centers are invented, credit codes synthetic."""
from dataclasses import dataclass

from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts
from workflow.calls.models import Call
from workflow.calls.operations import calls
from workflow.calls.stages import CallStage
from workflow.core.clock import freeze
from workflow.core.regions import city_of
from workflow.core.states import Action, CallState, Role
from workflow.demo import data, units
from workflow.demo.steps import act, pass_review, recommend, verify
from workflow.demo.units import at
from workflow.notices.operations import numbers, rolling
from workflow.organizations.models import OrgKind
from workflow.recommendation import operations as recommendation
from workflow.recommendation.levels import Chain
from workflow.vocabulary import rules as vocabulary

OFFICE, FIRST_NUMBER, FIRST_2024 = "鲁工信技", 37, 52
CULTIVATION_TITLE = "2023年度山东省制造业创新中心培育申报"
RECOGNITION_TITLE = "2024年山东省制造业创新中心验收认定（成熟一个、认定一个）"
DESCRIPTION = ("按照“成熟一个、认定一个”的原则，由县（市、区）工业和信息化主管部门初审后报送"
               "设区市，设区市推荐后报送省工业和信息化厅。")
CULTIVATION_ATTACHMENTS = (("licence", "运营公司营业执照"), ("articles", "公司章程"),
                           ("accounts", "近两年审计报告"), ("integrity", "诚信承诺书"))
RECOGNITION_ATTACHMENTS = (*CULTIVATION_ATTACHMENTS, ("cultivation_report", "培育期总结报告"))
# The county bureaus that check first: (login, name, county code).
COUNTIES = (("county-licheng", "济南市历城区工业和信息化局", "370112"),
            ("county-zhangdian", "淄博市张店区工业和信息化局", "370303"))
OPINION = "经初审，申报材料真实完整，运营公司为独立法人，同意报送市级推荐。"


@dataclass(frozen=True)
class Candidate:
    center: str
    company: str
    county: str  # in the company's credit code
    field: str
    login: str
    cultivated: bool


CANDIDATES = (
    Candidate("山东省氢能制造业创新中心", "山东氢动未来创新中心有限公司", "370112", "氢能",
              "mfg-hydrogen", True),
    Candidate("山东省车联网智能应用制造业创新中心", "山东智行车联网创新中心有限公司", "370112",
              "智能网联汽车", "mfg-iov", True),
    Candidate("山东省先进陶瓷制造业创新中心", "淄博华瓷先进陶瓷创新中心有限公司", "370303",
              "先进陶瓷", "mfg-ceramics", False),
)
SHAREHOLDERS = ("牵头企业", "山东大学", "产业链骨干企业", "省级产业投资基金")


@dataclass
class Result:
    cultivation: Call
    recognition: Call
    cultivation_number: str
    recognition_number: str


def _filler(c: Candidate, n: int, lead: User, *, notice_number: str = ""):
    org = lead.organization
    total = 12000 + n * 3500
    revenue = 8000 + n * 2300
    rows = [{"name": (org.name.removesuffix("创新中心有限公司") + "集团有限公司" if i == 0
                      else name), "share": str(share)}
            for i, (name, share) in enumerate(zip(SHAREHOLDERS, (40, 20, 25, 15), strict=True))]
    values = {
        "project_head": data.person(1300 + n), "contact_name": data.person(1320 + n),
        "contact_phone": data.phone(c.county, 1300 + n),
        "contact_email": f"mic{n + 1}@example.cn",
        "summary": f"{c.center}以{org.name}为运营主体，采用“公司+联盟”模式，汇聚产业链上下游"
                   f"企业和高校院所，开展{c.field}行业关键共性技术研发和首次商业化。",
        "operating_company": {"credit_code": org.credit_code, "name": org.name},
        "registered_capital": str(5000 + n * 1000), "founded_on": f"2022-0{3 + n}-18",
        "shareholders": rows,
        **{f"revenue_y{i}": str(revenue * (90 + 10 * i) // 100) for i in (1, 2, 3)},
        **{f"rd_spend_y{i}": str(revenue * (90 + 10 * i) // 1000) for i in (1, 2, 3)},
        "rd_staff": str(120 + n * 40),
        "key_tech": f"聚焦{c.field}领域制约产业发展的关键共性技术，建设中试验证和检测平台。",
        "targets": f"培育期内突破{c.field}关键共性技术5项，建成中试线2条，服务企业100家以上。",
        "tasks": "一是开展关键共性技术攻关；二是建设中试验证平台；三是推动首次商业化应用；"
                 "四是培养行业领军人才。",
        "total_budget": str(total),
        "cultivation_notice": notice_number,
        "achievements": f"培育期内突破{c.field}关键共性技术6项，申请发明专利48项，制定团体标准"
                        "3项，建成中试线2条，服务产业链企业130家。",
        "defense_contact": {"name": data.person(1300 + n), "title": "中心总经理",
                            "phone": "0531-88916702", "email": f"mic{n + 1}@example.cn"},
        "site_address": "济南市历城区港沟街道科创路2766号",
    }
    return lambda _section, f: values[f.key]


def _bureaus(officer: User) -> dict[str, User]:
    """The county bureaus with a recommender each, verified by the installation's officer
    (who verifies every government body)."""
    return {code: units.government_body(name, code, 4000 + n, login, Role.RECOMMENDER,
                                        officer, at(2023, 2, 20, 10, n * 5),
                                        person=data.person(1400 + n))
            for n, (login, name, code) in enumerate(COUNTIES)}


def _cultivate(officer: User, leader: User, recommenders: dict[str, User],
               bureaus: dict[str, User]) -> tuple[Call, list, str]:
    freeze(at(2023, 2, 24, 10))
    call = calls.create_call(
        platform_type=units.platform_type("manufacturing_innovation_center"), year=2023,
        title=CULTIVATION_TITLE, description=DESCRIPTION, opens_at=at(2023, 3, 1, 0),
        closes_at=at(2023, 4, 28, 23, 59), quota=5, recommender_quota=3,
        fields=list(vocabulary.by_name([c.field for c in CANDIDATES]).values()),
        attachments=CULTIVATION_ATTACHMENTS, eligibility=units.BASIC_RULES, actor=officer,
        recommend_deadline=at(2023, 5, 19, 17), stage=CallStage.CULTIVATION)
    recommendation.set_chain(call, chain=Chain.COUNTY_CITY, county_quota=2,
                             county_deadline=at(2023, 5, 10, 17), actor=officer)
    freeze(at(2023, 3, 1, 9))
    calls.advance_call(call, CallState.OPEN, actor=officer)
    apps, leads = [], []
    for n, c in enumerate(CANDIDATES):
        freeze(at(2023, 3, 6 + n, 10))
        lead = units.register_unit(c.company, units.credit_code("91", c.county, 4100 + n),
                                   OrgKind.ENTERPRISE, c.login, 1300 + n,
                                   phone=data.phone(c.county, 1300 + n))
        verify(at(2023, 3, 9 + n, 15), lead.organization, recommenders[city_of(c.county)])
        leads.append(lead)
        apps.append(units.file_application(call, lead, c.center, c.field,
                                           _filler(c, n, lead), at(2023, 4, 10 + n * 3, 9)))
    freeze(at(2023, 4, 29, 9))
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    ranks: dict[str, int] = {}
    for n, (c, app) in enumerate(zip(CANDIDATES, apps, strict=True)):
        ranks[c.county] = ranks.get(c.county, 0) + 1
        freeze(at(2023, 5, 4 + n, 10))
        recommendation.pass_up_application(app, rank=ranks[c.county], opinion=OPINION,
                                           actor=bureaus[c.county])
    units.recommend_by_city(apps, recommenders, at(2023, 5, 15, 10))
    for n, app in enumerate(apps):
        pass_review(at(2023, 5, 22 + n, 10), app, officer)
    freeze(at(2023, 5, 29, 9))
    calls.advance_call(call, CallState.REVIEWING, actor=officer)
    units.expert_review(call, apps, officer, at(2023, 5, 30, 10),
                        {app.id: 86 if c.cultivated else 70
                         for c, app in zip(CANDIDATES, apps, strict=True)})
    for c, app in zip(CANDIDATES, apps, strict=True):
        if c.cultivated:
            act(at(2023, 7, 4, 15), app, Action.SHORTLIST, leader, "列入2023年度培育名单。")
        else:
            act(at(2023, 7, 4, 15), app, Action.NOT_SELECT, leader,
                "运营公司组建时间较短，产业链协同机制尚不完善，本年度未列入培育名单。")
    units.announce_and_end(call, officer, at(2023, 7, 10, 9, 30), at(2023, 7, 18, 0, 10))
    number = units.issue_batch_notice(call, officer, leader, OFFICE, FIRST_NUMBER,
                                      at(2023, 7, 25, 9, 30))
    return call, [(c, app, lead) for c, app, lead in zip(CANDIDATES, apps, leads, strict=True)
                  if c.cultivated], number


def _recognise(officer: User, leader: User, recommenders: dict[str, User], cultivation: Call,
               cultivated: list, notice_number: str) -> tuple[Call, str]:
    """The rolling call of 2024: the hydrogen center, matured first, applies with the
    recognition form and is recognised on its own; the call closes at the year's end."""
    freeze(at(2023, 12, 20, 10))
    call = calls.create_call(
        platform_type=units.platform_type("manufacturing_innovation_center"), year=2024,
        title=RECOGNITION_TITLE, description=DESCRIPTION, opens_at=at(2024, 1, 2, 0),
        closes_at=at(2024, 12, 31, 23, 59), quota=5, recommender_quota=3,
        fields=list(cultivation.fields[i].term for i in range(len(cultivation.fields))),
        attachments=RECOGNITION_ATTACHMENTS, eligibility=units.BASIC_RULES, actor=officer,
        recommend_deadline=at(2025, 1, 10, 17), stage=CallStage.RECOGNITION, rolling=True,
        prerequisite_call_id=cultivation.id)
    freeze(at(2024, 1, 2, 9))
    calls.advance_call(call, CallState.OPEN, actor=officer)
    c, _cultivated_app, lead = cultivated[0]
    app = units.file_application(call, lead, c.center, c.field,
                                 _filler(c, 0, lead, notice_number=notice_number),
                                 at(2024, 5, 6, 9))
    recommend(at(2024, 5, 13, 10), app, 1, recommenders[city_of(app.region_code)])
    pass_review(at(2024, 5, 17, 10), app, officer)
    units.expert_review(call, [app], officer, at(2024, 5, 20, 10), {app.id: 88})
    act(at(2024, 6, 25, 15), app, Action.SHORTLIST, leader,
        "经专家答辩和现场核查，同意认定。")
    freeze(at(2024, 7, 1, 9))
    numbers.set_first_number(OFFICE, 2024, FIRST_2024, actor=officer)
    freeze(at(2024, 7, 2, 10))
    decision = rolling.recognise_application(app, actor=officer)
    freeze(at(2025, 1, 2, 9))
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    return call, decision.number.text


def run(installation_officer: User, recommenders: dict[str, User]) -> Result:
    """Both calls of the department's officer-gxt@ and leader-gxt@. Side effects: the county
    bureaus, units, users, calls, applications, county passes, recommendations, panels,
    the announcement, the cultivation notice, the recognition decision, audit rows."""
    officer = accounts.find_user_by_email(units.email("officer-gxt"))
    leader = accounts.find_user_by_email(units.email("leader-gxt"))
    bureaus = _bureaus(installation_officer)
    cultivation, cultivated, number = _cultivate(officer, leader, recommenders, bureaus)
    recognition, recognised = _recognise(officer, leader, recommenders, cultivation,
                                         cultivated, number)
    return Result(cultivation, recognition, number, recognised)
