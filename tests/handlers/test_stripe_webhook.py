"""Stripe's notifications (rule P4): only signed, recent ones count, each event once, in any order.

Signatures as Stripe makes them (https://docs.stripe.com/webhooks#verify-manually): HMAC-SHA256 of
"<t>.<body>" with the endpoint secret, header `Stripe-Signature: t=<t>,v1=<hex>`; five minutes' tolerance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shop_aws.dynamodb import orders as order_store
from tests.support.builders import cart, preorder
from tests.support.payments import WEBHOOK_SECRET, Settlement, webhook
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date, state_of
from tests.support.stripe import LocalStripe, signed


@pytest.fixture
def settlement(shop: Shop, local_stripe: LocalStripe) -> Settlement:
    shop.add_product(preorder("miku-2027"))
    return Settlement(shop, local_stripe)


def pending_order(settlement: Settlement, member: Member) -> str:
    """An order whose settlement was requested; the charge itself is not run, the notifications tell."""
    card = settlement.card(member)
    answer = checkout(settlement.shop, member, cart(("miku-2027", 1), token=card))
    assert answer.status == 201, answer
    number = str(answer.body["orders"][0]["orderNumber"])
    confirm_shipping_date(settlement.shop, number)
    return number


def stripe_event(
    event_id: str, kind: str, number: str | None, attempt: int = 1, code: str | None = None
) -> dict[str, Any]:
    metadata = {} if number is None else {"orderNumber": number, "settlementId": f"{number}#{attempt}"}
    intent = {
        "id": "pi_test_1",
        "object": "payment_intent",
        "status": "succeeded" if code is None else "requires_payment_method",
        "metadata": metadata,
        "last_payment_error": None if code is None else {"code": code, "type": "card_error"},
    }
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": intent}}


def deliver(shop: Shop, payload: dict[str, Any], *, secret: str = WEBHOOK_SECRET, age: int = 0) -> Any:
    body, signature = signed(payload, secret, at=int(shop.now().timestamp()) - age)
    return webhook(shop, body, signature)


def succeeded(number: str, event_id: str = "evt_1") -> dict[str, Any]:
    return stripe_event(event_id, "payment_intent.succeeded", number)


def test_a_signed_success_notification_makes_the_order_paid(settlement: Settlement, alice: Member) -> None:
    # rule P4, L3
    number = pending_order(settlement, alice)

    answer = deliver(settlement.shop, succeeded(number))
    settlement.apply_outcomes()

    assert (answer.status, answer.body) == (200, {"received": True, "handedOver": True})
    assert state_of(number) == "PAID"


def test_a_signed_failure_notification_fails_the_payment_with_its_reason(settlement: Settlement, alice: Member) -> None:
    # rule P4, L4
    number = pending_order(settlement, alice)

    deliver(settlement.shop, stripe_event("evt_2", "payment_intent.payment_failed", number, code="expired_card"))
    settlement.apply_outcomes()

    order = order_store.get_order(number)
    assert order is not None
    assert (order.state.value, order.payment_failure_reason) == ("PAYMENT_FAILED", "expired_card")


def test_an_unsigned_notification_is_refused_and_changes_nothing(settlement: Settlement, alice: Member) -> None:
    # rule P4
    number = pending_order(settlement, alice)

    answer = webhook(settlement.shop, json.dumps(succeeded(number)), None)
    settlement.apply_outcomes()

    assert (answer.status, answer.body["code"]) == (400, "NOTIFICATION_REFUSED")
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_notification_signed_with_another_secret_is_refused(settlement: Settlement, alice: Member) -> None:
    # rule P4
    number = pending_order(settlement, alice)

    answer = deliver(settlement.shop, succeeded(number), secret="whsec_someone_else")
    settlement.apply_outcomes()

    assert answer.status == 400
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_notification_whose_body_was_changed_after_signing_is_refused(settlement: Settlement, alice: Member) -> None:
    # rule P4
    number = pending_order(settlement, alice)
    body, signature = signed(succeeded(number), WEBHOOK_SECRET, at=int(settlement.shop.now().timestamp()))

    answer = webhook(settlement.shop, body.replace("evt_1", "evt_9"), signature)

    assert answer.status == 400


def test_a_notification_signed_more_than_five_minutes_ago_is_refused(settlement: Settlement, alice: Member) -> None:
    # rule P4: Stripe's default tolerance
    number = pending_order(settlement, alice)

    answer = deliver(settlement.shop, succeeded(number), age=301)
    settlement.apply_outcomes()

    assert answer.status == 400
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_notification_signed_five_minutes_ago_is_still_accepted(settlement: Settlement, alice: Member) -> None:
    # rule P4
    number = pending_order(settlement, alice)

    answer = deliver(settlement.shop, succeeded(number), age=300)

    assert answer.status == 200


def test_the_same_event_delivered_twice_is_handed_over_once(settlement: Settlement, alice: Member) -> None:
    # rule P4: once per Stripe event id (Stripe may deliver an event more than once)
    number = pending_order(settlement, alice)
    deliver(settlement.shop, succeeded(number))

    again = deliver(settlement.shop, succeeded(number))

    assert again.status == 200
    assert settlement.outcomes_waiting() == 1


def test_a_failure_notified_after_the_success_leaves_the_order_paid(settlement: Settlement, alice: Member) -> None:
    # rule P4, L3: events out of order
    number = pending_order(settlement, alice)
    deliver(settlement.shop, succeeded(number))
    settlement.apply_outcomes()

    deliver(settlement.shop, stripe_event("evt_3", "payment_intent.payment_failed", number, code="card_declined"))
    settlement.apply_outcomes()

    assert state_of(number) == "PAID"


def test_a_notification_for_an_unknown_order_is_acknowledged_and_changes_nothing(
    settlement: Settlement, alice: Member
) -> None:
    # rule P4
    number = pending_order(settlement, alice)

    answer = deliver(settlement.shop, succeeded("01M8-0000-0000-0000"))
    settlement.apply_outcomes()

    assert answer.status == 200
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_notification_for_a_settlement_never_requested_changes_nothing(settlement: Settlement, alice: Member) -> None:
    # rule P4, L3
    number = pending_order(settlement, alice)

    deliver(settlement.shop, stripe_event("evt_4", "payment_intent.succeeded", number, attempt=7))
    settlement.apply_outcomes()

    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_payment_the_shop_did_not_request_is_acknowledged_and_not_handed_over(settlement: Settlement) -> None:
    # rule P4: a PaymentIntent without the shop's metadata (made in the dashboard, say)
    answer = deliver(settlement.shop, stripe_event("evt_5", "payment_intent.succeeded", None))

    assert (answer.status, answer.body["handedOver"]) == (200, False)
    assert settlement.outcomes_waiting() == 0


def test_other_event_types_are_acknowledged_and_ignored(settlement: Settlement) -> None:
    # rule P4
    answer = deliver(settlement.shop, {"id": "evt_6", "object": "event", "type": "customer.created", "data": {}})

    assert (answer.status, answer.body["handedOver"]) == (200, False)
    assert settlement.outcomes_waiting() == 0
