"""A shop running in moto, built from template.yaml, driven the way its callers drive it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from moto.cognitoidp.models import cognitoidp_backends
from moto.dynamodb.models import dynamodb_backends
from moto.ses.models import ses_backends
from moto.sqs.models import sqs_backends

from local.events import scheduled_event
from local.lambdas import Functions, QueuePump, StreamPump, api_event
from local.provision import ACCOUNT, REGION, Stack
from local.template import Route
from shop.catalogue import Product
from shop.clock import FixedClock
from shop_aws.dynamodb import orders as order_store
from shop_aws.dynamodb import products as product_store
from shop_aws.dynamodb.items import from_attributes
from tests.support.stripe import VISA, LocalStripe

# A well-formed order number, for requests refused before any order is read.
AN_ORDER_NUMBER = "01M9-2VPC-GE4T-7QXZ"


@dataclass(frozen=True)
class Member:
    member_id: str
    email: str
    staff: bool = False

    @property
    def claims(self) -> dict[str, str]:
        claims = {"sub": self.member_id, "email": self.email, "token_use": "id"}
        if self.staff:
            claims["cognito:groups"] = "staff"
        return claims


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, Any]

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.body!r})"


class ShopInMoto:
    """The shop's resources, provisioned once in moto's in-process mock, and its functions.

    Provisioning everything template.yaml declares takes about 0.4 s (the user pool and the tables most),
    emptying what a test leaves behind well under a millisecond: tests share one provisioning and each
    starts from `empty`. moto's in-memory backends are emptied directly, as no AWS API empties a table.
    """

    def __init__(self, session: boto3.session.Session, stack: Stack, functions: Functions) -> None:
        self.session = session
        self.stack = stack
        self.functions = functions
        self.routes = stack.template.routes()
        self.outbox = StreamPump(session, stack, functions, "ShopTable")
        self.shipping_queue = QueuePump(session, stack, functions, "ShippingDateQueue")

    def empty(self) -> None:
        """Back to the shop as provisioned: no item, stream record, queued message, sent email or sign-in."""
        template = self.stack.template
        tables = dynamodb_backends[ACCOUNT][REGION]
        for logical_id in template.of_type("AWS::DynamoDB::Table"):
            table = tables.get_table(self.stack.ref(logical_id))
            table.items.clear()
            if table.stream_shard is not None:
                table.stream_shard.items.clear()
        self.outbox.start_over()
        queues = sqs_backends[ACCOUNT][REGION]
        for logical_id in template.of_type("AWS::SQS::Queue"):
            queues.purge_queue(self.stack.attribute(logical_id, "QueueName"))
        mail = ses_backends[ACCOUNT][REGION]
        mail.sent_messages.clear()
        mail.sent_message_count = 0
        cognito = cognitoidp_backends[ACCOUNT][REGION]
        for logical_id in template.of_type("AWS::Cognito::UserPool"):
            pool_id = self.stack.ref(logical_id)
            for username in list(cognito.user_pools[pool_id].users):
                cognito.admin_delete_user(pool_id, username)


class Api:
    """The shop's functions, called as API Gateway and the other event sources call them."""

    def __init__(self, functions: Functions, routes: list[Route]) -> None:
        self.functions = functions
        self.routes = routes

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        member: Member | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Answer:
        route, parameters = self._route(method, path)
        if not route.public and member is None:
            return Answer(401, {"message": "Unauthorized"}, {})
        event = api_event(
            method,
            route.path,
            path,
            path_parameters=parameters,
            body=body,
            headers=headers,
            query=query,
            claims=member.claims if member and not route.public else None,
        )
        self.last_request_id = str(event["requestContext"]["requestId"])
        response = self.functions.invoke(route.function, event)
        text = response.get("body") or ""
        return Answer(response["statusCode"], json.loads(text) if text else None, response.get("multiValueHeaders", {}))

    def _route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path) + "$"
            found = re.match(pattern, path)
            if route.method == method and found:
                return route, found.groupdict()
        raise AssertionError(f"template.yaml has no route {method} {path}")

    def invoke(self, logical_id: str, event: dict[str, Any], **kwargs: Any) -> Any:
        return self.functions.invoke(logical_id, event, **kwargs)


class ApiWithoutAws(Api):
    """The functions with AWS out of reach: for what they answer before reading or writing anything.

    The `api` fixture makes every AWS call fail and lists it in `aws_calls`, so an answer that needed data
    would be a 500, and an empty `aws_calls` shows that nothing was read or written.
    """

    def __init__(self, functions: Functions, routes: list[Route]) -> None:
        super().__init__(functions, routes)
        self.aws_calls: list[str] = []


