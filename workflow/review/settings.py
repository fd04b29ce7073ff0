"""A call's review settings, typed, with their defaults (DOMAIN.md 6) in this one place.

They are stored as JSON in two columns, and stay so: the panel size, the load limit and the
scoring rules in Call.review_settings; the same-city rule R8 and the experts' age limit in
Call.eligibility, which the intake's eligibility settings share. A key missing from the JSON
takes its default.
"""
from dataclasses import asdict, dataclass, field, fields

# The keys kept in Call.eligibility rather than Call.review_settings.
IN_ELIGIBILITY = ("same_city_conflict", "expert_max_age")


@dataclass(frozen=True)
class ReviewSettings:
    k: int = 5                      # experts per panel (odd, so that panels cannot tie)
    max_load: int = 10              # panels per expert at most (L)
    aggregation: str = "trimmed"    # 'trimmed': drop one highest and one lowest; 'mean'
    trim_from: int = 5              # trim only with at least this many sheets
    alarm_range: float = 20.0       # alarm when max - min is above this
    alarm_stdev: float = 10.0       # ... or the sample standard deviation is above this
    # Weights of the stages, e.g. {"review": 0.6, "defense": 0.4}; empty: the review only.
    weights: dict = field(default_factory=dict)
    tie_breaks: tuple[str, ...] = ("innovation", "industry")
    same_city_conflict: bool = True  # R8: exclude experts from the lead unit's city
    expert_max_age: int = 65

    @classmethod
    def from_json(cls, review_settings: dict | None, eligibility: dict | None = None
                  ) -> "ReviewSettings":
        """The settings stored in the two JSON columns, each missing key at its default."""
        stored = {**(review_settings or {}),
                  **{k: v for k, v in (eligibility or {}).items() if k in IN_ELIGIBILITY}}
        default = cls()
        values = {}
        for f in fields(cls):
            value = stored.get(f.name, getattr(default, f.name))
            values[f.name] = _typed(f.name, value)
        return cls(**values)

    def to_json(self) -> tuple[dict, dict]:
        """(the Call.review_settings part, the Call.eligibility part), as stored."""
        values = {**asdict(self), "tie_breaks": list(self.tie_breaks)}
        return ({k: v for k, v in values.items() if k not in IN_ELIGIBILITY},
                {k: values[k] for k in IN_ELIGIBILITY})


def _typed(name: str, value):
    if name in ("k", "max_load", "trim_from", "expert_max_age"):
        return int(value)
    if name in ("alarm_range", "alarm_stdev"):
        return float(value)
    if name == "same_city_conflict":
        return bool(value)
    if name == "tie_breaks":
        return tuple(value or ())
    if name == "weights":
        return dict(value or {})
    return value


def review_settings_of(call) -> ReviewSettings:
    return ReviewSettings.from_json(call.review_settings, call.eligibility)
