"""What a desk is made of: items (one thing to do, with its deadline and the page where it is
done), groups of items of one kind with their count, and a section per role.

Every group is read with one statement whatever the number of rows: an aggregate (GROUP BY)
or the first CAP rows with the count of all of them (a window count), so a desk issues the
same statements for ten applications and for ten thousand.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func

from workflow.core.extensions import db

CAP = 10


@dataclass(frozen=True)
class Link:
    """An endpoint and its arguments; the page builds the URL (url_for)."""

    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    title: str
    link: Link
    deadline: datetime | None = None  # when the action is due, if it has a due time
    since: datetime | None = None     # when it started waiting, for items without one
    detail: str = ""                  # the call, the unit, the counts in words
    flag: str = ""                    # a short warning shown as a badge


@dataclass(frozen=True)
class More:
    """A link to the existing full list of a group's items."""

    label: str
    link: Link
    count: int


@dataclass
class Group:
    key: str
    count: int
    items: list[Item]
    more: list[More] = field(default_factory=list)
    partial: bool = False  # some are left out (CAP): the page links to the full list
    # False for what informs without asking anything (the running calls' next steps): not
    # counted in the section's total, and shown after the groups that ask.
    asks: bool = True

    @property
    def soonest(self) -> datetime | None:
        return min((i.deadline for i in self.items if i.deadline is not None), default=None)


@dataclass
class Section:
    role: str
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups if g.asks)


def capped(stmt) -> tuple[list, int, bool]:
    """The first CAP rows of `stmt` (ordered by the caller), how many rows it has in all, and
    whether some are left out, in one statement."""
    rows = db.session.execute(stmt.add_columns(func.count().over().label("total_rows"))
                              .limit(CAP)).all()
    total = rows[0].total_rows if rows else 0
    return rows, total, total > len(rows)


def capped_groups(stmt, counted) -> tuple[list, int, bool]:
    """The first CAP groups of a GROUP BY statement, the sum of `counted` (an aggregate of
    each group) over all of them, and whether some groups are left out, in one statement."""
    rows = db.session.execute(stmt.add_columns(func.sum(counted).over().label("total_rows"),
                                               func.count().over().label("total_groups"))
                              .limit(CAP)).all()
    if not rows:
        return rows, 0, False
    return rows, int(rows[0].total_rows), rows[0].total_groups > len(rows)


def by_urgency(groups: list[Group]) -> list[Group]:
    """The groups with something to do, the one with the soonest deadline first; groups
    without deadlines after them, in their given order; then those that only inform."""
    kept = [g for g in groups if g.count]
    return sorted(kept, key=lambda g: (not g.asks, g.soonest is None,
                                       g.soonest.timestamp() if g.soonest else 0))
