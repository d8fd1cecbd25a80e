"""Expiry (rule L6): of many orders, the few whose re-settlement deadline passed are cancelled.

The table is seeded straight into moto (unmeasured): orders in every state, some of whose payment failed, and of
those, `due` whose deadline passed. The expiry job then runs once; what it read is counted on the functions'
session: index entries its queries examined (ScannedCount) and order items its GetItems returned.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.harness import BenchShop, CallCounter, quiet_stdout
from shop.catalogue import ProductKind
from shop.clock import iso
from shop.order_numbers import format_order_number
from shop.orders import SHIPPING_FEE_CENTS, Address, Order, OrderLine, OrderState
from shop_aws.dynamodb.indexes import product_index_entry, resettlement_index_values
from shop_aws.dynamodb.items import to_attributes
from shop_aws.dynamodb.orders import order_item

NOT_YET_DUE = 1_000  # failed payments still inside their week: in the index, but not to be read
STATES = [OrderState.RESERVED, OrderState.SETTLEMENT_PENDING, OrderState.PAID, OrderState.SHIPPED]


@dataclass(frozen=True)
class Expiry:
    orders: int
    due: int
    cancelled: int
    index_entries_read: int
    orders_read: int
    calls: int
    seconds: float

    @property
    def items_read(self) -> int:
        return self.index_entries_read + self.orders_read

    @property
    def reads_per_due_order(self) -> float:
        return self.items_read / self.due


def _order_template(shop: BenchShop) -> dict[str, Any]:
    now = shop.clock.now()
    address = Address.model_validate(
        {"name": "A Member", "line1": "1 Main Street", "city": "Paris", "postalCode": "75001", "country": "FR"}
    )
    line = OrderLine(productId="figure-01", name="Figure 01", quantity=1, unitPriceCents=15_000, releaseDate="2027-03")
    order = Order(
        orderNumber="0000-0000-0000-0000",
        memberId="member",
        email="member@example.com",
        checkoutId="seeded",
        kind=ProductKind.PREORDER,
        lines=(line,),
        shippingAddress=address,
        billingAddress=address,
        paymentToken="tok_visa_4242",
        shippingFeeCents=SHIPPING_FEE_CENTS,
        createdAt=now - timedelta(days=30),
    )
    return to_attributes(order_item(order))  # the shop's own item layout


def _number(shop: BenchShop, index: int) -> str:
    return format_order_number(int((shop.clock.now() - timedelta(days=30)).timestamp() * 1000) + index, index)


def _keys(number: str, index: int) -> dict[str, Any]:
    member = f"member-{index % 5_000:05d}"
    return {
        "PK": {"S": f"ORDER#{number}"},
        "orderNumber": {"S": number},
        "memberId": {"S": member},
        "GSI1PK": {"S": f"MEMBER#{member}"},
        "GSI1SK": {"S": number},
    }


def _failed_payments(shop: BenchShop, template: dict[str, Any], due: int) -> Iterator[dict[str, Any]]:
    """`due` orders past their re-settlement deadline and NOT_YET_DUE inside it, with their product index entries."""
    now = shop.clock.now()
    for index in range(due + NOT_YET_DUE):
        number = _number(shop, index)
        deadline = now - timedelta(hours=1 + index) if index < due else now + timedelta(days=1, minutes=index)
        yield (
            template
            | _keys(number, index)
            | {
                "state": {"S": OrderState.PAYMENT_FAILED.value},
                "settlementAttempt": {"N": "1"},
                "shippingDate": {"S": "2026-11-20"},
                "resettlementDeadline": {"S": iso(deadline)},
                **to_attributes(resettlement_index_values(deadline, number)),
            }
        )
        yield to_attributes(product_index_entry(number, "figure-01"))


def _others(shop: BenchShop, first: int, total: int) -> Iterator[dict[str, Any]]:
    for index in range(first, total):
        yield _keys(_number(shop, index), index) | {"state": {"S": STATES[index % len(STATES)].value}}


def measure(counter: CallCounter, orders: int, due: int) -> Expiry:
    with BenchShop(counter) as shop, quiet_stdout():
        template = _order_template(shop)
        shop.put_raw(_failed_payments(shop, template, due))
        first = due + NOT_YET_DUE
        shop.put_alike(template | _keys(_number(shop, first), first), _others(shop, first + 1, orders))
        with counter.tally() as tally:
            started = time.perf_counter()
            outcome = shop.functions.invoke("ExpireResettlementsFunction", {})
            seconds = time.perf_counter() - started
    return Expiry(
        orders=orders,
        due=due,
        cancelled=int(outcome["cancelled"]),
        index_entries_read=tally.items_read["dynamodb.Query"],
        orders_read=tally.items_read["dynamodb.GetItem"],
        calls=tally.total,
        seconds=seconds,
    )
