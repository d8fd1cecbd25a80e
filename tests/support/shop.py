"""A shop running in moto, built from template.yaml, driven the way its callers drive it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from moto.ses.models import ses_backends

from local.lambdas import Functions, QueuePump, StreamPump, api_event
from local.provision import ACCOUNT, REGION, Stack
from local.template import Route
from shop.catalogue import Product
from shop.clock import FixedClock
from shop_aws import dynamodb


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


class Shop:
    def __init__(self, session: boto3.session.Session, stack: Stack, functions: Functions, clock: FixedClock) -> None:
        self.session = session
        self.stack = stack
        self.functions = functions
        self.clock = clock
        self.routes = stack.template.routes()
        self.outbox = StreamPump(session, stack, functions, "ShopTable")
        self.shipping_queue = QueuePump(session, stack, functions, "ShippingDateQueue")
        self._emails_seen = 0

    # ------------------------------------------------------------ API
    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
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

    # ------------------------------------------------------------ other callers
    def invoke(self, logical_id: str, event: dict[str, Any], **kwargs: Any) -> Any:
        return self.functions.invoke(logical_id, event, **kwargs)

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

    def deliver_outbox(self) -> int:
        """Run the outbox dispatcher over the stream's new records; returns records that failed for good."""
        return self.outbox.pump()

    def sent_emails(self) -> list[Any]:
        return list(ses_backends[ACCOUNT][REGION].sent_messages)

    def emails_to(self, address: str) -> list[Any]:
        return [m for m in self.sent_emails() if address in m.destinations["ToAddresses"]]

    # ------------------------------------------------------------ data set-up
    def add_product(self, product: Product) -> Product:
        dynamodb.create_product(product)
        return product

    def product(self, product_id: str) -> Product:
        found = dynamodb.get_product(product_id)
        assert found is not None
        return found[0]

    def now(self) -> datetime:
        return self.clock.now()
