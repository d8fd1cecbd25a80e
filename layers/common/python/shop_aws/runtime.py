"""Per-container singletons every function shares: the clock, Powertools' logger and metrics, and tracing.

Tracing is Lambda's own: the template's `Tracing: Active` records every invocation, its Init phase and
API Gateway's segment in X-Ray with no code in the function. Powertools' Tracer (the X-Ray SDK) would add
a subsegment per AWS call, but it adds about 100 ms to every cold start (at import the SDK builds a second
botocore client, for sampling, and patches every library it knows), and AWS put the X-Ray SDKs in
maintenance mode in February 2026 in favour of OpenTelemetry; docs/performance.md has the figures.
`tracer` keeps the decorator the handlers use; it adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

from shop.clock import Clock, SystemClock

Handler = TypeVar("Handler", bound=Callable[..., Any])

logger = Logger()
metrics = Metrics()


class LambdaTracing:
    """Where Powertools' Tracer stood: Lambda's Active tracing already records the invocation."""

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        return handler

    def capture_method(self, method: Handler) -> Handler:
        return method


tracer = LambdaTracing()

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
