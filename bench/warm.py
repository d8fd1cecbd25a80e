"""Warm overhead: checkout invoked in-process, against the same AWS calls made with raw boto3 and nothing else.

The baseline replays the very requests a real checkout made (same tables, items, expressions, sizes), with fresh
keys so every write succeeds, prepared before the clock starts: what is timed is the four calls alone. One
checkout and one replay are timed in turn (which goes first alternating), a thousand of each, and the figures
are their medians. The difference is everything the function adds around the calls: routing, validation, the
rules, idempotency's hashing and serialisation, rendering the email, logging and metrics.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.harness import BenchShop, CallCounter, quiet_stdout
from bench.round_trips import ALICE, cart, product
from local.lambdas import LambdaContext
from shop_aws import clients
from shop_aws.dynamodb.products import create_product

INVOCATIONS = 1_000
CART = 5
GOAL = 1.2


@dataclass(frozen=True)
class Warm:
    calls_per_checkout: int
    function_seconds: tuple[float, ...]  # each invocation's
    baseline_seconds: tuple[float, ...]  # each replay's, taken in alternation with them

    @property
    def invocations(self) -> int:
        return len(self.function_seconds)

    @property
    def function_ms(self) -> float:
        return statistics.median(self.function_seconds) * 1000

    @property
    def baseline_ms(self) -> float:
        return statistics.median(self.baseline_seconds) * 1000

    @property
    def ratio(self) -> float:
        """Of the medians: a burst of load elsewhere moves a few samples of either side, not the median."""
        return self.function_ms / self.baseline_ms

    @property
    def holds(self) -> bool:
        return self.ratio <= GOAL


_UNIQUE = re.compile(
    r"ORDER#([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})|OUTBOX#([0-9a-f]{32})|\.place#([0-9a-f]{32})"
)


def _baseline_requests(captured: list[tuple[str, dict[str, Any]]], count: int) -> list[list[tuple[str, Any]]]:
    """The captured calls, `count` times over, each time with its own order numbers, outbox ids and idempotency id."""
    text = json.dumps(captured)
    originals = sorted({value for match in _UNIQUE.finditer(text) for value in match.groups() if value})
    requests = []
    for index in range(count):
        replaced = text
        for position, original in enumerate(originals):
            suffix = f"{index:05d}{position:02d}"
            replaced = replaced.replace(original, original[: -len(suffix)] + suffix)
        requests.append([(operation, params) for operation, params in json.loads(replaced)])
    return requests


def measure(counter: CallCounter, invocations: int = INVOCATIONS) -> Warm:
    with BenchShop(counter) as shop, quiet_stdout():
        products = [product(index) for index in range(1, CART + 1)]
        for item in products:
            create_product(item)
        body = cart([p.product_id for p in products], shop.saved_card(ALICE))

        def event(key: str) -> tuple[str, dict[str, Any]]:
            return shop.api_request("POST", "/checkout", body, caller=ALICE, headers={"Idempotency-Key": key})

        function, first = event("capture")
        with counter.capturing() as captured:
            response = shop.functions.invoke(function, first)
        if response["statusCode"] != 201:
            raise RuntimeError(f"checkout: {response}")
        calls_per_checkout = len(captured)

        warmup = 20
        events = [event(f"warm-{index}")[1] for index in range(invocations + warmup)]
        baseline = _baseline_requests(captured, invocations + warmup)
        dynamo = clients.client("dynamodb")
        operations = {name: getattr(dynamo, _snake(name)) for name, _ in captured}
        handler = shop.functions.handler(function)
        context = LambdaContext(function_name=function, timeout_seconds=10)

        def run_function(index: int) -> float:
            started = time.perf_counter()
            if handler(events[index], context)["statusCode"] != 201:
                raise RuntimeError("checkout failed")
            return time.perf_counter() - started

        def run_baseline(index: int) -> float:
            started = time.perf_counter()
            for operation, params in baseline[index]:
                operations[operation](**params)
            return time.perf_counter() - started

        for index in range(warmup):
            run_function(index)
            run_baseline(index)
        function_seconds: list[float] = []
        baseline_seconds: list[float] = []
        for index in range(warmup, warmup + invocations):
            # One of each, in turn, which going first alternating too.
            if index % 2:
                function_seconds.append(run_function(index))
                baseline_seconds.append(run_baseline(index))
            else:
                baseline_seconds.append(run_baseline(index))
                function_seconds.append(run_function(index))
    return Warm(calls_per_checkout, tuple(function_seconds), tuple(baseline_seconds))


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
