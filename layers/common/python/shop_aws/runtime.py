"""Per-container singletons every function shares: the clock and Powertools' logger, tracer and metrics."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger, Metrics, Tracer

from shop.clock import Clock, SystemClock

logger = Logger()
tracer = Tracer()
metrics = Metrics()

_clock: Clock = SystemClock()


class _CurrentClock:
    """Always asks whichever clock is in use now, so objects built at import follow use_clock."""

    def now(self) -> datetime:
        return _clock.now()


_current = _CurrentClock()


def clock() -> Clock:
    return _current


def use_clock(new_clock: Clock) -> None:
    """Swap the clock for the whole container: tests and the local stack move time with this."""
    global _clock  # noqa: PLW0603 - one clock per container is the point
    _clock = new_clock
