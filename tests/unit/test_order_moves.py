"""What each step of an order's life makes of it: the rules return the order as it becomes, and refuse a step
the lifecycle does not allow before anything is written (L1-L8, O13)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.account import with_payment_method
from shop.checkout import Buyer, destination_problems, plan_checkout
from shop.errors import IllegalTransition, StateConflict
from shop.orders import (
    DEADLINE_PASSED_REASON,
    Order,
    OrderState,
    expired,
    expiry_due,
    paid,
    payment_failed,
    reminded,
    resettling,
    settling,
)
from shop.shipping_dates import dated, redated
from shop.support import CancellationReason, CancellationRequest, Shipment, cancelled_by_support, shipped
from tests.support.builders import (
    NOW,
    address,
    cart_lines,
    catalogue_of,
    in_stock_product,
    order,
    order_numbers,
    preorder_product,
)

S = OrderState
DEADLINE = NOW + timedelta(days=7)


def failed_order() -> Order:
    return order(state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE).model_copy(update={"settlement_attempt": 1})


# rule L1
def test_a_first_shipping_date_confirms_a_reserved_order() -> None:
    confirmed = dated(order(), "2027-06-20")

    assert (confirmed.state, confirmed.shipping_date) == (S.SHIPPING_DATE_CONFIRMED, "2027-06-20")


# rule L1
def test_a_cancelled_order_gets_no_shipping_date() -> None:
    with pytest.raises(IllegalTransition, match="is CANCELLED"):
        dated(order(state=S.CANCELLED), "2027-06-20")


# rule L2
@pytest.mark.parametrize("state", [S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING, S.PAYMENT_FAILED, S.PAID])
def test_a_changed_shipping_date_keeps_the_order_where_it_is(state: OrderState) -> None:
    changed = redated(order(state=state).model_copy(update={"shipping_date": "2027-06-20"}), "2027-07-01")

    assert (changed.state, changed.shipping_date) == (state, "2027-07-01")


# rule L2
def test_a_reserved_order_has_no_shipping_date_to_change() -> None:
    with pytest.raises(IllegalTransition, match="no confirmed shipping date"):
        redated(order(), "2027-07-01")


# rule L1, rule L3
def test_a_confirmed_order_is_charged_as_its_next_settlement_attempt() -> None:
    pending = settling(order(state=S.SHIPPING_DATE_CONFIRMED))

    assert (pending.state, pending.settlement_attempt, pending.settlement_id) == (
        S.SETTLEMENT_PENDING,
        1,
        "0000-0000-0000-0001#1",
    )


# rule L3
def test_a_paid_order_keeps_the_settlement_that_paid_it_and_no_deadline() -> None:
    settled = paid(failed_order(), "0000-0000-0000-0001#1", NOW)

    assert (settled.state, settled.paid_settlement_id, settled.paid_at) == (S.PAID, "0000-0000-0000-0001#1", NOW)
    assert settled.resettlement_deadline is None


# rule L4
def test_a_failed_payment_gives_a_week_from_when_it_is_recorded() -> None:
    failed = payment_failed(order(state=S.SETTLEMENT_PENDING), "card_declined", NOW)

    assert (failed.state, failed.resettlement_deadline, failed.payment_failed_at) == (S.PAYMENT_FAILED, DEADLINE, NOW)
    assert failed.payment_failure_reason == "card_declined"


# rule L3, rule L4
def test_a_failure_cannot_move_a_paid_order_back() -> None:
    with pytest.raises(IllegalTransition, match="is PAID"):
        payment_failed(order(state=S.PAID), "card_declined", NOW)


# rule L5, rule L5a
def test_a_resettlement_charges_the_new_method_as_a_new_attempt_and_clears_the_reminder() -> None:
    reminded_order = reminded(failed_order(), NOW)

    pending = resettling(reminded_order, "pm_new_card", NOW + timedelta(days=1))

    assert (pending.state, pending.payment_token, pending.settlement_attempt) == (
        S.SETTLEMENT_PENDING,
        "pm_new_card",
        2,
    )
    assert (pending.resettlement_deadline, pending.reminder_sent_at) == (None, None)


# rule L6
def test_an_order_is_due_for_expiry_from_its_deadline_on() -> None:
    failed = failed_order()

    assert not expiry_due(failed, DEADLINE - timedelta(seconds=1))
    assert expiry_due(failed, DEADLINE)


# rule L6
def test_an_expired_order_is_cancelled_for_the_passed_deadline() -> None:
    cancelled = expired(failed_order(), DEADLINE)

    assert (cancelled.state, cancelled.cancelled_at, cancelled.cancellation_reason) == (
        S.CANCELLED,
        DEADLINE,
        DEADLINE_PASSED_REASON,
    )
    assert cancelled.resettlement_deadline is None


# rule L8
def test_support_cancellation_records_the_reason_and_who_cancelled() -> None:
    request = CancellationRequest(reason=CancellationReason.CUSTOMER_REQUEST, note="asked by phone")

    cancelled = cancelled_by_support(order(), request, NOW)

    assert (cancelled.state, cancelled.cancellation_reason, cancelled.cancelled_by, cancelled.cancellation_note) == (
        S.CANCELLED,
        "CUSTOMER_REQUEST",
        "SUPPORT",
        "asked by phone",
    )


# rule L7
def test_a_shipped_order_carries_its_parcel() -> None:
    parcel = Shipment(carrier="DHL", trackingNumber="JD014600003828")

    sent = shipped(order(state=S.PAID), parcel, NOW)

    assert (sent.state, sent.carrier, sent.tracking_number, sent.shipped_at) == (
        S.SHIPPED,
        "DHL",
        "JD014600003828",
        NOW,
    )


# rule L7
def test_an_unpaid_order_does_not_ship() -> None:
    with pytest.raises(IllegalTransition, match="is SETTLEMENT_PENDING"):
        shipped(order(state=S.SETTLEMENT_PENDING), Shipment(carrier="DHL", trackingNumber="JD014600003828"), NOW)


# rule O13
def test_a_new_payment_method_is_taken_before_the_charge() -> None:
    assert with_payment_method(order(), "pm_other_card").payment_token == "pm_other_card"


# rule O13
def test_no_new_payment_method_while_the_order_is_charged() -> None:
    with pytest.raises(StateConflict, match="being charged now"):
        with_payment_method(order(state=S.SETTLEMENT_PENDING), "pm_other_card")


# rule O5
def test_each_order_of_a_checkout_takes_its_fee_and_total_from_the_plan() -> None:
    # given a plan of one pre-order and two in-stock items
    catalogue = catalogue_of(preorder_product("FIG-A"), in_stock_product("FIG-B"), in_stock_product("FIG-C"))
    plan = plan_checkout(
        cart_lines(("FIG-A", 1), ("FIG-B", 1), ("FIG-C", 1)), catalogue, address(), NOW, order_numbers()
    )
    buyer = Buyer("member-1", "alex@example.com", address(), address(), "pm_test_token")

    # when the plan becomes orders
    placed = plan.orders_for(buyer, "checkout-1", NOW)

    # then each order holds the planned fee and total, and together they are the plan's grand total
    assert [o.shipping_fee_cents for o in placed] == [p.shipping_fee_cents for p in plan.orders] == [1800, 1800]
    assert [o.total_cents for o in placed] == [p.total_cents for p in plan.orders]
    assert sum(o.total_cents for o in placed) == plan.grand_total_cents


# rule O1, rule O2
def test_one_destination_check_names_the_country_and_each_licence_it_breaks() -> None:
    blocked = preorder_product("FIG-A", name="Rin Figure", blocked_regions={"JP"})

    problems = destination_problems(address("JP"), [blocked, preorder_product("FIG-B")])

    assert [(p.code, p.product_id) for p in problems] == [
        ("DESTINATION_NOT_SERVED", None),
        ("LICENCE_BLOCKED", "FIG-A"),
    ]
