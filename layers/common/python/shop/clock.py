"""An injectable clock: every rule that depends on time asks a Clock, so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock time, optionally shifted (the local stack advances time for the whole shop)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FixedClock:
    """A clock that stands still until told to move: for tests."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, by: timedelta) -> None:
        self._at += by


def as_utc(moment: datetime) -> datetime:
    """Refuse naive datetimes: a time without a zone is a bug waiting for a daylight-saving day."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times in the shop are timezone-aware UTC")
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with a Z, to the millisecond: sortable as text, which the indexes rely on."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.") + f"{as_utc(moment).microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
