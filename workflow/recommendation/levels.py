"""The chain of recommendation a call sets (DOMAIN.md section 12): which levels recommend, in
which order, each with its own quota and deadline.

- `city`: the city's science bureau recommends the applications of its city (the default,
  and the only chain before issue 14).
- `county,city`: the county bureau checks first (初审) and passes up within its quota; the
  city ranks what its counties passed up.
- `department`: a provincial department recommends the applications of the units that name
  it as their supervising department (Organization.supervising_org_id).

The last level of a chain recommends to the issuing department, with the call's
`recommender_quota` and `recommend_deadline`; the county level passes up with the call's
`county_quota` and `county_deadline`. The chains and their levels, with a new call's
defaults, are the call's (calls/chains.py).
"""
from dataclasses import dataclass
from datetime import datetime

from workflow.calls.chains import DEFAULT_CHAIN, Chain, Level
from workflow.core import creditcode, regions


@dataclass(frozen=True)
class LevelSettings:
    level: Level
    quota: int
    deadline: datetime | None

    @property
    def passes_up(self) -> bool:
        """Whether this level hands on to another recommender (else to the department)."""
        return self.level is Level.COUNTY


def chain_of(call) -> Chain:
    return Chain(call.recommendation_chain or DEFAULT_CHAIN)


def settings_of(call, level: Level) -> LevelSettings:
    if level is Level.COUNTY:
        return LevelSettings(level, call.county_quota, call.county_deadline)
    return LevelSettings(level, call.recommender_quota, call.recommend_deadline)


def first_level(call) -> Level:
    return chain_of(call).levels[0]


def last_level(call) -> Level:
    return chain_of(call).levels[-1]


def county_code_of(region_code: str, credit_code: str) -> str:
    """The county an application belongs to, from its lead unit: the unit's region when that
    is a county, else the region digits of its credit code when they name a county of
    today inside the unit's city, else the city itself (no county known)."""
    if regions.level_of(region_code) is regions.Level.COUNTY:
        return region_code
    digits = creditcode.region_of(credit_code or "")
    if (regions.region(digits) is not None and regions.level_of(digits) is regions.Level.COUNTY
            and regions.city_of(digits) == region_code):
        return digits
    return region_code
