"""Old-shop orders (L11): their numbers, what an import accepts, and the order the new shop keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shop.catalogue import ProductKind
from shop.errors import ImportRefused, InvalidInput
from shop.imports import ImportRequest, OldShopOrder, check_batch, imported_order
from shop.order_numbers import format_order_number, is_old_shop_number, listing_key, parse_any_order_number
from shop.orders import NO_PAYMENT_TOKEN, OrderState
from tests.support.builders import NOW

PLACED = datetime(2024, 3, 2, 10, 0, tzinfo=UTC)


def old_order(**changes: Any) -> dict[str, Any]:
    address = {"name": "Alex Doe", "line1": "1 Main Street", "city": "Springfield", "postalCode": "62701"}
    return {
        "orderNumber": "20240302117",
        "memberEmail": "alex@example.com",
        "state": "PAID",
        "createdAt": PLACED.isoformat(),
        "lines": [
            {"productId": "nendo-1", "name": "Nendoroid 1", "quantity": 1, "unitPriceCents": 5_500,
             "releaseDate": "2024-02"},
            {"productId": "nendo-2", "name": "Nendoroid 2", "quantity": 2, "unitPriceCents": 4_800,
             "releaseDate": "2024-01-20"},
        ],
        "shippingAddress": address | {"country": "US"},
        "billingAddress": address | {"country": "US"},
    } | changes  # fmt: skip


# --- numbers ----------------------------------------------------------------------------------------------


# rule L11
@pytest.mark.parametrize("number", ["123456", "20240302117", "123456789012"])
def test_an_old_shop_number_is_six_to_twelve_digits(number: str) -> None:
    assert is_old_shop_number(number)


# rule L11
@pytest.mark.parametrize("number", ["12345", "1234567890123", "01JD-3M5K-7QXZ-4T2A", "A2345678"])
def test_anything_else_is_not_an_old_shop_number(number: str) -> None:
    assert not is_old_shop_number(number)


# rule L11
def test_an_old_shop_number_is_looked_up_as_it_was_issued() -> None:
    assert parse_any_order_number(" 20240302117 ") == "20240302117"


# rule L11, rule O12
def test_a_new_shop_number_is_still_read_as_heard() -> None:
    assert parse_any_order_number("01jd3m5k7qxz4t2a") == "01JD-3M5K-7QXZ-4T2A"


# rule L11
def test_something_that_is_neither_is_refused() -> None:
    with pytest.raises(InvalidInput, match="is not an order number"):
        parse_any_order_number("not-an-order")


# rule L11, rule O12: My Account lists orders newest first, old-shop orders by their time of order
def test_an_old_shop_order_sorts_among_new_numbers_by_its_time_of_order() -> None:
    # given
    def new_number(at: datetime) -> str:
        return format_order_number(int(at.timestamp() * 1000), 12345)

    before, after = PLACED - timedelta(seconds=1), PLACED + timedelta(seconds=1)

    # when
    keys = [listing_key(new_number(after), after), listing_key("20240302117", PLACED), new_number(before)]

    # then
    assert sorted(keys) == list(reversed(keys))


# --- what an import accepts -------------------------------------------------------------------------------


# rule L11
def test_one_old_shop_number_holds_several_in_stock_items() -> None:
    # when
    order = imported_order(OldShopOrder.model_validate(old_order()), "member-1", "alex@example.com")

    # then
    assert order.order_number == "20240302117"
    assert order.kind is ProductKind.IN_STOCK
    assert [(line.product_id, line.quantity) for line in order.lines] == [("nendo-1", 1), ("nendo-2", 2)]
    assert order.imported is True
    assert order.state is OrderState.PAID
    assert order.payment_token == NO_PAYMENT_TOKEN
    assert order.total_cents == 5_500 + 2 * 4_800 + 1_800


# rule L11
def test_an_import_keeps_the_fee_and_date_it_was_given() -> None:
    order = imported_order(
        OldShopOrder.model_validate(old_order(shippingFeeCents=1_200, shippingDate="2024-03-20")), "m", "e"
    )

    assert (order.shipping_fee_cents, order.shipping_date) == (1_200, "2024-03-20")


# rule L11
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"orderNumber": "01JD-3M5K-7QXZ-4T2A"}, "6 to 12 digits"),
        ({"state": "SETTLEMENT_PENDING"}, "cannot be imported"),
        ({"state": "PAYMENT_FAILED"}, "cannot be imported"),
        ({"state": "RESERVED"}, "needs its paymentToken"),
        ({"state": "RESERVED", "paymentToken": "tok_visa_4242", "shippingDate": "2024-04-01"}, "no shipping date"),
        ({"kind": "PREORDER"}, "a pre-order holds one product"),
    ],
)
def test_an_old_order_that_does_not_fit_is_refused_saying_why(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OldShopOrder.model_validate(old_order(**changes))


# rule L11
def test_the_same_product_twice_in_an_order_is_refused() -> None:
    line = old_order()["lines"][0]

    with pytest.raises(ValidationError, match="each product appears once"):
        OldShopOrder.model_validate(old_order(lines=[line, line]))


# rule L11
def test_an_import_with_a_number_twice_is_refused_naming_it() -> None:
    request = ImportRequest.model_validate({"orders": [old_order(), old_order()]})

    with pytest.raises(ImportRefused, match="20240302117") as refusal:
        check_batch(request, NOW)

    assert refusal.value.status == 422


# rule L11
def test_an_order_placed_in_the_future_is_refused() -> None:
    request = ImportRequest.model_validate({"orders": [old_order(createdAt=(NOW + timedelta(days=1)).isoformat())]})

    with pytest.raises(ImportRefused, match="in the future"):
        check_batch(request, NOW)
