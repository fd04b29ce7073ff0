"""Reference data of DOMAIN.md section 9: the cities of the installation's province (read from
the region tree, core/regions.py) and the ten priority industries."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from workflow.core import regions

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


def province_code() -> str:
    """The installation's province (CENTERFLOW_PROVINCE, checked at start-up)."""
    return current_app.config["PROVINCE_CODE"]


def cities() -> dict[str, str]:
    """The cities of the installation's province, code -> name, by code: those a unit, a
    recommender or an expert is placed in."""
    return {city.code: city.name for city in regions.cities(province_code())}


def in_province(region_code: str) -> bool:
    """Whether the code is a city or county of the installation's province: what "registered
    in the province" asks of a lead unit (a unit of the province's own level names its city)."""
    return regions.city_of(region_code) in cities()
