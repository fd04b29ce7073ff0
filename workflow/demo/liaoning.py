"""The demo of a Liaoning installation (CENTERFLOW_PROVINCE=210000, seeds/003): the
installation's department is the Liaoning Department of Science and Technology (辽科发),
whose 2021 call for provincial key laboratories takes units of Jinzhou (its districts and
county-level cities) and of Shenyang and Dalian, recommended by their cities' bureaus, to an
issued notice; the Jinzhou Science and Technology Bureau (锦科发) is a second department
running the city's own call for municipal industrial technology innovation centers.
Units are invented, credit codes synthetic."""
from dataclasses import asdict, dataclass
from datetime import timedelta

import pyotp

from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts, second_factor
from workflow.calls.operations import calls
from workflow.core.clock import freeze, now
from workflow.core.regions import city_of
from workflow.core.states import Action, CallState, Role
from workflow.demo import data, units
from workflow.demo.steps import act, pass_review, recommend, verify, verify_body
from workflow.demo.units import at
from workflow.departments import operations as departments
from workflow.departments.models import DepartmentLevel
from workflow.departments.rules import DepartmentData
from workflow.experts.operations import pool as experts
from workflow.lifecycle.permissions import SYSTEM
from workflow.organizations.models import OrgKind
from workflow.vocabulary import rules as vocabulary

PROVINCE, JINZHOU = "210000", "210700"
HOME = DepartmentData(name="辽宁省科学技术厅", short_name="省科技厅", office_code="辽科发",
                      agency_name="辽宁省科学技术厅", level=DepartmentLevel.PROVINCE,
                      region_code=PROVINCE)
CITY_DEPARTMENT = DepartmentData(name="锦州市科学技术局", short_name="市科技局",
                                 office_code="锦科发", agency_name="锦州市科学技术局",
                                 level=DepartmentLevel.CITY, region_code=JINZHOU)
# The cities whose bureaus recommend: code -> (login, bureau, area code of phones).
CITIES = {JINZHOU: ("rec-jinzhou", "锦州市科学技术局", "0416"),
          "210100": ("rec-shenyang", "沈阳市科学技术局", "024"),
          "210200": ("rec-dalian", "大连市科学技术局", "0411")}
EXPERT_CITIES = (("鞍山市", "210300"), ("抚顺市", "210400"), ("丹东市", "210600"),
                 ("营口市", "210800"), ("盘锦市", "211100"))
LAB_TITLE = "2021年度辽宁省重点实验室建设申报"
CITY_TITLE = "2021年度锦州市产业技术创新中心建设申报"
LAB_TEXTS = {
    "title": "{agency}关于认定{year}年度辽宁省{platform}的通知",
    "addressees": "各市科技局，沈抚示范区管委会科技部门，有关单位",
    "body": "\n".join((
        "根据《辽宁省重点实验室建设与运行管理办法》，经单位申报、各市推荐、形式审查、专家评审、"
        "社会公示等程序，决定认定{count}家实验室为{year}年度辽宁省{platform}（名单见附件）。",
        "各重点实验室进入3年筹建期，名称中可使用“（筹）”。各依托单位要落实主体责任，在人员、"
        "经费、场地等方面提供保障，按期完成建设任务并申请验收。",
        "{agency}将对重点实验室实行年度报告和定期评估制度。")),
    "attachment_title": "{year}年度辽宁省{platform}名单",
    "cc": "省发展改革委，省工业和信息化厅，省财政厅。",
    "letter_body": "\n".join((
        "根据《{notice_title}》（{number}），你单位申报的{center}经认定为{year}年度辽宁省"
        "{platform}（筹）。",
        "请你单位按照建设方案抓紧组织实施，按要求报送年度报告，筹建期满后申请验收。",
        "特此函告。")),
}


@dataclass(frozen=True)
class Lab:
    name: str
    host: str
    region: str  # a county of Jinzhou, or a city
    prefix: str
    kind: str
    lab_type: str
    field: str
    approved: bool


