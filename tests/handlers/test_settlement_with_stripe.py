"""Settlement through Stripe (rules P1-P3): the charge function charges the local Stripe once per settlement.

The local Stripe behaves as Stripe documents (tests/support/stripe.py, local/stripe_server.py).
"""

from __future__ import annotations

import pytest

from shop_aws.dynamodb import orders as order_store
from tests.support.builders import cart, preorder
from tests.support.payments import Settlement
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date, state_of
from tests.support.stripe import ALWAYS_AUTHENTICATE, DECLINED_AT_CHARGE, VISA, LocalStripe


@pytest.fixture
def settlement(shop: Shop, local_stripe: LocalStripe) -> Settlement:
    shop.add_product(preorder("miku-2027"))
    return Settlement(shop, local_stripe)


def ordered_with(settlement: Settlement, member: Member, number: str = VISA, key: str = "k1") -> str:
    card = settlement.card(member, number)
    answer = checkout(settlement.shop, member, cart(("miku-2027", 1), token=card), key=key)
    assert answer.status == 201, answer
    return str(answer.body["orders"][0]["orderNumber"])


def test_a_confirmed_shipping_date_charges_the_saved_card_and_the_order_is_paid(
    settlement: Settlement, alice: Member
) -> None:
    # rule P2, L1, L3
    number = ordered_with(settlement, alice)
    confirm_shipping_date(settlement.shop, number)

    settlement.charge_all()

    assert state_of(number) == "PAID"
    (intent,) = settlement.stripe.intents_for(f"{number}#1")
    order = order_store.get_order(number)
    assert order is not None
    assert (intent["amount"], intent["currency"], intent["status"]) == (order.total_cents, "usd", "succeeded")
    assert intent["metadata"]["orderNumber"] == number


def test_a_settlement_request_delivered_twice_creates_one_payment_intent(settlement: Settlement, alice: Member) -> None:
    # rule P2: the settlement id is Stripe's idempotency key (https://docs.stripe.com/api/idempotent_requests)
    number = ordered_with(settlement, alice)
    confirm_shipping_date(settlement.shop, number)
    settlement.shop.deliver_outbox()
    sqs = settlement.shop.session.client("sqs")
    (message,) = sqs.receive_message(QueueUrl=settlement.queue.queue_url, VisibilityTimeout=0)["Messages"]
    sqs.send_message(QueueUrl=settlement.queue.queue_url, MessageBody=message["Body"])

    settlement.charge_all()

    assert len(settlement.stripe.intents_for(f"{number}#1")) == 1
    assert state_of(number) == "PAID"


def test_a_declined_card_fails_the_payment_and_the_email_says_the_bank_declined(
    settlement: Settlement, alice: Member
) -> None:
    # rule P3, L4: only the bank's own decline is a payment failure
    number = ordered_with(settlement, alice, DECLINED_AT_CHARGE)
    confirm_shipping_date(settlement.shop, number)

    settlement.charge_all()

    assert state_of(number) == "PAYMENT_FAILED"
    last = settlement.shop.emails_to(alice.email)[-1]
    assert "your bank declined the card" in last.body


def test_a_charge_needing_authentication_fails_with_an_email_asking_the_member_to_re_settle(
    settlement: Settlement, alice: Member
) -> None:
    # rule P1, L4: off-session, Stripe answers authentication_required (https://docs.stripe.com/payments/save-and-reuse)
    number = ordered_with(settlement, alice, ALWAYS_AUTHENTICATE)
    confirm_shipping_date(settlement.shop, number)

    settlement.charge_all()

    order = order_store.get_order(number)
    assert order is not None
    assert (order.state.value, order.payment_failure_reason) == ("PAYMENT_FAILED", "authentication_required")
    last = settlement.shop.emails_to(alice.email)[-1]
    assert "your bank asks you to confirm this payment yourself" in last.body


def test_a_card_detached_since_checkout_fails_the_payment(settlement: Settlement, alice: Member) -> None:
    # rule P1, L4
    number = ordered_with(settlement, alice)
    order = order_store.get_order(number)
    assert order is not None
    settlement.stripe.detach(order.payment_token)
    confirm_shipping_date(settlement.shop, number)

    settlement.charge_all()

    assert state_of(number) == "PAYMENT_FAILED"
    assert settlement.stripe.intents_for(f"{number}#1") == []


def test_while_stripe_answers_500_the_charge_waits_in_the_queue_and_the_order_stays_pending(
    settlement: Settlement, alice: Member
) -> None:
    # rule P3: Stripe's 5xx is not a decline (https://docs.stripe.com/error-handling)
    number = ordered_with(settlement, alice)
    confirm_shipping_date(settlement.shop, number)
    settlement.stripe.outage("error")

    failed = settlement.charge_all()

    assert (failed, settlement.queued(), state_of(number)) == (1, 1, "SETTLEMENT_PENDING")


def test_while_stripe_does_not_answer_in_time_the_charge_waits_in_the_queue(
    settlement: Settlement, alice: Member
) -> None:
    # rule P3: a timeout is not a decline
    number = ordered_with(settlement, alice)
    confirm_shipping_date(settlement.shop, number)
    settlement.stripe.outage("timeout")

    failed = settlement.charge_all()

    assert (failed, settlement.queued(), state_of(number)) == (1, 1, "SETTLEMENT_PENDING")


def test_after_an_outage_the_waiting_charge_is_made_once(settlement: Settlement, alice: Member) -> None:
    # rule P2, P3
    number = ordered_with(settlement, alice)
    confirm_shipping_date(settlement.shop, number)
    settlement.stripe.outage("error")
    settlement.charge_all()
    settlement.stripe.end_outage()

    settlement.charge_all()

    assert state_of(number) == "PAID"
    assert len(settlement.stripe.intents_for(f"{number}#1")) == 1
