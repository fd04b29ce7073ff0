"""Reference data of DOMAIN.md section 9: Shandong's cities and the ten priority industries."""
from flask_babel import lazy_gettext as _l

PROVINCE_CODE = "370000"

CITIES: dict[str, str] = {
    "370100": "济南市", "370200": "青岛市", "370300": "淄博市", "370400": "枣庄市",
    "370500": "东营市", "370600": "烟台市", "370700": "潍坊市", "370800": "济宁市",
    "370900": "泰安市", "371000": "威海市", "371100": "日照市", "371300": "临沂市",
    "371400": "德州市", "371500": "聊城市", "371600": "滨州市", "371700": "菏泽市",
}

PRIORITY_INDUSTRIES: tuple[str, ...] = (
    "新一代信息技术", "高端装备", "新能源新材料", "现代海洋", "医养健康",
    "绿色化工", "现代高效农业", "文化创意", "精品旅游", "现代金融",
)

ORG_KIND_LABELS = {
    "enterprise": _l("Enterprise"),
    "university": _l("University"),
    "institute": _l("Research institute"),
    "government": _l("Government body"),
    "other": _l("Other"),
}


def city_of(region_code: str) -> str:
    """The city code (地级市) a 6-digit administrative code belongs to."""
    return region_code[:4] + "00"


def city_name(region_code: str) -> str:
    return CITIES.get(city_of(region_code), region_code)
