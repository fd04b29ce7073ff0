"""A call's chain of recommendation (DOMAIN.md section 12): its levels in order, and the
defaults of a new call. What each level does is the recommendation feature's
(recommendation/levels.py)."""
from enum import StrEnum


class Level(StrEnum):
    COUNTY = "county"
    CITY = "city"
    DEPARTMENT = "department"


class Chain(StrEnum):
    CITY = "city"
    COUNTY_CITY = "county,city"
    DEPARTMENT = "department"

    @property
    def levels(self) -> tuple[Level, ...]:
        return tuple(Level(part) for part in self.value.split(","))


DEFAULT_CHAIN = Chain.CITY
DEFAULT_COUNTY_QUOTA = 3
