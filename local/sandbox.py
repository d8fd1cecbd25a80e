"""A payment processor sandbox: answers every SettlementRequested the way processors' test cards do.

Tokens (any suffix allowed, e.g. tok_declined_2):
- tok_declined...   always declined: PaymentFailed (card_declined)
- tok_fail_once...  the first charge of an order fails (insufficient_funds), every later one succeeds
- anything else     succeeds: PaymentSucceeded (tok_success is the documented one)
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from local.provision import REGION, Stack

DECLINED = "tok_declined"
FAIL_ONCE = "tok_fail_once"
SUCCESS = "tok_success"


def outcome_for(token: str, order_number: str, already_failed_once: set[str]) -> tuple[str, str | None]:
    """(detail-type, failure reason) for a charge with this token."""
    if token.startswith(DECLINED):
        return "PaymentFailed", "card_declined"
    if token.startswith(FAIL_ONCE) and order_number not in already_failed_once:
        already_failed_once.add(order_number)
        return "PaymentFailed", "insufficient_funds"
    return "PaymentSucceeded", None


class PaymentSandbox:
    def __init__(self, session: boto3.session.Session, stack: Stack) -> None:
        self.events = session.client("events", region_name=REGION)
        self.sqs = session.client("sqs", region_name=REGION)
        self.bus = stack.ref("ShopBus")
        self.source = stack.ref("PaymentEventSource")
        self.failed_once: set[str] = set()
        self.queue_url = self.sqs.create_queue(QueueName="local-payment-sandbox")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        pattern = {"source": ["preorder.shop"], "detail-type": ["SettlementRequested"]}
        self.events.put_rule(Name="local-payment-sandbox", EventBusName=self.bus, EventPattern=json.dumps(pattern))
        self.events.put_targets(
            Rule="local-payment-sandbox", EventBusName=self.bus, Targets=[{"Id": "sandbox", "Arn": arn}]
        )

    def step(self) -> int:
        return self.pump_once()

    def pump_once(self) -> int:
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            self.settle(json.loads(message["Body"])["detail"])
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def settle(self, request: dict[str, Any]) -> str:
        detail_type, reason = outcome_for(request["paymentToken"], request["orderNumber"], self.failed_once)
        detail = {"orderNumber": request["orderNumber"], "settlementId": request["settlementId"]}
        if reason:
            detail["reason"] = reason
        self.events.put_events(
            Entries=[
                {
                    "Source": self.source,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                    "EventBusName": self.bus,
                }
            ]
        )
        return detail_type
