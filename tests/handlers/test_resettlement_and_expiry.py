"""Re-settlement by the member (L5) and the scheduled expiry of unpaid orders (L6), and their race."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shop.orders import PaymentCard
from shop_aws.dynamodb import orders as order_store
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date, place_preorder, state_of
from tests.support.stripe import MASTERCARD


def failed_payment(shop: Shop, member: Member, number: str) -> None:
    detail = {"orderNumber": number, "settlementId": f"{number}#1", "reason": "card_declined"}
    outcome = shop.invoke("PaymentFailedFunction", shop.payment_event("PaymentFailed", detail))
    assert outcome["applied"] is True


def order_with_failed_payment(shop: Shop, member: Member) -> str:
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, member)
    confirm_shipping_date(shop, number)
    failed_payment(shop, member, number)
    return number


def resettle(shop: Shop, member: Member, number: str, card: str = MASTERCARD) -> Any:
    """L5 with a card the member saved now (a test card's number), or a PaymentMethod id as given."""
    method = shop.saved_card(member, card) if card.isdigit() else card
    return shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": method}, member=member)


def run_expiry(shop: Shop, **kwargs: Any) -> dict[str, Any]:
    return shop.invoke("ExpireResettlementsFunction", {}, **kwargs)


def test_a_member_resettles_before_the_deadline_and_settlement_is_requested_again(shop: Shop, alice: Member) -> None:
    # rule L5
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=6))

    answer = resettle(shop, alice, number)
    shop.deliver_outbox()

    assert answer.status == 202
    assert answer.body["state"] == "SETTLEMENT_PENDING"
    order = order_store.get_order(number)
    assert order is not None
    assert order.payment_card == PaymentCard(brand="mastercard", last4="4444")
    assert order.settlement_attempt == 2


def test_resettlement_at_the_deadline_is_refused_with_the_deadline(shop: Shop, alice: Member) -> None:
    # rule L5
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=7))

    answer = resettle(shop, alice, number)

    assert answer.status == 409
    assert answer.body["code"] == "DEADLINE_PASSED"
    assert answer.body["deadline"].startswith("2026-12-08T09:00")


def test_resettlement_of_an_order_whose_payment_did_not_fail_is_refused_naming_its_state(
    shop: Shop, alice: Member
) -> None:
    # rule L5
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)

    answer = resettle(shop, alice, number)

    assert answer.status == 409
    assert answer.body["currentState"] == "RESERVED"


def test_another_members_order_is_not_found(shop: Shop, alice: Member, bob: Member) -> None:
    number = order_with_failed_payment(shop, alice)

    answer = resettle(shop, bob, number)

    assert answer.status == 404
    assert state_of(number) == "PAYMENT_FAILED"


def test_an_order_number_typed_in_lowercase_without_dashes_is_understood(shop: Shop, alice: Member) -> None:
    # rule O12: readable over the phone, typed as heard
    number = order_with_failed_payment(shop, alice)

    answer = resettle(shop, alice, number.replace("-", "").lower())

    assert answer.status == 202


def test_the_schedule_cancels_an_order_at_seven_days(shop: Shop, alice: Member) -> None:
    # rule L6
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=7))

    report = run_expiry(shop)

    assert report == {"cancelled": 1, "skipped": 0, "finished": True}
    assert state_of(number) == "CANCELLED"


def test_the_schedule_leaves_an_order_alone_at_six_days_twenty_three_hours(shop: Shop, alice: Member) -> None:
    # rule L6
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=6, hours=23, minutes=59, seconds=59))

    report = run_expiry(shop)

    assert report["cancelled"] == 0
    assert state_of(number) == "PAYMENT_FAILED"


def test_the_member_is_emailed_when_the_order_is_cancelled(shop: Shop, alice: Member) -> None:
    # rule L6
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=7))

    run_expiry(shop)
    shop.deliver_outbox()

    assert shop.emails_to(alice.email)[-1].subject == f"Order {number} has been cancelled"


