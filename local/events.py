"""Events and schedules, locally.

moto delivers bus events to SQS targets but cannot invoke Lambda targets, so each EventBridgeRule
in template.yaml becomes the same rule on the same bus with a local queue as its target; a pump
invokes the function with each event, retrying as the template's RetryPolicy says and parking what
still fails in the rule's dead-letter queue. Schedules run their function on their rate.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3

from local.lambdas import Functions
from local.provision import ACCOUNT, REGION, Stack


@dataclass
class RuleRoute:
    """One template rule, wired to a local queue whose messages are the matched events."""

    function: str
    queue_url: str
    max_attempts: int
    dead_letter_arn: str | None


def wire_rules(session: boto3.session.Session, stack: Stack) -> list[RuleRoute]:
    events = session.client("events", region_name=REGION)
    sqs = session.client("sqs", region_name=REGION)
    routes = []
    for function, spec in stack.template.functions().items():
        for event_name, event in spec.events.items():
            if event["Type"] != "EventBridgeRule":
                continue
            props = stack.resolver.resolve(event["Properties"])
            rule = f"{function}-{event_name}"
            queue_url = sqs.create_queue(QueueName=f"local-rule-{rule}")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            bus = props.get("EventBusName", "default")
            events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(props["Pattern"]))
            events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "local", "Arn": queue_arn}])
            retries = int(props.get("RetryPolicy", {}).get("MaximumRetryAttempts", 185))
            routes.append(RuleRoute(function, queue_url, retries + 1, props.get("DeadLetterConfig", {}).get("Arn")))
    return routes


class RulePump:
    """Invokes a rule's function for each event on its queue; failed events are retried, then parked."""

    def __init__(self, session: boto3.session.Session, functions: Functions, route: RuleRoute) -> None:
        self.sqs = session.client("sqs", region_name=REGION)
        self.functions = functions
        self.route = route
        self.dead_letter_url = (
            self.sqs.get_queue_url(QueueName=route.dead_letter_arn.rsplit(":", 1)[1])["QueueUrl"]
            if route.dead_letter_arn
            else None
        )

    def step(self) -> int:
        return self.pump_once()

    def pump_once(self) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.route.queue_url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
        ).get("Messages", [])
        for message in messages:
            try:
                self.functions.invoke(self.route.function, as_lambda_event(json.loads(message["Body"])))
            except Exception:  # a failed invocation is retried, as EventBridge does
                traceback.print_exc()
                if int(message["Attributes"]["ApproximateReceiveCount"]) < self.route.max_attempts:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.route.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=1
                    )
                    continue
                if self.dead_letter_url:
                    self.sqs.send_message(QueueUrl=self.dead_letter_url, MessageBody=message["Body"])
            self.sqs.delete_message(QueueUrl=self.route.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)


def as_lambda_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge hands it to a Lambda target (moto's SQS copy leaves out the account)."""
    return {"account": ACCOUNT, **event}


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


@dataclass
class Schedule:
    function: str
    every: timedelta


def schedules(stack: Stack) -> list[Schedule]:
    found = []
    for function, spec in stack.template.functions().items():
        for event in spec.events.values():
            if event["Type"] not in {"Schedule", "ScheduleV2"}:
                continue
            expression = stack.resolver.resolve(event["Properties"]["ScheduleExpression"])
            rate = _RATE.match(expression)
            if rate is None:
                raise ValueError(f"the local stack runs rate() schedules only, not {expression!r}")
            amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
            found.append(Schedule(function, timedelta(**{f"{unit}s": amount})))
    return found


def scheduled_event(function: str) -> dict[str, Any]:
    """What EventBridge Scheduler hands a Lambda target with no input."""
    return {
        "version": "0",
        "id": f"local-{time.time_ns()}",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": REGION,
        "resources": [f"arn:aws:scheduler:{REGION}:123456789012:schedule/default/{function}"],
        "detail": "{}",
    }


class Scheduler:
    """Runs each schedule on its rate (wall-clock), and on demand."""

    def __init__(self, functions: Functions, found: list[Schedule]) -> None:
        self.functions = functions
        self.schedules = found
        self._lock = threading.RLock()
        self.restart()

    def restart(self) -> None:
        """Each schedule next runs one full rate from now, as after a fresh start."""
        with self._lock:
            self._next = {s.function: time.monotonic() + s.every.total_seconds() for s in self.schedules}

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No schedule runs, on its rate or on demand, inside the block."""
        with self._lock:
            yield

    def run_now(self) -> dict[str, Any]:
        with self._lock:
            return {s.function: self.functions.invoke(s.function, scheduled_event(s.function)) for s in self.schedules}

    def tick(self) -> None:
        now = time.monotonic()
        for schedule in self.schedules:
            if now >= self._next[schedule.function]:
                self._next[schedule.function] = now + schedule.every.total_seconds()
                with self._lock:
                    self.functions.invoke(schedule.function, scheduled_event(schedule.function))
