"""The 2022 centers after their notice (issue 13): task books signed in early 2023, annual
reports for 2023 and 2024, acceptance in 2025, the 2025 evaluation, a rectification and a
revocation. Each feature writes its part as `seed(world)` in `workflow/demo/<feature>.py`;
`STEPS` runs them in the order the years happened, each continuing from where the one
before left the centers. Every change goes through the feature's operations with the clock
frozen at its date (`workflow.core.clock.freeze`), as the rest of the demo does."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.clock import LOCAL
from workflow.core.regions import city_of
from workflow.demo import acceptance as acceptance_demo
from workflow.demo import centers as center_demo
from workflow.demo import evaluation as evaluation_demo
from workflow.demo import reports as report_demo
from workflow.demo import task_books as task_book_demo
from workflow.intake.models import Application


@dataclass
class World:
    call: Call  # the 2022 call, decided: its notice 鲁科字〔2022〕154号 issued on 2022-11-21
    centers: list[Application]  # its 25 approved applications, in the order of data.LEADS
    lead_of: dict[int, User]  # application id -> a user of its lead unit
    officer: User
    leader: User
    recommenders: dict[str, User]  # by city code (370100, ...)
    notes: dict[str, object] = field(default_factory=dict)  # what a step leaves for the next

    def recommender_of(self, app: Application) -> User:
        return self.recommenders[city_of(app.region_code)]


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Beijing time, for `freeze`."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


# The steps in order; each feature adds its own `seed` here.
STEPS: tuple[Callable[[World], None], ...] = (task_book_demo.seed, report_demo.seed,
                                              acceptance_demo.seed, evaluation_demo.seed,
                                              center_demo.seed)


def run(world: World) -> None:
    for step in STEPS:
        step(world)
