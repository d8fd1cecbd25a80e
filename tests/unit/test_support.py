"""Support and warehouse rules: shipped (L7), cancellation by support (L8, C2), defect replacement (L10)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.catalogue import ProductKind
from shop.errors import CancellationRefused, IllegalTransition, InvalidInput, StateConflict
from shop.orders import NO_PAYMENT_TOKEN, TRANSITIONS, WITHDRAWN_MEMBER, OrderState
from shop.support import (
    SUPPORT_CANCELLABLE,
    CancellationReason,
    DefectReport,
    Shipment,
    check_shipment,
    check_support_cancellation,
    plan_replacement,
)
from tests.support.builders import NOW, order, order_line

S = OrderState
PARCEL = Shipment(carrier="DHL", trackingNumber="JD014600003828")

# --- L8 ---------------------------------------------------------------------------------------------------


# rule L8
@pytest.mark.parametrize("state", [S.RESERVED, S.SHIPPING_DATE_CONFIRMED, S.PAYMENT_FAILED])
def test_support_may_cancel_before_payment(state: OrderState) -> None:
    reason = check_support_cancellation(order(state=state), CancellationReason.CUSTOMER_REQUEST)

    assert reason == "you asked customer support to cancel it."


# rule L8
@pytest.mark.parametrize("state", [S.SETTLEMENT_PENDING, S.PAID, S.SHIPPED, S.CANCELLED])
def test_support_cancellation_is_refused_naming_the_current_state(state: OrderState) -> None:
    # when
    with pytest.raises(IllegalTransition) as refusal:
        check_support_cancellation(order(state=state), CancellationReason.CUSTOMER_REQUEST)

    # then
    assert refusal.value.status == 409
    assert refusal.value.details["currentState"] == state.value
    assert f"is {state.value} and cannot be cancelled" in refusal.value.message


# rule L8, rule C2
@pytest.mark.parametrize("state", [S.RESERVED, S.PAID])
def test_a_changed_release_date_is_refused_as_a_reason_whatever_the_state(state: OrderState) -> None:
    # when
    with pytest.raises(CancellationRefused) as refusal:
        check_support_cancellation(order(state=state), CancellationReason.RELEASE_DATE_CHANGED)

    # then
    assert refusal.value.status == 422
    assert "never a ground for cancellation" in refusal.value.message
    assert refusal.value.details["reason"] == "RELEASE_DATE_CHANGED"


# rule L8
def test_support_cancels_from_exactly_the_states_the_lifecycle_cancels_from_before_payment() -> None:
    cancellable = {state for state, targets in TRANSITIONS.items() if S.CANCELLED in targets}

    assert cancellable == SUPPORT_CANCELLABLE == {S.RESERVED, S.SHIPPING_DATE_CONFIRMED, S.PAYMENT_FAILED}


# rule L8
@pytest.mark.parametrize("reason", [r for r in CancellationReason if r is not CancellationReason.RELEASE_DATE_CHANGED])
def test_every_accepted_reason_has_a_text_for_the_member(reason: CancellationReason) -> None:
    assert check_support_cancellation(order(), reason).endswith(".")


# --- L7 ---------------------------------------------------------------------------------------------------


# rule L7
def test_a_paid_order_ships() -> None:
    assert check_shipment(order(state=S.PAID), PARCEL) is False


# rule L7
@pytest.mark.parametrize(
    "state", [S.RESERVED, S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING, S.PAYMENT_FAILED, S.CANCELLED]
)
def test_only_a_paid_order_ships(state: OrderState) -> None:
    with pytest.raises(IllegalTransition, match=f"is {state.value}; only a paid order") as refusal:
        check_shipment(order(state=state), PARCEL)

    assert refusal.value.details["currentState"] == state.value


# rule L7
def test_the_same_parcel_reported_again_is_recognised_as_a_repeat() -> None:
    shipped = order(state=S.SHIPPED).model_copy(update={"carrier": "DHL", "tracking_number": "JD014600003828"})

    assert check_shipment(shipped, PARCEL) is True


# rule L7
def test_another_parcel_for_a_shipped_order_is_refused() -> None:
    shipped = order(state=S.SHIPPED).model_copy(update={"carrier": "DHL", "tracking_number": "OTHER1234"})

    with pytest.raises(IllegalTransition, match="is SHIPPED"):
        check_shipment(shipped, PARCEL)


# --- L10 --------------------------------------------------------------------------------------------------


def a_report(**changes: object) -> DefectReport:
    return DefectReport.model_validate({"supportTicket": "CS-1042", "description": "Left arm broken"} | changes)


def shipped_order():
    return order(
        state=S.SHIPPED,
        kind=ProductKind.IN_STOCK,
        lines=[order_line("A", quantity=2, unit_price_cents=5_000), order_line("B", unit_price_cents=3_000)],
    )


# rule L10
def test_a_replacement_is_a_new_paid_order_at_no_charge_linked_to_the_original() -> None:
    # given
    original = shipped_order()

    # when
    replacement = plan_replacement(original, a_report(), "0000-0000-0000-0009", NOW + timedelta(days=1))

    # then
    assert replacement.order_number == "0000-0000-0000-0009"
    assert replacement.replacement_of == original.order_number
    assert replacement.state is S.PAID
    assert (replacement.items_total_cents, replacement.shipping_fee_cents, replacement.total_cents) == (0, 0, 0)
    assert replacement.payment_token == NO_PAYMENT_TOKEN
    assert (replacement.kind, replacement.shipping_address, replacement.email, replacement.member_id) == (
        original.kind,
        original.shipping_address,
        original.email,
        original.member_id,
    )
    assert [(line.product_id, line.quantity) for line in replacement.lines] == [("A", 2), ("B", 1)]
    assert (replacement.support_ticket, replacement.defect) == ("CS-1042", "Left arm broken")


# rule L10
def test_a_replacement_may_cover_only_the_defective_lines() -> None:
    replacement = plan_replacement(
        shipped_order(), a_report(lines=[{"productId": "A", "quantity": 1}]), "0000-0000-0000-0009", NOW
    )

    assert [(line.product_id, line.quantity, line.unit_price_cents) for line in replacement.lines] == [("A", 1, 0)]


# rule L10
def test_a_line_not_on_the_order_is_refused_naming_the_product() -> None:
    with pytest.raises(InvalidInput, match="Product Z is not on order"):
        plan_replacement(shipped_order(), a_report(lines=[{"productId": "Z", "quantity": 1}]), "N", NOW)


# rule L10
def test_more_than_was_ordered_cannot_be_replaced() -> None:
    with pytest.raises(InvalidInput, match="holds 2 of Figure A; 3 cannot be replaced"):
        plan_replacement(shipped_order(), a_report(lines=[{"productId": "A", "quantity": 3}]), "N", NOW)


# rule L10
@pytest.mark.parametrize("state", [S.RESERVED, S.PAID, S.CANCELLED])
def test_only_a_shipped_order_gets_a_replacement(state: OrderState) -> None:
    with pytest.raises(IllegalTransition, match=f"is {state.value}; a replacement is sent only") as refusal:
        plan_replacement(order(state=state), a_report(), "N", NOW)

    assert refusal.value.details["currentState"] == state.value


# rule L10, rule M5
def test_an_order_of_a_withdrawn_member_gets_no_replacement() -> None:
    erased_order = shipped_order().model_copy(update={"member_id": WITHDRAWN_MEMBER})

    with pytest.raises(StateConflict, match="withdrawn account"):
        plan_replacement(erased_order, a_report(), "N", NOW)


# rule L10: no refund path exists anywhere
def test_no_state_leads_back_from_paid_or_shipped_to_money_returned() -> None:
    assert TRANSITIONS[S.PAID] == frozenset({S.SHIPPED})
    assert TRANSITIONS[S.SHIPPED] == frozenset()
    assert not any("REFUND" in state.value for state in OrderState)