class Shop(Api):
    """One test's shop: the one provisioned in moto, emptied, with the test's own clock."""

    def __init__(self, aws: ShopInMoto, clock: FixedClock, stripe: LocalStripe) -> None:
        super().__init__(aws.functions, aws.routes)
        self.stripe = stripe
        self._cards: dict[tuple[str, str], str] = {}
        self.session = aws.session
        self.stack = aws.stack
        self.outbox = aws.outbox
        self.shipping_queue = aws.shipping_queue
        self.clock = clock

    # ------------------------------------------------------------ other callers
    def payment_event(self, detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
        """An event the payment processor puts on the shop's bus, as EventBridge hands it to a function."""
        return {
            "version": "0",
            "id": f"evt-{detail_type}-{detail.get('settlementId', '')}",
            "detail-type": detail_type,
            "source": self.stack.ref("PaymentEventSource"),
            "account": ACCOUNT,
            "time": self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [],
            "detail": detail,
        }

    def saved_card(self, member: Member, number: str = VISA) -> str:
        """P1: the member saves a card: the shop's SetupIntent, confirmed at the local Stripe as Stripe.js does."""
        answer = self.call("POST", "/payments/setup-intents", member=member)
        assert answer.status == 201, answer
        confirmed = self.stripe.confirm_setup(answer.body["clientSecret"], number)
        confirmed.raise_for_status()
        return str(confirmed.json()["payment_method"])

    def card_of(self, member: Member, number: str = VISA) -> str:
        """The member's saved card of this number: saved the first time it is asked for, then the same one."""
        key = (member.member_id, number)
        if key not in self._cards:
            self._cards[key] = self.saved_card(member, number)
        return self._cards[key]

    def deliver_outbox(self) -> int:
        """Run the outbox dispatcher over the stream's new records; returns records that failed for good."""
        return self.outbox.pump()

    def sweep_outbox(self) -> dict[str, Any]:
        """One run of the outbox sweeper, as its schedule starts it."""
        result: dict[str, Any] = self.invoke("OutboxSweeperFunction", scheduled_event("OutboxSweeperFunction"))
        return result

    def sent_emails(self) -> list[Any]:
        return list(ses_backends[ACCOUNT][REGION].sent_messages)

    def emails_to(self, address: str) -> list[Any]:
        return [m for m in self.sent_emails() if address in m.destinations["ToAddresses"]]

    # ------------------------------------------------------------ data set-up
    def add_product(self, product: Product) -> Product:
        product_store.create_product(product)
        return product

    def product(self, product_id: str) -> Product:
        found = product_store.get_product(product_id)
        assert found is not None
        return found[0]

    def now(self) -> datetime:
        return self.clock.now()


def checkout(shop: Api, member: Member, body: dict[str, Any], key: str = "checkout-key-1") -> Answer:
    """POST /checkout as the member. A `paymentMethodId` that is a test card's number (builders.cart's
    default) is first saved by the member as Stripe.js would (Shop.saved_card), and its id sent instead."""
    method = str(body.get("paymentMethodId", "")) if isinstance(body, dict) else ""
    if isinstance(shop, Shop) and method.isdigit():
        body = {**body, "paymentMethodId": shop.card_of(member, method)}
    return shop.call("POST", "/checkout", body, member=member, headers={"Idempotency-Key": key})


def orders_in_table(shop: Shop) -> list[dict[str, Any]]:
    return _items_of_type(shop, "ORDER")


def outbox_entries(shop: Shop) -> list[dict[str, Any]]:
    return [item for item in _all_items(shop) if item["PK"].startswith("OUTBOX#")]


def _items_of_type(shop: Shop, item_type: str) -> list[dict[str, Any]]:
    return [item for item in _all_items(shop) if item.get("type") == item_type]


def _all_items(shop: Shop) -> list[dict[str, Any]]:
    table = shop.stack.ref("ShopTable")
    pages = shop.session.client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return [from_attributes(item) for page in pages for item in page["Items"]]


def place_preorder(shop: Shop, member: Member, product_id: str = "miku-2027", key: str | None = None) -> str:
    """A placed pre-order for a product that must already exist; returns its order number."""
    from tests.support.builders import cart

    answer = checkout(shop, member, cart((product_id, 1)), key=key or f"{member.member_id}-{product_id}-{shop.now()}")
    assert answer.status == 201, answer
    return str(answer.body["orders"][0]["orderNumber"])


def confirm_shipping_date(shop: Shop, order_number: str, shipping_date: str = "2027-03-10") -> None:
    staff = Member(member_id="staff-1", email="staff@preorder-shop.example", staff=True)
    answer = shop.call(
        "POST", f"/admin/orders/{order_number}/shipping-date", {"shippingDate": shipping_date}, member=staff
    )
    assert answer.status == 202, answer
    shop.shipping_queue.drain()


def state_of(order_number: str) -> str:
    order = order_store.get_order(order_number)
    assert order is not None
    return order.state.value
