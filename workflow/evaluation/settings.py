"""The evaluation's settings, typed, with their defaults in this one place: how often the
operating centers of a platform type are evaluated, the score thresholds of the grades and
the rectification's period. A round keeps the settings it was opened with as JSON
(EvaluationRound.settings; a missing key takes its default), so that a later change does not
regrade it."""
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from flask_babel import gettext as _


@dataclass(frozen=True)
class EvaluationSettings:
    every_years: int = 3  # a round every N years per platform type (DOMAIN.md section 11)
    # The expert review's score (0-100) from which each grade is given; below: 不合格.
    excellent_from: int = 90
    good_from: int = 80
    qualified_from: int = 60
    rectification_years: int = 1  # the rectification's period, to its report
    plan_days: int = 30  # days from the start of a rectification to its plan

    @classmethod
    def from_json(cls, stored: dict | None) -> "EvaluationSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in (stored or {}).items() if k in known})

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    def problems(self) -> list[str]:
        """Why these settings cannot be used (empty when they can)."""
        problems = []
        if not 1 <= self.every_years <= 10:
            problems.append(_("Evaluate every 1 to 10 years."))
        if not 0 < self.qualified_from < self.good_from < self.excellent_from <= 100:
            problems.append(_("The thresholds must rise from qualified to good to excellent, "
                              "between 1 and 100."))
        if not 1 <= self.rectification_years <= 3:
            problems.append(_("A rectification lasts 1 to 3 years."))
        if not 1 <= self.plan_days <= 180:
            problems.append(_("The plan is due 1 to 180 days after the start."))
        return problems

    def grade_of(self, score: Decimal | float) -> str:
        """The grade the score gives (Grade values, models.py)."""
        if score >= self.excellent_from:
            return "excellent"
        if score >= self.good_from:
            return "good"
        if score >= self.qualified_from:
            return "qualified"
        return "unqualified"


SETTING_KEYS = tuple(f.name for f in fields(EvaluationSettings))
