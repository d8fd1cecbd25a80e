"""Warm overhead: checkout invoked in-process, against the same AWS calls made with raw boto3 and nothing else.

The baseline replays the very requests a real checkout made (same tables, items, expressions, sizes), with fresh
keys so every write succeeds, prepared before the clock starts: what is timed is the four calls alone. The
difference is everything the function adds around them: routing, validation, the rules, idempotency's hashing
and serialisation, rendering the email, logging and metrics.
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
from shop_aws import clients, dynamodb

INVOCATIONS = 1_000
ROUNDS = 100  # alternating batches of 10: a burst of load elsewhere falls on both sides
CART = 5
GOAL = 1.2


@dataclass(frozen=True)
class Warm:
    invocations: int
    function_seconds: float
    baseline_seconds: float
    calls_per_checkout: int
    round_ratios: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """The median of the rounds' ratios: robust to a round that a burst of load elsewhere fell on."""
        return statistics.median(self.round_ratios)

    @property
    def function_ms(self) -> float:
        return self.function_seconds / self.invocations * 1000

    @property
    def baseline_ms(self) -> float:
        return self.baseline_seconds / self.invocations * 1000

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


def measure(counter: CallCounter, invocations: int = INVOCATIONS, rounds: int = ROUNDS) -> Warm:
    with BenchShop(counter) as shop, quiet_stdout():
        products = [product(index) for index in range(1, CART + 1)]
        for item in products:
            dynamodb.create_product(item)
        body = cart([p.product_id for p in products])

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

        def run_function(batch: list[dict[str, Any]]) -> float:
            started = time.perf_counter()
            for request in batch:
                if handler(request, context)["statusCode"] != 201:
                    raise RuntimeError("checkout failed")
            return time.perf_counter() - started

        def run_baseline(batch: list[list[tuple[str, Any]]]) -> float:
            started = time.perf_counter()
            for calls in batch:
                for operation, params in calls:
                    operations[operation](**params)
            return time.perf_counter() - started

        run_function(events[:warmup])
        run_baseline(baseline[:warmup])
        per_round = invocations // rounds
        function_seconds = baseline_seconds = 0.0
        ratios = []
        for round_index in range(rounds):
            chunk = slice(warmup + round_index * per_round, warmup + (round_index + 1) * per_round)
            function_round = run_function(events[chunk])
            baseline_round = run_baseline(baseline[chunk])
            function_seconds += function_round
            baseline_seconds += baseline_round
            ratios.append(function_round / baseline_round)
    return Warm(per_round * rounds, function_seconds, baseline_seconds, calls_per_checkout, tuple(ratios))


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
