"""Parts of the local stack that need no AWS: schedules on their rate, durations, ports, event patterns."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from local.events import Schedule, Scheduler, schedules
from local.patterns import matches
from local.provision import Stack
from local.stack import PortTaken, check_port_free, parse_duration
from local.template import Resolver, load

ROOT = Path(__file__).resolve().parents[2]


class RecordingFunctions:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def invoke(self, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((logical_id, event))
        return {}


def test_the_templates_schedules_are_read_with_their_rates() -> None:
    stack = Stack(template=load(), resolver=Resolver({}, {}))

    found = {schedule.function: schedule.every for schedule in schedules(stack)}

    assert found["ExpireResettlementsFunction"] == timedelta(minutes=15)


def test_a_schedule_runs_its_function_once_its_rate_has_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": 1000.0}
    monkeypatch.setattr("local.events.time.monotonic", lambda: clock["now"])
    functions = RecordingFunctions()
    scheduler = Scheduler(functions, [Schedule("ExpireResettlementsFunction", timedelta(minutes=15))])  # type: ignore[arg-type]

    scheduler.tick()
    clock["now"] += 15 * 60
    scheduler.tick()
    scheduler.tick()

    assert [name for name, _ in functions.calls] == ["ExpireResettlementsFunction"]
    assert functions.calls[0][1]["source"] == "aws.scheduler"


def test_running_the_schedules_now_runs_each_once() -> None:
    functions = RecordingFunctions()
    scheduler = Scheduler(functions, [Schedule("A", timedelta(minutes=15)), Schedule("B", timedelta(hours=1))])  # type: ignore[arg-type]

    scheduler.run_now()

    assert [name for name, _ in functions.calls] == ["A", "B"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("36h", timedelta(hours=36)),
        ("6d23h", timedelta(days=6, hours=23)),
        ("90m", timedelta(minutes=90)),
    ],
)
def test_clock_durations_read_as_people_write_them(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "a week", "-1d"])
def test_a_duration_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_a_port_in_use_is_reported_with_the_flag_that_changes_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(PortTaken, match=f"Port {port} .* already in use"):
            check_port_free(port, "the shop's API")


def test_start_on_a_taken_port_says_so_and_exits() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = subprocess.run(  # noqa: S603 - our own CLI on a loopback port
            [sys.executable, "-m", "local", "start", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 2
    assert "already in use" in result.stderr


def test_event_patterns_match_as_eventbridge_does() -> None:
    pattern = {
        "source": ["payment.processor"],
        "detail-type": ["PaymentFailed"],
        "detail": {"orderNumber": [{"prefix": "01"}]},
    }

    assert matches(
        pattern, {"source": "payment.processor", "detail-type": "PaymentFailed", "detail": {"orderNumber": "01AB"}}
    )
    assert not matches(
        pattern, {"source": "payment.processor", "detail-type": "PaymentSucceeded", "detail": {"orderNumber": "01AB"}}
    )
    assert not matches(
        pattern, {"source": "payment.processor", "detail-type": "PaymentFailed", "detail": {"orderNumber": "99"}}
    )
