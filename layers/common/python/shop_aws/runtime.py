"""Per-container singletons every function shares: the clock and Powertools' logger and metrics.

Tracing is Lambda's own: the template's `Tracing: Active` records every invocation, its Init phase and
API Gateway's segment in X-Ray with no code in the function. Powertools' Tracer (the X-Ray SDK) would add
a subsegment per AWS call, but it adds about 100 ms to every cold start (at import the SDK builds a second
botocore client, for sampling, and patches every library it knows), and AWS put the X-Ray SDKs in
maintenance mode in February 2026 in favour of OpenTelemetry; docs/performance.md has the figures.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger, Metrics

from shop.clock import Clock, SystemClock

logger = Logger()
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
