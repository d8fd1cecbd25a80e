"""My Account rules: the address of one order number (L9, L11), its payment method (O13), what the member
reads about the money (M6), and when a member may withdraw and what is kept of them (M5)."""

from __future__ import annotations

import pytest

from shop.account import (
    check_address_change,
    check_payment_method_change,
    check_withdrawal,
    erased,
    readdressed,
)
from shop.errors import AddressRefused, StateConflict, UnshippedOrders
from shop.orders import (
    ERASED,
    NO_PAYMENT_TOKEN,
    WITHDRAWN_MEMBER,
    Order,
    OrderLine,
    OrderState,
    PaymentState,
    masked_token,
    payment_state,
)
from tests.support.builders import address, catalogue_of, in_stock_product, order, order_line, preorder_product

S = OrderState

# --- L9: address change per order number ------------------------------------------------------------------


# rule L9
def test_the_address_of_a_reserved_order_may_change() -> None:
    check_address_change(order(state=S.RESERVED))


# rule L9
@pytest.mark.parametrize("state", [S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING, S.PAYMENT_FAILED, S.PAID])
def test_once_the_shipping_date_is_confirmed_the_address_is_refused_naming_the_date(state: OrderState) -> None:
    # given
    dated = order(state=state).model_copy(update={"shipping_date": "2027-06-20"})

    # when
    with pytest.raises(StateConflict) as refusal:
        check_address_change(dated)

    # then
    assert refusal.value.status == 409
    assert "The shipping date of order 0000-0000-0000-0001 is confirmed (2027-06-20)" in refusal.value.message
    assert refusal.value.details["currentState"] == state.value
    assert refusal.value.details["shippingDate"] == "2027-06-20"


# rule L9
@pytest.mark.parametrize("state", [S.SHIPPED, S.CANCELLED])
def test_a_shipped_or_cancelled_order_keeps_its_address_naming_its_state(state: OrderState) -> None:
    with pytest.raises(StateConflict, match=f"is {state.value}; its shipping address can no longer be changed"):
        check_address_change(order(state=state).model_copy(update={"shipping_date": "2027-06-20"}))


# rule L9, rule O1
@pytest.mark.parametrize("country", ["JP", "TW"])
def test_a_new_address_in_japan_or_taiwan_is_refused(country: str) -> None:
    with pytest.raises(AddressRefused, match="served by our other store") as refusal:
        readdressed(order(), address(country), catalogue_of(preorder_product("FIG-1")))

    assert refusal.value.status == 422


# rule L9, rule O2
def test_a_new_address_where_the_licence_excludes_a_product_is_refused_naming_it() -> None:
    # given
    products = catalogue_of(preorder_product("FIG-1", name="Rin Figure", blocked_regions={"DE"}))

    # when
    with pytest.raises(AddressRefused) as refusal:
        readdressed(order(), address("DE"), products)

    # then
    assert "Rin Figure cannot be shipped to DE because of its licence." in refusal.value.message
    assert refusal.value.details["problems"][0]["productId"] == "FIG-1"


# rule L9, rule O2
def test_a_licence_of_a_product_not_on_the_order_does_not_matter() -> None:
    products = catalogue_of(preorder_product("FIG-1"), preorder_product("FIG-2", blocked_regions={"DE"}))

    moved = readdressed(order(), address("DE"), products)

    assert moved.shipping_address.country == "DE"


# rule L11, rule L9
def test_an_old_shop_order_with_several_items_takes_one_address_for_all_of_them() -> None:
    # given
    old = order(kind=in_stock_product().kind, lines=[order_line("A"), order_line("B"), order_line("C")])
    old = old.model_copy(update={"imported": True})

    # when
    moved = readdressed(old, address("CA"), {})

    # then the change is accepted for the order as a whole
    assert moved.shipping_address.country == "CA"
    assert moved.lines == old.lines

    # and an order has one shipping address while its lines have none of their own
    assert "shipping_address" in Order.model_fields
    assert not {"shipping_address", "address"} & set(OrderLine.model_fields)


# --- O13: payment method before the charge ----------------------------------------------------------------


# rule O13
@pytest.mark.parametrize("state", [S.RESERVED, S.SHIPPING_DATE_CONFIRMED])
def test_the_payment_method_may_change_before_the_charge(state: OrderState) -> None:
    check_payment_method_change(order(state=state))


# rule O13
def test_the_payment_method_is_refused_while_the_charge_is_in_flight() -> None:
    with pytest.raises(StateConflict, match="being charged now") as refusal:
        check_payment_method_change(order(state=S.SETTLEMENT_PENDING))

    assert refusal.value.details["currentState"] == "SETTLEMENT_PENDING"


