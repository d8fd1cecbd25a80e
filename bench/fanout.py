"""Fan-out: staff confirm the shipping date of a product with many open orders (rule L1).

The request goes through the API; the worker pages the product's open-order index (its PAGE_SIZE) through the
shipping-date queue (local.lambdas.QueuePump) and the dispatcher delivers the outbox from the table's stream
(StreamPump), all in moto. The orders are seeded straight into the table with place_checkout, as many checkouts
would have left them, without going through the API (that is not what is measured here).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.ses.models import ses_backends

from bench.harness import STAFF, BenchShop, CallCounter, Invocation, quiet_stdout
from local.provision import ACCOUNT, REGION
from shop.catalogue import Product, ProductKind
from shop.order_numbers import OrderNumbers
from shop.orders import SHIPPING_FEE_CENTS, Address, Order, OrderLine, OrderState
from shop_aws.dynamodb.items import from_attributes
from shop_aws.dynamodb.orders import place_checkout
from shop_aws.dynamodb.products import create_product

PRODUCT = "popular-figure-2027"
SHIPPING_DATE = "2027-03-10"
ORDERS_PER_TRANSACTION = 49  # an order and its index entry each, and the member check: 99 of DynamoDB's 100


@dataclass(frozen=True)
class FanOut:
    orders: int
    seconds: float
    invocations: int
    calls: Counter[str]
    worker_calls: int
    dispatcher_calls: int
    max_orders_per_invocation: int
    max_calls_per_invocation: int
    max_invocation_seconds: float
    pages: int
    page_size: int
    updated: int
    emailed_once: int
    emailed_more: int
    settlements: int

    @property
    def calls_per_order(self) -> float:
        return sum(self.calls.values()) / self.orders

    @property
    def seconds_per_order(self) -> float:
        return self.seconds / self.orders

    @property
    def complete(self) -> bool:
        return self.updated == self.orders == self.emailed_once == self.settlements and self.emailed_more == 0


def _product() -> Product:
    return Product.model_validate(
        {
            "productId": PRODUCT,
            "name": "A popular figure (1/7 scale)",
            "kind": ProductKind.PREORDER,
            "unitPriceCents": 18_900,
            "releaseDate": "2027-03",
            "reservationLimit": 3,
            "preorderClosesAt": datetime(2027, 1, 31, tzinfo=UTC),
        }
    )


def seed(shop: BenchShop, count: int) -> None:
    """`count` reserved pre-orders of the product, each from its own member, written in a few transactions."""
    product = _product()
    create_product(product)
    address = Address.model_validate(
        {"name": "A Member", "line1": "1 Main Street", "city": "Paris", "postalCode": "75001", "country": "FR"}
    )
    line = OrderLine(
        productId=PRODUCT, name=product.name, quantity=1, unitPriceCents=product.unit_price_cents, releaseDate="2027-03"
    )
    numbers = OrderNumbers(shop.clock)
    now = shop.clock.now()
    template = Order(
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
        createdAt=now,
    )
    orders = [
        template.model_copy(
            update={"order_number": numbers.next(), "member_id": f"member-{index:06d}", "email": _email(index)}
        )
        for index in range(count)
    ]
    with shop.without_stream():
        for start in range(0, count, ORDERS_PER_TRANSACTION):
            place_checkout(orders[start : start + ORDERS_PER_TRANSACTION], {}, [])


def _email(index: int) -> str:
    return f"member-{index:06d}@example.com"


def measure(counter: CallCounter, count: int) -> FanOut:
    with BenchShop(counter) as shop, quiet_stdout():
        seed(shop, count)
        worker = shop.functions.module("ShippingDateWorkerFunction")
        ses = ses_backends[ACCOUNT][REGION]
        sent_before = len(ses.sent_messages)
        with shop.logging_invocations() as invocations:
            started = time.perf_counter()
            status, answer = shop.call(
                "POST", f"/admin/products/{PRODUCT}/shipping-date", {"shippingDate": SHIPPING_DATE}, caller=STAFF
            )
            if status != 202:
                raise RuntimeError(f"shipping date refused: {status} {answer}")
            shop.drain()
            seconds = time.perf_counter() - started
        recipients = Counter(
            address for message in ses.sent_messages[sent_before:] for address in message.destinations["ToAddresses"]
        )
        updated = _orders_dated(shop)
        page_size = int(worker.PAGE_SIZE)
    calls: Counter[str] = Counter()
    for invocation in invocations:
        calls.update(invocation.tally.calls)
    expected = {_email(index) for index in range(count)}
    return FanOut(
        orders=count,
        seconds=seconds,
        invocations=len(invocations),
        calls=calls,
        worker_calls=_calls_of(invocations, "ShippingDateWorkerFunction"),
        dispatcher_calls=_calls_of(invocations, "OutboxDispatcherFunction"),
        max_orders_per_invocation=max(len(i.tally.orders) for i in invocations),
        max_calls_per_invocation=max(i.tally.total for i in invocations),
        max_invocation_seconds=max(i.seconds for i in invocations),
        pages=math.ceil(count / page_size),
        page_size=page_size,
        updated=updated,
        emailed_once=sum(1 for address in expected if recipients[address] == 1),
        emailed_more=sum(1 for address, times in recipients.items() if times > 1 or address not in expected),
        settlements=calls["events.PutEvents"],
    )


def _calls_of(invocations: list[Invocation], function: str) -> int:
    return sum(i.tally.total for i in invocations if i.function == function)


def _orders_dated(shop: BenchShop) -> int:
    """Orders of the product now awaiting settlement with the date, read with the harness's own (uncounted) client."""
    pages = shop.session.client("dynamodb").get_paginator("scan")
    dated = 0
    for page in pages.paginate(
        TableName=shop.stack.ref("ShopTable"),
        FilterExpression="#type = :order",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":order": {"S": "ORDER"}},
    ):
        for item in page["Items"]:
            values: dict[str, Any] = from_attributes(item)
            if values.get("shippingDate") == SHIPPING_DATE and values["state"] == OrderState.SETTLEMENT_PENDING.value:
                dated += 1
    return dated
