"""The order lifecycle: the states and transitions the spec decides, and the re-settlement window (L3-L5, L8)."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest

from shop.errors import DeadlinePassed, IllegalTransition
from shop.orders import (
    OPEN_STATES,
    OrderState,
    check_can_resettle,
    check_transition,
    deadline_passed,
    payment_failure_applies,
    payment_success_applies,
    resettlement_deadline,
    settlement_requested,
)
from tests.support.builders import NOW, order, order_line

S = OrderState

# The transitions docs/rules.md "Order states (decision)" lists, written out from the rules, not read from the code:
#   RESERVED -> SHIPPING_DATE_CONFIRMED -> SETTLEMENT_PENDING -> PAID -> SHIPPED;
#   SETTLEMENT_PENDING -> PAYMENT_FAILED -> (re-settle) SETTLEMENT_PENDING or (deadline) CANCELLED;
#   RESERVED / SHIPPING_DATE_CONFIRMED / PAYMENT_FAILED -> CANCELLED (support);
# plus the project's decision (docs/decisions.md, L3): PAYMENT_FAILED -> PAID when the processor reports the
# money taken after all, because money taken is the truth and must not be lost by a later cancellation.
SPEC_TRANSITIONS = frozenset(
    {
        (S.RESERVED, S.SHIPPING_DATE_CONFIRMED),
        (S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING),
        (S.SETTLEMENT_PENDING, S.PAID),
        (S.PAID, S.SHIPPED),
        (S.SETTLEMENT_PENDING, S.PAYMENT_FAILED),
        (S.PAYMENT_FAILED, S.SETTLEMENT_PENDING),
        (S.PAYMENT_FAILED, S.CANCELLED),
        (S.RESERVED, S.CANCELLED),
        (S.SHIPPING_DATE_CONFIRMED, S.CANCELLED),
        (S.PAYMENT_FAILED, S.PAID),
    }
)
REFUSED_TRANSITIONS = sorted(set(product(OrderState, OrderState)) - SPEC_TRANSITIONS)

FAILED_AT = NOW
DEADLINE = NOW + timedelta(days=7)


def transition_id(pair: tuple[OrderState, OrderState]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


# --- The state machine ------------------------------------------------------------------------------------


# rule L1, rule L3, rule L4, rule L5, rule L6, rule L7, rule L8 (the order states decision)
@pytest.mark.parametrize("transition", sorted(SPEC_TRANSITIONS), ids=transition_id)
def test_a_transition_the_spec_allows_passes(transition: tuple[OrderState, OrderState]) -> None:
    # given
    current, target = transition

    # when / then: no refusal is raised
    check_transition("0000-0000-0000-0001", current, target)


# rule L3, rule L8 (the order states decision: an illegal transition is a 409 naming the current state)
@pytest.mark.parametrize("transition", REFUSED_TRANSITIONS, ids=transition_id)
def test_a_transition_the_spec_does_not_allow_is_refused_naming_the_current_state(
    transition: tuple[OrderState, OrderState],
) -> None:
    # given
    current, target = transition

    # when
    with pytest.raises(IllegalTransition) as refusal:
        check_transition("0000-0000-0000-0001", current, target)

    # then
    assert refusal.value.status == 409
    assert refusal.value.details == {
        "orderNumber": "0000-0000-0000-0001",
        "currentState": current.value,
        "requestedState": target.value,
    }
    assert f"is {current.value}" in refusal.value.message


# rule L7 (the order states decision)
@pytest.mark.parametrize("target", list(OrderState))
def test_a_shipped_order_can_become_nothing_else(target: OrderState) -> None:
    with pytest.raises(IllegalTransition, match="is SHIPPED"):
        check_transition("0000-0000-0000-0001", S.SHIPPED, target)


# rule L6, rule L8 (the order states decision)
@pytest.mark.parametrize("target", list(OrderState))
def test_a_cancelled_order_can_become_nothing_else(target: OrderState) -> None:
    with pytest.raises(IllegalTransition, match="is CANCELLED"):
        check_transition("0000-0000-0000-0001", S.CANCELLED, target)


# rule L3
def test_a_late_payment_failure_cannot_move_a_paid_order_back() -> None:
    with pytest.raises(IllegalTransition, match="is PAID and cannot become PAYMENT_FAILED"):
        check_transition("0000-0000-0000-0001", S.PAID, S.PAYMENT_FAILED)


# rule L3
def test_a_paid_order_is_not_settled_again() -> None:
    with pytest.raises(IllegalTransition, match="is PAID"):
        check_transition("0000-0000-0000-0001", S.PAID, S.SETTLEMENT_PENDING)


# rule L8
def test_support_cannot_cancel_a_paid_order() -> None:
    with pytest.raises(IllegalTransition, match="is PAID and cannot become CANCELLED"):
        check_transition("0000-0000-0000-0001", S.PAID, S.CANCELLED)


# rule M5, rule C2
def test_every_order_neither_shipped_nor_cancelled_is_open() -> None:
    assert frozenset(OPEN_STATES) == frozenset(OrderState) - {S.SHIPPED, S.CANCELLED}


# --- L3 and O5 on an order ------------------------------------------------------------------------------------


# rule L3
def test_each_settlement_attempt_of_an_order_has_its_own_id() -> None:
    # given
    first = order(order_number="0000-0000-0000-0001")
    second = first.model_copy(update={"settlement_attempt": 1})

    # when / then
    assert (first.settlement_id, second.settlement_id) == ("0000-0000-0000-0001#0", "0000-0000-0000-0001#1")


# rule O5
def test_an_order_total_is_its_items_plus_18_dollars_of_shipping() -> None:
    # given
    placed = order(lines=[order_line("STK-1", quantity=2, unit_price_cents=4_500), order_line("STK-2")])

    # when / then
    assert (placed.items_total_cents, placed.shipping_fee_cents, placed.total_cents) == (21_000, 1_800, 22_800)


# --- L3: payment outcomes applied at most once --------------------------------------------------------------


# rule L3
def test_a_failure_of_the_pending_settlement_attempt_applies() -> None:
    pending = order(state=S.SETTLEMENT_PENDING).model_copy(update={"settlement_attempt": 1})

    assert payment_failure_applies(pending, "0000-0000-0000-0001#1") is True


# rule L3
def test_a_late_failure_of_an_earlier_attempt_does_not_apply() -> None:
    # given the order was re-settled: attempt 1 is pending
    pending = order(state=S.SETTLEMENT_PENDING).model_copy(update={"settlement_attempt": 1})

    # when / then: the failure reported for attempt 0 arrives late
    assert payment_failure_applies(pending, "0000-0000-0000-0001#0") is False


# rule L3
def test_a_duplicate_failure_does_not_apply_again() -> None:
    failed = order(state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE)

    assert payment_failure_applies(failed, "0000-0000-0000-0001#0") is False


# rule L3
def test_a_late_failure_does_not_apply_to_a_paid_order() -> None:
    paid = order(state=S.PAID)

    assert payment_failure_applies(paid, "0000-0000-0000-0001#0") is False


# rule L3
def test_a_success_of_the_pending_settlement_attempt_applies() -> None:
    pending = order(state=S.SETTLEMENT_PENDING).model_copy(update={"settlement_attempt": 1})

    assert payment_success_applies(pending, f"{pending.order_number}#1") is True


# rule L3
def test_a_success_for_an_attempt_never_requested_does_not_apply() -> None:
    pending = order(state=S.SETTLEMENT_PENDING).model_copy(update={"settlement_attempt": 1})

    assert payment_success_applies(pending, f"{pending.order_number}#2") is False


# rule L3
@pytest.mark.parametrize("state", [S.PAID, S.SHIPPED, S.CANCELLED], ids=str)
def test_a_duplicate_or_late_success_does_not_apply_once_the_order_moved_on(state: OrderState) -> None:
    settled = order(state=state)

    assert payment_success_applies(settled, "0000-0000-0000-0001#0") is False


# rule L3
def test_a_success_for_another_order_does_not_apply() -> None:
    pending = order(order_number="0000-0000-0000-0001", state=S.SETTLEMENT_PENDING)

    assert payment_success_applies(pending, "0000-0000-0000-0002#0") is False


# rule L1, rule O5
def test_a_settlement_request_charges_the_order_total_in_usd_cents() -> None:
    # given
    placed = order(lines=[order_line("FIG-1", quantity=2, unit_price_cents=12_000)], state=S.SHIPPING_DATE_CONFIRMED)

    # when
    request = settlement_requested(placed)

    # then
    assert request == {
        "orderNumber": "0000-0000-0000-0001",
        "settlementId": "0000-0000-0000-0001#0",
        "amountCents": 25_800,
        "currency": "USD",
        "paymentToken": "pm_test_token",
    }


# --- L4: one week to re-settle --------------------------------------------------------------------------------


# rule L4
def test_the_resettlement_deadline_is_seven_days_after_the_failure() -> None:
    assert resettlement_deadline(FAILED_AT) == FAILED_AT + timedelta(days=7)


# rule L4
def test_the_deadline_has_passed_at_exactly_seven_days() -> None:
    assert deadline_passed(resettlement_deadline(FAILED_AT), FAILED_AT + timedelta(days=7)) is True


# rule L4
def test_the_deadline_has_not_passed_at_six_days_23_hours_59_minutes() -> None:
    now = FAILED_AT + timedelta(days=6, hours=23, minutes=59)

    assert deadline_passed(resettlement_deadline(FAILED_AT), now) is False


# rule L4
def test_the_deadline_has_passed_after_seven_days() -> None:
    assert deadline_passed(resettlement_deadline(FAILED_AT), FAILED_AT + timedelta(days=8)) is True


# --- L5: re-settlement ------------------------------------------------------------------------------------


# rule L5
def test_a_failed_payment_can_be_resettled_before_the_deadline() -> None:
    # given
    failed = order(state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE)

    # when / then: no refusal is raised
    check_can_resettle(failed, DEADLINE - timedelta(minutes=1))


# rule L5
def test_resettling_at_the_deadline_is_refused() -> None:
    # given
    failed = order(order_number="0000-0000-0000-0009", state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE)

    # when
    with pytest.raises(DeadlinePassed) as refusal:
        check_can_resettle(failed, DEADLINE)

    # then
    assert refusal.value.status == 409
    assert refusal.value.details == {"orderNumber": "0000-0000-0000-0009", "deadline": DEADLINE.isoformat()}


# rule L5
def test_resettling_after_the_deadline_is_refused() -> None:
    # given
    failed = order(state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE)

    # when / then
    with pytest.raises(DeadlinePassed, match="re-settlement deadline"):
        check_can_resettle(failed, DEADLINE + timedelta(days=1))


# rule L5
@pytest.mark.parametrize("state", sorted(set(OrderState) - {S.PAYMENT_FAILED}), ids=str)
def test_only_an_order_whose_payment_failed_can_be_resettled(state: OrderState) -> None:
    # given
    not_failed = order(state=state, resettlement_deadline=DEADLINE)

    # when
    with pytest.raises(IllegalTransition) as refusal:
        check_can_resettle(not_failed, NOW)

    # then
    assert refusal.value.details["currentState"] == state.value


# rule L5
def test_a_failed_order_without_a_deadline_cannot_be_resettled() -> None:
    # given
    failed = order(state=S.PAYMENT_FAILED, resettlement_deadline=None)

    # when / then
    with pytest.raises(IllegalTransition, match="PAYMENT_FAILED"):
        check_can_resettle(failed, NOW)