# rule O13, rule L5
def test_after_a_failed_payment_the_member_is_pointed_to_resettlement() -> None:
    with pytest.raises(StateConflict, match="as a re-settlement"):
        check_payment_method_change(order(state=S.PAYMENT_FAILED))


# rule O13
@pytest.mark.parametrize("state", [S.PAID, S.SHIPPED, S.CANCELLED])
def test_after_the_charge_there_is_no_payment_method_to_change(state: OrderState) -> None:
    with pytest.raises(StateConflict, match=f"is {state.value}; there is nothing left to charge"):
        check_payment_method_change(order(state=state))


# --- M6: what My Account says about the money -------------------------------------------------------------


# rule M6, rule O13
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.RESERVED, PaymentState.NOT_YET_CHARGED),
        (S.SHIPPING_DATE_CONFIRMED, PaymentState.NOT_YET_CHARGED),
        (S.SETTLEMENT_PENDING, PaymentState.PENDING),
        (S.PAYMENT_FAILED, PaymentState.FAILED),
        (S.PAID, PaymentState.PAID),
        (S.SHIPPED, PaymentState.PAID),
        (S.CANCELLED, PaymentState.NOT_CHARGED),
    ],
)
def test_the_payment_state_follows_the_order_state(state: OrderState, expected: PaymentState) -> None:
    assert payment_state(order(state=state)) is expected


# rule M6, rule L10
def test_a_replacement_is_shown_as_no_charge() -> None:
    replacement = order(state=S.PAID).model_copy(update={"replacement_of": "0000-0000-0000-0000"})

    assert payment_state(replacement) is PaymentState.NO_CHARGE


# rule M6
def test_a_payment_token_is_shown_by_its_last_four_characters_only() -> None:
    assert masked_token("pm_1QdF7hK2xLw9VbT3sNc8Rz4E") == "****Rz4E"


# rule M6
@pytest.mark.parametrize("token", ["abcd", "ab"])
def test_a_short_token_is_masked_entirely(token: str) -> None:
    assert masked_token(token) == "****"


# rule M6
@pytest.mark.parametrize("marker", [NO_PAYMENT_TOKEN, ERASED])
def test_the_markers_for_no_token_are_shown_as_they_are(marker: str) -> None:
    assert masked_token(marker) == marker


# --- M5: withdrawal ---------------------------------------------------------------------------------------


# rule M5
def test_a_member_whose_orders_all_shipped_or_were_cancelled_may_withdraw() -> None:
    check_withdrawal([order(state=S.SHIPPED), order(state=S.CANCELLED)])


# rule M5
def test_a_member_without_orders_may_withdraw() -> None:
    check_withdrawal([])


# rule M5
def test_withdrawal_is_refused_listing_every_unshipped_order_number() -> None:
    # given
    orders = [
        order(order_number="0000-0000-0000-0003", state=S.PAID),
        order(order_number="0000-0000-0000-0001", state=S.SHIPPED),
        order(order_number="0000-0000-0000-0002", state=S.RESERVED),
    ]

    # when
    with pytest.raises(UnshippedOrders) as refusal:
        check_withdrawal(orders)

    # then
    assert refusal.value.status == 409
    assert refusal.value.details == {"unshippedOrderNumbers": ["0000-0000-0000-0002", "0000-0000-0000-0003"]}
    assert "0000-0000-0000-0002, 0000-0000-0000-0003" in refusal.value.message


# rule M5
@pytest.mark.parametrize(
    "state", [S.RESERVED, S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING, S.PAYMENT_FAILED, S.PAID]
)
def test_every_state_before_shipment_blocks_withdrawal(state: OrderState) -> None:
    with pytest.raises(UnshippedOrders):
        check_withdrawal([order(state=state)])


# rule M5
def test_an_erased_order_keeps_its_number_lines_amounts_and_state_but_nothing_personal() -> None:
    # given
    shipped = order(state=S.SHIPPED, shipping_name="Alex Doe", email="alex@example.com")

    # when
    kept = erased(shipped)

    # then
    assert (kept.order_number, kept.lines, kept.total_cents, kept.state) == (
        shipped.order_number,
        shipped.lines,
        shipped.total_cents,
        S.SHIPPED,
    )
    assert (kept.member_id, kept.email, kept.payment_token) == (WITHDRAWN_MEMBER, ERASED, ERASED)
    for kept_address in (kept.shipping_address, kept.billing_address):
        assert kept_address.model_dump(exclude_none=True) == {
            "name": ERASED,
            "line1": ERASED,
            "city": ERASED,
            "postal_code": ERASED,
            "country": "US",
        }
    assert kept.is_erased
