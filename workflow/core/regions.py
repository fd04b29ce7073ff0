"""China's administrative divisions as a tree: provinces, prefecture-level cities, counties.

Read once from python-stdnum's maintained data set (`stdnum/cn/loc.dat`, kept for its resident
ID check), which records history: "[1983-]历下区", "[1992-2018]莱芜市", "[1983-2013]东陵区,
[2014-]浑南区". The tree holds the regions of today (an open range or none), each under its
current name; every code it lists, of today or gone, answers `is_listed`, since a credit
code issued when a region existed still carries its code.

The level follows from the code: XX0000 a province, XXYY00 a city, anything else a county.
The "市辖区" entries (the districts of a city taken together) are no region of their own.
In the four municipalities (Beijing, Tianjin, Shanghai, Chongqing) every district and county
belongs to XX0100, the municipality as a city, named as the municipality.
"""
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from stdnum import numdb

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
# The districts of a city as one entry: not a region to show or to choose.
PLACEHOLDER = "市辖区"
_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent_code: str | None


def level_of(code: str) -> Level:
    if code.endswith("0000"):
        return Level.PROVINCE
    return Level.CITY if code.endswith("00") else Level.COUNTY


def current_name(entry: str) -> str | None:
    """The name an entry of the data set carries today; None when it no longer exists.

    An entry is a name, or names with the years each held ("[1983-2013]东陵区,[2014-]浑南
    区"); the one with an open end is today's."""
    for part in reversed(entry.split(",")):
        span = _SPAN.match(part.strip())
        if span is None:
            return part.strip()
        if span.group(2) is None:
            return span.group(3).strip()
    return None


@dataclass(frozen=True)
class _Tree:
    regions: dict[str, Region]
    children: dict[str, tuple[str, ...]]
    # Every code the data set lists, of today or of the past.
    listed: frozenset[str]


def _entries():
    """(six-digit code, entry text) of every line of the data set, each province first with
    the name of its own line, then with that of its "0000" line (simplified, dated)."""
    for _length, low, _high, props, children in numdb.get("cn/loc").prefixes:
        yield low + "0000", props["province"]
        for _l, county, _h, county_props, _c in children:
            yield low + county, county_props["county"]


def _parent(code: str) -> str | None:
    province = code[:2] + "0000"
    level = level_of(code)
    if level is Level.PROVINCE:
        return None
    if level is Level.CITY:
        return province
    return code[:2] + "0100" if province in MUNICIPALITIES else code[:4] + "00"


def _shown(code: str, name: str) -> bool:
    if level_of(code) is Level.CITY and code[:2] + "0000" in MUNICIPALITIES:
        return code.endswith("0100")
    return name != PLACEHOLDER


@cache
def _tree() -> _Tree:
    listed: set[str] = set()
    names: dict[str, str] = {}
    for code, entry in _entries():
        listed.add(code)
        name = current_name(entry)
        if name is not None:
            names[code] = name
    for province in MUNICIPALITIES & names.keys():
        names[province[:2] + "0100"] = names[province]
    regions: dict[str, Region] = {}
    for code in sorted(names):  # a parent's code sorts before its children's
        parent = _parent(code)
        if _shown(code, names[code]) and (parent is None or parent in regions):
            regions[code] = Region(code, names[code], level_of(code), parent)
    children: dict[str, list[str]] = {}
    for found in regions.values():
        if found.parent_code is not None:
            children.setdefault(found.parent_code, []).append(found.code)
    return _Tree(regions, {k: tuple(v) for k, v in children.items()}, frozenset(listed))


def region(code: str) -> Region | None:
    """The region of today with this code; None for a code unknown or no longer in use."""
    return _tree().regions.get(code or "")


def is_known(code: str) -> bool:
    return region(code) is not None


def is_listed(code: str) -> bool:
    """Whether the data set lists the code at all: a region of today, one that is gone
    (Laiwu, 371200, until 2018), or the districts of a city taken together (370101). A
    credit code keeps the region it was issued in, so any of these may be in one."""
    return (code or "") in _tree().listed


def province_of(code: str) -> str | None:
    """The province code of a region of today (itself for a province)."""
    found = region(code)
    if found is None:
        return None
    return found.code if found.level is Level.PROVINCE else found.code[:2] + "0000"


def city_of(code: str) -> str | None:
    """The prefecture-level city a city or county belongs to (a municipality's districts:
    XX0100); None for a province and for a code not in use today."""
    found = region(code)
    if found is None or found.level is Level.PROVINCE:
        return None
    return found.code if found.level is Level.CITY else found.parent_code


def cities(province_code: str) -> list[Region]:
    """The prefecture-level cities of a province, by code."""
    return _below(province_code, Level.PROVINCE)


def counties(city_code: str) -> list[Region]:
    """The counties and districts of a city, by code."""
    return _below(city_code, Level.CITY)


def _below(code: str, level: Level) -> list[Region]:
    found = region(code)
    if found is None or found.level is not level:
        return []
    tree = _tree()
    return [tree.regions[c] for c in tree.children.get(code, ())]


def name(code: str) -> str | None:
    found = region(code)
    return found.name if found else None


def full_name(code: str) -> str | None:
    """Province, city and county names in one ("山东省济南市历下区", "北京市朝阳区")."""
    found = region(code)
    if found is None:
        return None
    chain = [found.name]
    while found.parent_code is not None:
        found = _tree().regions[found.parent_code]
        if found.name != chain[0]:
            chain.insert(0, found.name)
    return "".join(chain)


def city_name(code: str) -> str:
    """The name of the city a code belongs to, as pages print it; the code itself when the
    code names no city or county of today."""
    city = city_of(code)
    return name(city) if city else code


def in_province(code: str, province_code: str) -> bool:
    """Whether `code` is a region of today inside the province (the province included)."""
    return is_known(province_code) and province_of(code) == province_code
