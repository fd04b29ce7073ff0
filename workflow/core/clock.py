"""The one source of the current time, so tests can move it and every deadline uses one zone.

Inside a request the current time is the moment the request arrived (`arrive`, the first
thing every request does): whether a submission is in time, the time it is stamped with and
the time of its audit row are one timestamp, however long the request takes after the
check (issue 9.12). A frozen clock (tests, the demo loader) still wins."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import has_request_context, request

LOCAL = ZoneInfo("Asia/Shanghai")
ARRIVAL = "centerflow.arrived_at"  # the key in the request's WSGI environ
_frozen: datetime | None = None


def _wall() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    if has_request_context():
        arrived = request.environ.get(ARRIVAL)
        if arrived is not None:
            return arrived
    return _wall()


def arrive() -> None:
    """Take the request's time from the real clock, before anything reads the time. Kept
    in the request's own environ: tests run requests inside one shared app context."""
    request.environ[ARRIVAL] = _wall()


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
