"""Settlement end to end in the handler tests: the outbox puts SettlementRequested on the bus, moto's rule
delivers it to the settlement queue, the charge function charges the local Stripe and puts the outcome on
the bus, whose rules (wired as the local stack wires them) run payment_succeeded / payment_failed."""

from __future__ import annotations

from typing import Any

from local.events import RulePump, wire_rules
from local.lambdas import QueuePump
from tests.support.shop import Member, Shop
from tests.support.stripe import ALWAYS_AUTHENTICATE, VISA, LocalStripe

WEBHOOK_SECRET = "whsec_local_shop"  # local/provision.py LOCAL_SECRETS


class Settlement:
    def __init__(self, shop: Shop, stripe: LocalStripe) -> None:
        self.shop = shop
        self.stripe = stripe
        self.queue = QueuePump(shop.session, shop.stack, shop.functions, "SettlementQueue")
        self.outcomes = [
            RulePump(shop.session, shop.functions, route) for route in wire_rules(shop.session, shop.stack)
        ]
        sqs = shop.session.client("sqs")
        for pump in self.outcomes:
            sqs.purge_queue(QueueUrl=pump.route.queue_url)

    def card(self, member: Member, number: str = VISA) -> str:
        """A card the member saved through the shop's setup route and Stripe.js (here: the local Stripe)."""
        answer = self.shop.call("POST", "/payments/setup-intents", member=member)
        assert answer.status == 201, answer
        if number == ALWAYS_AUTHENTICATE:
            return self.stripe.saved_card(answer.body["customerId"], number)
        confirmed = self.stripe.confirm_setup(answer.body["clientSecret"], number)
        confirmed.raise_for_status()
        return str(confirmed.json()["payment_method"])

    def charge_all(self) -> int:
        """Deliver the outbox, charge what is queued, apply the outcomes; returns charges that failed to run."""
        self.shop.deliver_outbox()
        failed = pump_until_idle(self.queue)
        self.apply_outcomes()
        return failed

    def try_each_once(self) -> int:
        """One delivery of every queued settlement request, as SQS gives each again only after its
        visibility timeout; returns how many failed (and are visible again for the next round)."""
        sqs = self.shop.session.client("sqs")
        failed = []
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.queue.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=600
            ).get("Messages", [])
            if not messages:
                break
            event = {"Records": [self.queue._as_lambda_record(m) for m in messages]}
            try:
                response = self.shop.functions.invoke(self.queue.function, event)
            except Exception:  # Powertools raises when every record failed: Lambda retries the whole batch
                response = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
            failing = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] in failing:
                    failed.append(message["ReceiptHandle"])
                else:
                    sqs.delete_message(QueueUrl=self.queue.queue_url, ReceiptHandle=message["ReceiptHandle"])
        for handle in failed:
            sqs.change_message_visibility(QueueUrl=self.queue.queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
        return len(failed)

    def in_dead_letter_queue(self) -> int:
        sqs = self.shop.session.client("sqs")
        url = self.shop.stack.ref("SettlementDeadLetterQueue")
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def apply_outcomes(self) -> None:
        while sum(pump.pump_once() for pump in self.outcomes):
            pass
        self.shop.deliver_outbox()

    def outcomes_by_function(self) -> dict[str, int]:
        """Outcome events on the bus not yet applied, by the function they go to."""
        sqs = self.shop.session.client("sqs")
        return {
            pump.route.function: int(
                sqs.get_queue_attributes(QueueUrl=pump.route.queue_url, AttributeNames=["ApproximateNumberOfMessages"])[
                    "Attributes"
                ]["ApproximateNumberOfMessages"]
            )
            for pump in self.outcomes
        }

    def outcomes_waiting(self) -> int:
        """Outcome events on the bus not yet applied (PaymentSucceeded and PaymentFailed)."""
        return sum(self.outcomes_by_function().values())

    def queued(self) -> int:
        return queued_messages(self.shop, self.queue.queue_url)


class CustomerErasures:
    """M5: the outbox puts PaymentCustomerErasureRequested on the bus, moto's rule delivers it to the erasure
    queue, and forget_payment_customer deletes the customer at the local Stripe, as SQS hands it messages."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.queue = QueuePump(shop.session, shop.stack, shop.functions, "PaymentCustomerErasureQueue")

    def run_all(self) -> int:
        """Deliver the outbox, then each queued erasure once (a failed one is visible again at once, as after
        its visibility timeout); returns how many failed."""
        self.shop.deliver_outbox()
        return pump_until_idle(self.queue)

    def deliver_again(self) -> None:
        """The queued erasures are each delivered a second time (SQS delivers at least once)."""
        sqs = self.shop.session.client("sqs")
        messages = sqs.receive_message(QueueUrl=self.queue.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        for message in messages.get("Messages", []):
            sqs.send_message(QueueUrl=self.queue.queue_url, MessageBody=message["Body"])

    def queued(self) -> int:
        return queued_messages(self.shop, self.queue.queue_url)


def webhook(shop: Shop, body: str, signature: str | None) -> Any:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return shop.call("POST", "/payments/stripe/webhook", body, headers=headers)


def queued_messages(shop: Shop, queue_url: str) -> int:
    """Messages waiting in the queue or being worked (not yet deleted)."""
    attributes = shop.session.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def pump_until_idle(queue: QueuePump) -> int:
    """Hand the queue's messages to its function until none is left but failures (each visible again at once, as
    after its visibility timeout); returns how many runs failed."""
    failed = 0
    while True:
        handled, failures = queue.pump_once()
        failed += failures
        if handled in {0, failures}:
            return failed