LABS = (
    Lab("辽宁省半导体硅材料重点实验室", "锦州神硅半导体材料股份有限公司", "210711", "91",
        OrgKind.ENTERPRISE, "enterprise", "集成电路制造与封测", True),
    Lab("辽宁省精细化工中间体重点实验室", "凌海市海川精细化工有限公司", "210781", "91",
        OrgKind.ENTERPRISE, "enterprise", "精细化工", True),
    Lab("辽宁省北镇葡萄与果蔬精深加工重点实验室", "北镇市医巫闾山食品科技有限公司", "210782",
        "91", OrgKind.ENTERPRISE, "co_built", "食品精深加工", True),
    Lab("辽宁省轨道交通装备控制技术重点实验室", "锦州捷通轨道交通技术研究院", "210702", "12",
        OrgKind.INSTITUTE, "discipline", "轨道交通装备", False),
    Lab("辽宁省新能源汽车电驱动系统重点实验室", "沈阳浑南新能源汽车电驱有限公司", "210112",
        "91", OrgKind.ENTERPRISE, "enterprise", "新能源汽车关键零部件", True),
    Lab("辽宁省海洋生物资源高值化利用重点实验室", "大连海湾海洋生物研究院", "210211", "12",
        OrgKind.INSTITUTE, "discipline", "海洋生物资源", True),
)
# The Jinzhou municipal call: (center, unit, county, field, state it reaches).
CITY_CENTERS = (
    ("锦州市光伏硅片产业技术创新中心", "锦州阳光硅能科技有限公司", "210703", "光伏",
     "formal_passed"),
    ("锦州市汽车电机产业技术创新中心", "锦州汉拿电机技术有限公司", "210711",
     "新能源汽车关键零部件", "recommended"),
)

LOGINS: list[tuple[str, str, str]] = [
    (units.email("officer"), data.PASSWORD, "officer, 辽宁省科学技术厅 (辽科发)"),
    (units.email("leader"), data.PASSWORD, "leader, 辽宁省科学技术厅"),
    (units.email("officer-jz"), data.PASSWORD,
     "officer, 锦州市科学技术局 (锦科发); municipal call with applications under review"),
    (units.email("leader-jz"), data.PASSWORD, "leader, 锦州市科学技术局"),
] + [(units.email(login), data.PASSWORD, f"recommender, {bureau}")
     for login, bureau, _area in CITIES.values()] + [
    (units.email(f"lab{n + 1:02d}"), data.PASSWORD, f"applicant, {lab.host}")
    for n, lab in enumerate(LABS)]
DEPARTMENT_EMAILS = tuple(units.email(n) for n in ("officer", "leader", "officer-jz",
                                                      "leader-jz"))


def phone(region: str, n: int) -> str:
    return f"{CITIES[city_of(region)][2]}-{86100000 + n * 7393 % 900000:08d}"


def _staff(login: str, role: Role, n: int, org=None) -> User:
    user = accounts.create_user(email=units.email(login), name=data.person(n), roles=[role],
                                password=data.PASSWORD, organization=org)
    secret = second_factor.new_secret()
    second_factor.enable(user, secret, pyotp.TOTP(secret).at(now()))
    return user


def _departments() -> tuple[User, User, User, User]:
    """The installation's department becomes Liaoning's; the Jinzhou bureau is added."""
    freeze(at(2021, 3, 1, 9))
    home = departments.ensure_home_department()
    body = accounts.create_organization(name=HOME.name, credit_code=units.credit_code(
        "11", PROVINCE, 5000), region_code=PROVINCE, kind=OrgKind.GOVERNMENT,
        legal_representative=data.person(1500))
    officer = _staff("officer", Role.OFFICER, 1501, body)
    leader = _staff("leader", Role.LEADER, 1502, body)
    officer.department = leader.department = home
    departments.update_department(home, DepartmentData(**{**asdict(HOME), "active": True}),
                                  actor=officer)
    verify_body(at(2021, 3, 1, 9, 5), body, officer, SYSTEM)
    city = departments.create_department(CITY_DEPARTMENT, actor=officer)
    city_officer = _staff("officer-jz", Role.OFFICER, 1503)
    city_leader = _staff("leader-jz", Role.LEADER, 1504)
    for user in (city_officer, city_leader):
        departments.assign_department(user, city, actor=officer)
    return officer, leader, city_officer, city_leader


def _recommenders(officer: User) -> dict[str, User]:
    return {code: units.government_body(bureau, code, 5010 + n, login, Role.RECOMMENDER,
                                        officer, at(2021, 3, 2, 10, n * 5),
                                        person=data.person(1510 + n))
            for n, (code, (login, bureau, _area)) in enumerate(CITIES.items())}