def test_a_cancelled_in_stock_order_returns_its_quantities_to_stock(shop: Shop, alice: Member) -> None:
    # rule L6
    shop.add_product(in_stock("nendo-1", stock=5))
    number = checkout(shop, alice, cart(("nendo-1", 2))).body["orders"][0]["orderNumber"]
    confirm_shipping_date(shop, number)
    failed_payment(shop, alice, number)
    assert shop.product("nendo-1").stock == 3
    shop.clock.advance(timedelta(days=8))

    run_expiry(shop)

    assert shop.product("nendo-1").stock == 5


def test_an_order_resettled_in_time_is_never_cancelled(shop: Shop, alice: Member) -> None:
    # rule L6
    number = order_with_failed_payment(shop, alice)
    shop.clock.advance(timedelta(days=3))
    resettle(shop, alice, number)
    shop.clock.advance(timedelta(days=10))

    report = run_expiry(shop)

    assert report["cancelled"] == 0
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_expiry_racing_a_resettlement_never_cancels_the_resettled_order(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule L6: the job read the order as failed, then the member's request (sent a second before the
    # deadline) re-settled it before the job wrote
    number = order_with_failed_payment(shop, alice)
    deadline = shop.now() + timedelta(days=7)
    shop.clock.set(deadline)
    read_order = order_store.get_order
    outcome: dict[str, Any] = {}

    def member_resettles_after_the_read(order_number: str) -> Any:
        seen = read_order(order_number)
        monkeypatch.setattr(order_store, "get_order", read_order)
        shop.clock.set(deadline - timedelta(seconds=1))
        outcome["resettle"] = resettle(shop, alice, number)
        shop.clock.set(deadline)
        return seen

    monkeypatch.setattr(order_store, "get_order", member_resettles_after_the_read)

    # when the job runs at the deadline, racing the member
    report = run_expiry(shop)

    # then
    assert outcome["resettle"].status == 202
    assert report["cancelled"] == 0
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_resettlement_racing_expiry_is_refused_once_the_order_is_cancelled(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule L5, rule L6: the member's request read the order a second before the deadline, then the job
    # (running at the deadline) cancelled it before the request wrote
    number = order_with_failed_payment(shop, alice)
    deadline = shop.now() + timedelta(days=7)
    shop.clock.set(deadline - timedelta(seconds=1))
    read_order = order_store.get_order

    def job_cancels_after_the_read(order_number: str) -> Any:
        seen = read_order(order_number)
        monkeypatch.setattr(order_store, "get_order", read_order)
        shop.clock.set(deadline)
        run_expiry(shop)
        shop.clock.set(deadline - timedelta(seconds=1))
        return seen

    monkeypatch.setattr(order_store, "get_order", job_cancels_after_the_read)

    answer = resettle(shop, alice, number)

    assert answer.status == 409
    assert answer.body["currentState"] == "CANCELLED"
    assert state_of(number) == "CANCELLED"


def test_a_run_short_of_time_stops_cleanly_and_the_next_run_finishes(shop: Shop, alice: Member) -> None:
    # rule L6: bounded work per run
    shop.add_product(preorder("miku-2027", reservationLimit=3))
    numbers = [place_preorder(shop, alice, key=f"k{i}") for i in range(3)]
    for number in numbers:
        confirm_shipping_date(shop, number)
        failed_payment(shop, alice, number)
    shop.clock.advance(timedelta(days=7))
    budget = iter([60_000, 60_000, 60_000, 1_000])

    first = run_expiry(shop, remaining_millis=lambda: next(budget, 1_000))
    second = run_expiry(shop)

    assert first == {"cancelled": 2, "skipped": 0, "finished": False}
    assert second == {"cancelled": 1, "skipped": 0, "finished": True}
    assert {state_of(number) for number in numbers} == {"CANCELLED"}
