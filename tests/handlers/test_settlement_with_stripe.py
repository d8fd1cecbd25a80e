"""Settlement through Stripe (rules P1-P3): the charge function charges the local Stripe once per settlement.

The local Stripe behaves as Stripe documents (tests/support/stripe.py, local/stripe_server.py).
"""

from __future__ import annotations

import json

import pytest

from shop.order_numbers import OrderNumbers
from shop.orders import SHIPPING_FEE_CENTS, Address, Order, OrderLine
from shop_aws.dynamodb import orders as order_store
from shop_aws.dynamodb.orders import place_checkout
from tests.support.builders import address_fields, cart, preorder
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


FAN_OUT_ORDERS = 12  # through the whole shop (moto copies the table per transaction: keep it small)
BURST = 200  # settlement requests at once, straight onto the bus


def seeded_orders(settlement: Settlement, count: int) -> list[str]:
    """`count` reserved pre-orders of miku-2027, each of its own member with a card saved at the local Stripe,
    written straight to the table as their checkouts would have left them."""
    shop = settlement.shop
    product = shop.product("miku-2027")
    line = OrderLine(
        productId=product.product_id,
        name=product.name,
        quantity=1,
        unitPriceCents=product.unit_price_cents,
        releaseDate=product.release_date,
    )
    numbers = OrderNumbers(shop.clock)
    orders = []
    for index in range(count):
        card = settlement.stripe.saved_card(settlement.stripe.customer(f"member-{index}@example.com"))
        address = Address.model_validate(address_fields())
        orders.append(
            Order(
                orderNumber=numbers.next(),
                memberId=f"member-{index:04d}",
                email=f"member-{index}@example.com",
                checkoutId=f"checkout-{index}",
                kind=product.kind,
                lines=(line,),
                shippingAddress=address,
                billingAddress=address,
                paymentToken=card,
                shippingFeeCents=SHIPPING_FEE_CENTS,
                createdAt=shop.now(),
            )
        )
    for start in range(0, count, 40):
        place_checkout(orders[start : start + 40], {}, [])
    return [order.order_number for order in orders]


def test_stripe_down_during_a_fan_out_fails_no_order_and_charges_each_once_afterwards(
    settlement: Settlement, staff: Member
) -> None:
    # rule P3, P2: a product's orders dated at once while Stripe answers 500 for a while
    numbers = seeded_orders(settlement, FAN_OUT_ORDERS)
    settlement.stripe.outage("error")
    answer = settlement.shop.call(
        "POST", "/admin/products/miku-2027/shipping-date", {"shippingDate": "2027-03-10"}, member=staff
    )
    assert answer.status == 202
    settlement.shop.shipping_queue.drain()
    settlement.shop.deliver_outbox()
    settlement.try_each_once()
    settlement.try_each_once()  # every request tried twice while Stripe is down
    settlement.apply_outcomes()
    assert {state_of(number) for number in numbers} == {"SETTLEMENT_PENDING"}
    assert settlement.queued() == FAN_OUT_ORDERS

    settlement.stripe.end_outage()
    assert settlement.stripe.payment_intents() == []
    settlement.charge_all()

    assert {state_of(number) for number in numbers} == {"PAID"}
    intents = settlement.stripe.payment_intents()
    assert sorted(intent["metadata"]["settlementId"] for intent in intents) == sorted(f"{n}#1" for n in numbers)


def test_stripe_down_during_a_burst_of_hundreds_of_settlements_fails_none_and_charges_each_once_afterwards(
    settlement: Settlement,
) -> None:
    # rule P3, P2: the burst after a big shipping-date confirmation meets a Stripe outage
    shop = settlement.shop
    card = settlement.stripe.saved_card(settlement.stripe.customer())
    requests = [
        {
            "orderNumber": f"01M8-BRST-0000-{index:04d}",
            "settlementId": f"01M8-BRST-0000-{index:04d}#1",
            "amountCents": 16_800,
            "currency": "USD",
            "paymentToken": card,
        }
        for index in range(BURST)
    ]
    events = shop.session.client("events")
    for start in range(0, BURST, 10):
        entries = [
            {
                "Source": "preorder.shop",
                "DetailType": "SettlementRequested",
                "Detail": json.dumps(detail),
                "EventBusName": shop.stack.ref("ShopBus"),
            }
            for detail in requests[start : start + 10]
        ]
        assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    settlement.stripe.outage("error")

    failures = [settlement.try_each_once() for _ in range(2)]  # every request tried twice while Stripe is down
    waiting_during = (settlement.queued(), settlement.outcomes_waiting(), settlement.in_dead_letter_queue())
    settlement.stripe.end_outage()
    charged_during = settlement.stripe.payment_intents()
    settlement.try_each_once()

    assert (failures, waiting_during, charged_during) == ([BURST, BURST], (BURST, 0, 0), [])
    assert settlement.outcomes_by_function() == {"PaymentSucceededFunction": BURST, "PaymentFailedFunction": 0}
    settlement_ids = sorted(intent["metadata"]["settlementId"] for intent in settlement.stripe.payment_intents())
    assert settlement_ids == sorted(request["settlementId"] for request in requests)