def _expert_pool(officer: User) -> None:
    """Fifteen experts of cities with no applicant, in the fields of both calls."""
    fields = sorted({lab.field for lab in LABS} | {c[3] for c in CITY_CENTERS})
    rows = []
    for i in range(15):
        city, code = EXPERT_CITIES[i % len(EXPERT_CITIES)]
        rows.append({
            "name": data.person(1600 + i), "employer": f"{city.removesuffix('市')}科技大学",
            "employer_credit_code": units.credit_code("12", code, 5100 + i % 5),
            "city": city, "title": ("教授", "研究员", "正高级工程师")[i % 3],
            "fields": "；".join(fields[(i + d) % len(fields)] for d in range(3)),
            "birth_year": str(1965 + i), "phone": f"0412-8{i:07d}",
            "email": f"ln-expert{i + 1:02d}@{data.DOMAIN}"})
    freeze(at(2021, 6, 18, 10))
    experts.import_experts(rows, actor=officer)


def _lab_filler(lab: Lab, n: int):
    values = {
        "project_head": data.person(1700 + n), "contact_name": data.person(1720 + n),
        "contact_phone": phone(lab.region, n), "contact_email": f"lab{n + 1}@example.cn",
        "summary": f"{lab.name}依托{lab.host}建设，围绕{lab.field}领域的应用基础研究和关键"
                   "技术攻关，服务辽宁老工业基地振兴。",
        "lab_type": lab.lab_type, "discipline": f"{lab.field}相关学科",
        "city_support": "所在市承诺三年配套支持经费500万元，提供科研用房和人才公寓。",
        "director": {"name": data.person(1700 + n), "title": "教授级高级工程师",
                     "phone": phone(lab.region, 50 + n), "email": f"lab{n + 1}@example.cn"},
        "researchers": str(36 + n * 7), "equipment_value": str(3200 + n * 450),
        "area": str(2600 + n * 300),
        "directions": f"一是{lab.field}基础理论与材料；二是关键工艺与装备；三是检测评价方法。",
        "projects": [{"title": f"{lab.field}关键技术研究与应用（辽宁省重点研发计划）",
                      "year": str(2018 + k), "funds": str(200 + 50 * k)} for k in range(3)],
        "targets": "筹建期内形成3个稳定的研究方向，承担省级以上项目10项，授权发明专利20项。",
        "tasks": "完善实验室管理制度，建设开放共享平台，引进培养学术带头人。",
        "total_budget": str(2500 + n * 300),
    }
    return lambda _section, f: values[f.key]


def _center_filler(name: str, unit: str, region: str, field: str, n: int):
    """Plausible values of the technology innovation center form, chosen by field kind."""
    def fill(_section, f):
        if f.kind == "money":
            return str(1200 + n * 300 + len(f.key) * 10)
        if f.kind == "number":
            return str(80 + n * 20)
        if f.kind == "industry":
            return "高端装备"
        if f.kind in ("email", "phone"):
            return f"jzcx{n + 1}@example.cn" if f.kind == "email" else phone(region, 80 + n)
        if f.kind == "text":
            return data.person(1800 + n)
        return (f"{name}由{unit}牵头建设，聚焦{field}领域的{f.label.split('（')[0]}，"
                "依托锦州市产业基础开展关键技术攻关和成果转化。")
    return fill


