"""Per-container singletons every function shares: the clock and Powertools' logger and metrics.

Tracing is Lambda's own: the template's `Tracing: Active` records every invocation, its Init phase and
API Gateway's segment in X-Ray with no code in the function. Powertools' Tracer (the X-Ray SDK) would add
a subsegment per AWS call, but it adds about 100 ms to every cold start (at import the SDK builds a second
botocore client, for sampling, and patches every library it knows), and AWS put the X-Ray SDKs in
maintenance mode in February 2026 in favour of OpenTelemetry; docs/performance.md has the figures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics

from shop.clock import Clock, SystemClock

# The function whose code runs now, where several share one process (the local stack, the handler tests).
# On Lambda nobody sets it: one container runs one function, named by POWERTOOLS_SERVICE_NAME.
_running_function: ContextVar[str | None] = ContextVar("running_function", default=None)


class _FunctionLoggers:
    """Powertools' Logger of the function running now: one per service, each with its own keys.

    A Powertools Logger keeps its keys (service, function_name, request id, appended keys) in one
    formatter, and its service comes from the environment when it is built. On Lambda that is one
    Logger per container, built at import as before. Where several functions share a process, one
    shared Logger would say `service_undefined` and, with requests on several threads, stamp one
    function's lines with another's name; so each function gets a Logger of its own service, chosen
    by `running_as`, which the local invoker sets around a function's import (where decorators such
    as `inject_lambda_context` bind their Logger) and around each invocation (where lines are logged).
    """

    def __init__(self) -> None:
        self._container = Logger()
        self._by_service: dict[str, Logger] = {}
        self._building = threading.Lock()

    def of(self, service: str | None) -> Logger:
        if service is None:
            return self._container
        found = self._by_service.get(service)
        if found is None:
            with self._building:
                found = self._by_service.get(service) or Logger(service=service)
                self._by_service[service] = found
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.of(_running_function.get()), name)


_loggers = _FunctionLoggers()
logger = cast(Logger, _loggers)  # every Logger method, answered by the running function's Logger
metrics = Metrics()


def logger_of(service: str) -> Logger:
    """The Logger a function of this service logs with when several functions share the process."""
    return _loggers.of(service)


@contextmanager
def running_as(service: str | None) -> Iterator[None]:
    """Log as this function (its POWERTOOLS_SERVICE_NAME) in this thread until the block ends."""
    token = _running_function.set(service)
    try:
        yield
    finally:
        _running_function.reset(token)


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
