"""The settlement path (P2, L3): what charging one order costs, in AWS calls and Stripe calls.

`ORDERS` members each save a card (the shop's SetupIntent, confirmed at the local Stripe as Stripe.js does)
and pre-order one figure; staff confirm its shipping date; the fan-out requests each settlement, the
template's rule puts it on the settlement queue, the charge function charges the local Stripe through the
official library, and payment_succeeded applies the outcome. AWS calls are counted by botocore's hooks (as
everywhere in the bench), Stripe calls at the library's HTTP client. Also: the cold import of `stripe`.

    python -m bench.settlement     # this measure alone, printed
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from bench.cold_start import BASELINE, LAYER, _time
from bench.harness import STAFF, BenchShop, CallCounter, Caller, quiet_stdout
from local.events import RulePump, wire_rules
from local.lambdas import QueuePump
from shop.catalogue import Product, ProductKind
from shop_aws.dynamodb.products import create_product

ORDERS = 40
IMPORT_RUNS = 10
PRODUCT = "settled-figure-2027"


@dataclass(frozen=True)
class Settlement:
    orders: int
    paid: int
    charge_aws: Counter[str]
    charge_stripe: Counter[str]
    outcome_aws: Counter[str]
    import_stripe_ms: float
    import_baseline_ms: float

    def per_order(self, calls: Counter[str]) -> float:
        return sum(calls.values()) / self.orders


def _counting_stripe_calls(into: Counter[str]) -> Any:
    original = requests.Session.request

    def request(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if "/v1/" in url:
            path = url.split("/v1/", 1)[1].split("?", 1)[0]
            kind = path.split("/", 1)[0]
            into[f"{method.upper()} /v1/{kind}{'/{id}' if '/' in path else ''}"] += 1
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = request  # type: ignore[method-assign]
    return original


def measure(counter: CallCounter, orders: int = ORDERS) -> Settlement:
    with BenchShop(counter) as shop, quiet_stdout():
        create_product(
            Product.model_validate(
                {
                    "productId": PRODUCT,
                    "name": "A figure charged at its shipping date",
                    "kind": ProductKind.PREORDER,
                    "unitPriceCents": 18_900,
                    "releaseDate": "2027-03",
                    "reservationLimit": 3,
                    "preorderClosesAt": datetime(2027, 1, 31, tzinfo=UTC),
                }
            )
        )
        address = {
            "name": "A Member",
            "line1": "1 Main Street",
            "city": "Paris",
            "postalCode": "75001",
            "country": "FR",
        }
        for index in range(orders):
            member = Caller(f"member-{index:04d}", f"member-{index}@example.com")
            body = {
                "items": [{"productId": PRODUCT, "quantity": 1}],
                "shippingAddress": address,
                "billingAddress": address,
                "paymentMethodId": shop.saved_card(member),
            }
            status, answer = shop.call("POST", "/checkout", body, caller=member, headers={"Idempotency-Key": "k"})
            if status != 201:
                raise RuntimeError(f"checkout: {status} {answer}")
        status, answer = shop.call(
            "POST", f"/admin/products/{PRODUCT}/shipping-date", {"shippingDate": "2027-03-10"}, caller=STAFF
        )
        if status != 202:
            raise RuntimeError(f"shipping date: {status} {answer}")
        outcomes = [RulePump(shop.session, shop.functions, route) for route in wire_rules(shop.session, shop.stack)]
        shop.drain()
        queue = QueuePump(shop.session, shop.stack, shop.functions, "SettlementQueue")
        stripe_calls: Counter[str] = Counter()
        original = _counting_stripe_calls(stripe_calls)
        try:
            with counter.tally() as charging:
                queue.drain()
        finally:
            requests.Session.request = original  # type: ignore[method-assign]
        with counter.tally() as applying:
            while sum(pump.pump_once() for pump in outcomes):
                pass
        paid = 0
        for index in range(orders):
            member = Caller(f"member-{index:04d}", f"member-{index}@example.com")
            _, page = shop.call("GET", "/orders", caller=member)
            paid += sum(1 for order in page["orders"] if order["state"] == "PAID")
    env = {"PATH": "/usr/bin:/bin", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    statement = "import stripe\nstripe.StripeClient('sk_test_bench')"
    _time(statement, [str(LAYER)], env)
    with_stripe, baseline = [], []
    for _ in range(IMPORT_RUNS):
        baseline.append(_time(BASELINE, [str(LAYER)], env))
        with_stripe.append(_time(statement, [str(LAYER)], env))
    return Settlement(
        orders=orders,
        paid=paid,
        charge_aws=charging.calls,
        charge_stripe=stripe_calls,
        outcome_aws=applying.calls,
        import_stripe_ms=statistics.median(with_stripe),
        import_baseline_ms=statistics.median(baseline),
    )


def markdown(result: Settlement) -> str:
    def listed(calls: Counter[str]) -> str:
        return ", ".join(f"{name} {count / result.orders:g}" for name, count in sorted(calls.items())) or "none"

    return "\n".join(
        [
            f"### Settlement path, per order ({result.orders} orders charged at the local Stripe, {result.paid} paid)",
            "",
            "| Measure | Per order | Which calls |",
            "|---|---|---|",
            f"| Charge function: AWS calls | {result.per_order(result.charge_aws):g} | {listed(result.charge_aws)} |",
            f"| Charge function: Stripe calls | {result.per_order(result.charge_stripe):g} | "
            f"{listed(result.charge_stripe)} |",
            f"| Outcome applied (payment_succeeded): AWS calls | {result.per_order(result.outcome_aws):g} | "
            f"{listed(result.outcome_aws)} |",
            f"| Cold import of `stripe` 16.1.0 and a client | {result.import_stripe_ms:.0f} ms | "
            f"against `import boto3` alone: {result.import_baseline_ms:.0f} ms (median of {IMPORT_RUNS}) |",
            "",
        ]
    )


if __name__ == "__main__":
    print(markdown(measure(CallCounter())))
    sys.exit(0)