def _lab_call(officer: User, leader: User, recommenders: dict[str, User]) -> None:
    freeze(at(2021, 4, 12, 10))
    call = calls.create_call(
        platform_type=units.platform_type("key_laboratory"), year=2021, title=LAB_TITLE,
        description="根据《辽宁省重点实验室建设与运行管理办法》，组织开展2021年度辽宁省重点实验室"
                    "建设申报，经所在市科技局审核推荐后报送省科技厅。",
        opens_at=at(2021, 4, 20, 0), closes_at=at(2021, 5, 31, 23, 59), quota=10,
        recommender_quota=5,
        fields=list(vocabulary.by_name(sorted({lab.field for lab in LABS})).values()),
        attachments=(("licence", "依托单位法人证书或营业执照"),
                     ("equipment_list", "主要仪器设备清单"), ("integrity", "科研诚信承诺书")),
        eligibility=units.BASIC_RULES, actor=officer, recommend_deadline=at(2021, 6, 15, 17))
    freeze(at(2021, 4, 20, 9))
    calls.advance_call(call, CallState.OPEN, actor=officer)
    apps = []
    for n, lab in enumerate(LABS):
        freeze(at(2021, 4, 21 + n, 10))
        lead = units.register_unit(lab.host, units.credit_code(lab.prefix, lab.region, 5200 + n),
                                   lab.kind, f"lab{n + 1:02d}", 1700 + n,
                                   phone=phone(lab.region, n))
        verify(at(2021, 4, 27 + n % 3, 15), lead.organization,
               recommenders[city_of(lab.region)])
        apps.append(units.file_application(call, lead, lab.name, lab.field,
                                           _lab_filler(lab, n), at(2021, 5, 6 + 2 * n, 9)))
    freeze(at(2021, 6, 1, 9))
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    units.recommend_by_city(apps, recommenders, at(2021, 6, 3, 10))
    for n, app in enumerate(apps):
        pass_review(at(2021, 6, 16 + n % 3, 10), app, officer)
    _expert_pool(officer)
    freeze(at(2021, 6, 21, 9))
    calls.advance_call(call, CallState.REVIEWING, actor=officer)
    units.expert_review(call, apps, officer, at(2021, 6, 22, 10),
                        {app.id: 85 if lab.approved else 68
                         for lab, app in zip(LABS, apps, strict=True)})
    for lab, app in zip(LABS, apps, strict=True):
        if lab.approved:
            act(at(2021, 8, 10, 15), app, Action.SHORTLIST, leader, "列入2021年度拟认定名单。")
        else:
            act(at(2021, 8, 10, 15), app, Action.NOT_SELECT, leader,
                "依托单位开放运行时间不足两年，本年度未列入拟认定名单。")
    units.announce_and_end(call, officer, at(2021, 8, 16, 9, 30), at(2021, 8, 24, 0, 10))
    units.issue_batch_notice(call, officer, leader, HOME.office_code, 96,
                             at(2021, 9, 6, 9, 30), LAB_TEXTS)


def _city_call(officer: User, recommender: User) -> None:
    """The Jinzhou bureau's municipal call: filed, recommended and partly through formal
    review, the city bureau being the issuing department."""
    freeze(at(2021, 9, 15, 10))
    call = calls.create_call(
        platform_type=units.platform_type("tech_innovation_center"), year=2021,
        title=CITY_TITLE, description="组织开展2021年度锦州市产业技术创新中心建设申报。",
        opens_at=at(2021, 9, 20, 0), closes_at=at(2021, 10, 29, 23, 59), quota=10,
        recommender_quota=5,
        fields=list(vocabulary.by_name(sorted({c[3] for c in CITY_CENTERS})).values()),
        attachments=calls.DEFAULT_ATTACHMENTS, eligibility=units.BASIC_RULES, actor=officer,
        recommend_deadline=at(2021, 11, 12, 17))
    freeze(at(2021, 9, 20, 9))
    calls.advance_call(call, CallState.OPEN, actor=officer)
    apps = []
    for n, (name, unit, county, field, _state) in enumerate(CITY_CENTERS):
        freeze(at(2021, 9, 22 + n, 10))
        lead = units.register_unit(unit, units.credit_code("91", county, 5300 + n),
                                   OrgKind.ENTERPRISE, f"jz-center{n + 1}", 1800 + n,
                                   phone=phone(county, 80 + n))
        verify(at(2021, 9, 24 + n, 15), lead.organization, recommender)
        apps.append(units.file_application(call, lead, name, field,
                                           _center_filler(name, unit, county, field, n),
                                           at(2021, 10, 11 + 3 * n, 9)))
    freeze(at(2021, 10, 30, 9))
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    for n, (app, center) in enumerate(zip(apps, CITY_CENTERS, strict=True)):
        recommend(at(2021, 11, 2 + n, 10), app, n + 1, recommender)
        if center[4] == "formal_passed":
            pass_review(at(2021, 11, 16, 10) + timedelta(hours=n), app, officer)


def seed() -> None:
    """The Liaoning demo. Side effects: departments, units, users, both calls and what
    happened in them, audit rows, files; flushed."""
    officer, leader, city_officer, _city_leader = _departments()
    recommenders = _recommenders(officer)
    _lab_call(officer, leader, recommenders)
    _city_call(city_officer, recommenders[JINZHOU])
