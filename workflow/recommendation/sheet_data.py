"""The recommendation summary sheet as plain data, built by services and rendered by
workflow.recommendation.sheet."""
from dataclasses import dataclass
from datetime import datetime

from workflow.core import clock


@dataclass(frozen=True)
class SheetRow:
    rank: int
    title: str
    lead_unit: str
    credit_code: str
    field: str
    city: str
    cobuilders: str
    opinion: str


@dataclass(frozen=True)
class SummarySheet:
    call_title: str
    recommender: str
    generated_at: datetime
    quota: int
    rows: tuple[SheetRow, ...]

    def __post_init__(self):
        if self.generated_at.tzinfo is None:
            raise ValueError("generated_at must be an aware datetime")

    @property
    def title(self) -> str:
        return f"{self.call_title}推荐汇总表"

    @property
    def ranked_rows(self) -> list[SheetRow]:
        return sorted(self.rows, key=lambda row: row.rank)

    @property
    def date(self) -> str:
        """The date in Asia/Shanghai, written as on official documents: 2026年11月22日."""
        local = clock.local(self.generated_at)
        return f"{local.year}年{local.month}月{local.day}日"
