"""The one source of the current time, so tests can move it and every deadline uses one zone."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Fix the clock (tests and the demo loader); None releases it."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze needs an aware datetime")
    _frozen = at


def local(at: datetime) -> datetime:
    return at.astimezone(LOCAL)


def from_local(naive: datetime) -> datetime:
    """Read a wall-clock time typed by a user in Asia/Shanghai as an aware datetime."""
    return naive.replace(tzinfo=LOCAL)
