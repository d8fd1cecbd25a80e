"""Checkout (O1-O9, O11): how a cart becomes order numbers, or every reason it cannot."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shop.catalogue import Product, ProductKind
from shop.checkout import (
    MAX_DISTINCT_PRODUCTS,
    SUCCESS_MESSAGE,
    CartLine,
    CheckoutPlan,
    Problem,
    cart_problems,
    plan_checkout,
)
from shop.clock import FixedClock
from shop.errors import CheckoutRefused
from shop.order_numbers import OrderNumbers, format_order_number
from shop.orders import Address
from tests.support.builders import (
    CLOSES_AT,
    NOW,
    address,
    cart_lines,
    catalogue_of,
    in_stock_product,
    order_numbers,
    preorder_product,
)

CATALOGUE = catalogue_of(
    preorder_product("FIG-A", name="Rin Figure", unit_price_cents=12_000, reservation_limit=3),
    preorder_product("FIG-B", name="Len Figure", unit_price_cents=9_900, reservation_limit=2),
    preorder_product("FIG-C", name="Miku Figure", unit_price_cents=15_000, reservation_limit=1),
    in_stock_product("STK-A", name="Acrylic Stand", unit_price_cents=4_500, stock=10, reservation_limit=5),
    in_stock_product("STK-B", name="Keychain", unit_price_cents=1_200, stock=2, reservation_limit=5),
)


def plan(
    lines: list[CartLine],
    *,
    catalogue: Mapping[str, Product] | None = None,
    destination: Address | None = None,
    numbers: OrderNumbers | None = None,
) -> CheckoutPlan:
    return plan_checkout(
        lines,
        CATALOGUE if catalogue is None else catalogue,
        destination or address("US"),
        NOW,
        numbers or order_numbers(),
    )


def problems_of(lines: list[CartLine], *, destination: Address | None = None, at: datetime = NOW) -> list[Problem]:
    return cart_problems(lines, CATALOGUE, destination or address("US"), at)


def codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


# --- O1: Japan and Taiwan are served by the other store -------------------------------------------------------


# rule O1
def test_a_shipping_address_in_japan_is_refused_with_a_clear_message() -> None:
    # when
    problems = problems_of(cart_lines(("FIG-A", 1)), destination=address("JP"))

    # then
    assert problems == [
        Problem(
            "DESTINATION_NOT_SERVED",
            "We do not ship to Japan; orders for Japan and Taiwan are served by our other store.",
        )
    ]


# rule O1
def test_a_shipping_address_in_taiwan_is_refused_with_a_clear_message() -> None:
    # when
    problems = problems_of(cart_lines(("FIG-A", 1)), destination=address("TW"))

    # then
    assert problems == [
        Problem(
            "DESTINATION_NOT_SERVED",
            "We do not ship to Taiwan; orders for Japan and Taiwan are served by our other store.",
        )
    ]


# rule O1
def test_a_checkout_to_japan_raises_a_422_refusal() -> None:
    # when
    with pytest.raises(CheckoutRefused) as refusal:
        plan(cart_lines(("STK-A", 1)), destination=address("JP"))

    # then
    assert refusal.value.status == 422
    assert refusal.value.code == "CHECKOUT_REFUSED"
    assert [p["code"] for p in refusal.value.details["problems"]] == ["DESTINATION_NOT_SERVED"]
    assert "Japan" in refusal.value.message


# rule O1
@pytest.mark.parametrize("country", ["US", "FR", "KR", "CN", "HK"])
def test_a_shipping_address_elsewhere_is_served(country: str) -> None:
    assert problems_of(cart_lines(("FIG-A", 1)), destination=address(country)) == []


# --- O2: licensing ----------------------------------------------------------------------------------------


# rule O2
def test_a_product_whose_licence_excludes_the_destination_is_refused_naming_it() -> None:
    # given
    catalogue = catalogue_of(preorder_product("FIG-L", name="Licensed Hero", blocked_regions=["FR"]))

    # when
    problems = cart_problems(cart_lines(("FIG-L", 1)), catalogue, address("FR"), NOW)

    # then
    assert problems == [
        Problem("LICENCE_BLOCKED", "Licensed Hero cannot be shipped to FR because of its licence.", "FIG-L")
    ]


# rule O2
def test_a_licence_blocked_product_can_be_shipped_to_other_countries() -> None:
    # given
    catalogue = catalogue_of(preorder_product("FIG-L", name="Licensed Hero", blocked_regions=["FR"]))

    # when
    problems = cart_problems(cart_lines(("FIG-L", 1)), catalogue, address("US"), NOW)

    # then
    assert problems == []


# rule O2
def test_only_the_licence_blocked_product_of_a_cart_is_named() -> None:
    # given
    catalogue = catalogue_of(
        preorder_product("FIG-L", name="Licensed Hero", blocked_regions=["DE"]),
        preorder_product("FIG-F", name="Free Hero"),
    )

    # when
    problems = cart_problems(cart_lines(("FIG-F", 1), ("FIG-L", 1)), catalogue, address("DE"), NOW)

    # then
    assert [(p.code, p.product_id) for p in problems] == [("LICENCE_BLOCKED", "FIG-L")]


# --- O3: one order number per pre-ordered product ------------------------------------------------------------


# rule O3
def test_each_preordered_product_gets_its_own_order_number() -> None:
    # when
    result = plan(cart_lines(("FIG-A", 1), ("FIG-B", 2), ("FIG-C", 1)))

    # then
    assert [[line.product_id for line in order.lines] for order in result.orders] == [["FIG-A"], ["FIG-B"], ["FIG-C"]]
    assert len({order.order_number for order in result.orders}) == 3
    assert {order.kind for order in result.orders} == {ProductKind.PREORDER}


# rule O3
def test_the_same_product_in_another_checkout_gets_another_order_number() -> None:
    # given one generator, as one shop process would have
    numbers = order_numbers()
    first = plan(cart_lines(("FIG-A", 1)), numbers=numbers)

    # when
    second = plan(cart_lines(("FIG-A", 1)), numbers=numbers)

    # then
    assert first.orders[0].order_number != second.orders[0].order_number


# rule O3
def test_the_same_product_checked_out_later_from_another_process_gets_another_order_number() -> None:
    # given
    first = plan(cart_lines(("FIG-A", 1)), numbers=order_numbers(NOW))

    # when
    second = plan(cart_lines(("FIG-A", 1)), numbers=order_numbers(NOW + timedelta(seconds=1)))

    # then
    assert first.orders[0].order_number < second.orders[0].order_number


# rule O3, rule O11
def test_several_units_of_one_preordered_product_stay_in_one_order() -> None:
    # when
    result = plan(cart_lines(("FIG-A", 3)))

    # then
    [order] = result.orders
    assert [(line.product_id, line.quantity) for line in order.lines] == [("FIG-A", 3)]


# --- O4: in-stock items share one order number ---------------------------------------------------------------


# rule O4
def test_all_in_stock_items_of_a_checkout_share_one_order_number() -> None:
    # when
    result = plan(cart_lines(("STK-A", 2), ("STK-B", 1)))

    # then
    [order] = result.orders
    assert order.kind is ProductKind.IN_STOCK
    assert [(line.product_id, line.quantity) for line in order.lines] == [("STK-A", 2), ("STK-B", 1)]


# rule O3, rule O4
def test_a_mixed_cart_gets_one_number_per_preorder_and_one_for_the_in_stock_items() -> None:
    # when
    result = plan(cart_lines(("STK-A", 1), ("FIG-A", 1), ("STK-B", 2), ("FIG-B", 1)))

    # then
    assert [(order.kind, [line.product_id for line in order.lines]) for order in result.orders] == [
        (ProductKind.PREORDER, ["FIG-A"]),
        (ProductKind.PREORDER, ["FIG-B"]),
        (ProductKind.IN_STOCK, ["STK-A", "STK-B"]),
    ]
    assert len({order.order_number for order in result.orders}) == 3


# rule O7
def test_the_plan_takes_the_in_stock_quantities_from_stock() -> None:
    # when
    result = plan(cart_lines(("STK-A", 2), ("FIG-A", 1), ("STK-B", 2)))

    # then
    assert result.stock_to_take == {"STK-A": 2, "STK-B": 2}


# rule O7
def test_a_preorder_only_checkout_takes_nothing_from_stock() -> None:
    assert plan(cart_lines(("FIG-A", 1))).stock_to_take == {}


# --- O5: $18.00 per order number ----------------------------------------------------------------------------


# rule O5
def test_each_order_number_carries_18_dollars_of_shipping() -> None:
    # when
    result = plan(cart_lines(("FIG-A", 1), ("FIG-B", 1), ("STK-A", 1), ("STK-B", 1)))

    # then
    assert [order.shipping_fee_cents for order in result.orders] == [1800, 1800, 1800]


# rule O5
def test_the_totals_add_items_and_shipping_per_order_number() -> None:
    # given 2 x $120.00 pre-ordered; in stock 1 x $45.00 and 2 x $12.00
    lines = cart_lines(("FIG-A", 2), ("STK-A", 1), ("STK-B", 2))

    # when
    result = plan(lines)

    # then
    assert [(order.items_total_cents, order.total_cents) for order in result.orders] == [
        (24_000, 25_800),
        (6_900, 8_700),
    ]
    assert result.grand_total_cents == 34_500


# rule O9
def test_the_order_lines_carry_the_product_name_price_and_release_date() -> None:
    # when
    [order] = plan(cart_lines(("FIG-B", 2))).orders

    # then
    [line] = order.lines
    assert (line.product_id, line.name, line.quantity, line.unit_price_cents, line.release_date) == (
        "FIG-B",
        "Len Figure",
        2,
        9_900,
        "2027-06",
    )
    assert line.line_total_cents == 19_800


# --- O6: reservation limit and the number of products -----------------------------------------------------------


# rule O6
def test_a_quantity_over_the_reservation_limit_is_refused_naming_product_and_limit() -> None:
    # when
    problems = problems_of(cart_lines(("FIG-B", 3)))

    # then
    assert problems == [
        Problem("OVER_RESERVATION_LIMIT", "Len Figure is limited to 2 per order; 3 were asked for.", "FIG-B")
    ]


# rule O6
def test_a_quantity_at_the_reservation_limit_is_accepted() -> None:
    assert problems_of(cart_lines(("FIG-B", 2))) == []


# rule O6
def test_an_in_stock_quantity_over_the_reservation_limit_is_refused() -> None:
    # given a limit of 5 and a stock of 10
    problems = problems_of(cart_lines(("STK-A", 6)))

    # then
    assert [(p.code, p.product_id) for p in problems] == [("OVER_RESERVATION_LIMIT", "STK-A")]
    assert "Acrylic Stand is limited to 5 per order" in problems[0].message


def many_products(count: int) -> dict[str, Product]:
    return catalogue_of(*(preorder_product(f"FIG-{i:02d}") for i in range(count)))


# rule O6 (decision: at most 20 distinct products per checkout)
def test_a_checkout_of_twenty_distinct_products_is_accepted() -> None:
    # given
    catalogue = many_products(MAX_DISTINCT_PRODUCTS)
    lines = cart_lines(*((product_id, 1) for product_id in catalogue))

    # when
    result = plan(lines, catalogue=catalogue)

    # then
    assert len(result.orders) == 20


# rule O6 (decision: at most 20 distinct products per checkout)
def test_a_checkout_of_twenty_one_distinct_products_is_refused() -> None:
    # given
    catalogue = many_products(MAX_DISTINCT_PRODUCTS + 1)
    lines = cart_lines(*((product_id, 1) for product_id in catalogue))

    # when
    problems = cart_problems(lines, catalogue, address("US"), NOW)

    # then
    assert problems == [
        Problem("TOO_MANY_PRODUCTS", "A checkout holds at most 20 different products; this one has 21.")
    ]


# --- O7: closed pre-orders and stock ---------------------------------------------------------------------


# rule O7
def test_a_preorder_is_refused_at_its_closing_time() -> None:
    # when
    problems = problems_of(cart_lines(("FIG-A", 1)), at=CLOSES_AT)

    # then
    assert problems == [Problem("PREORDER_CLOSED", "Pre-orders for Rin Figure are closed.", "FIG-A")]


# rule O7
def test_a_preorder_is_refused_after_its_closing_time() -> None:
    problems = problems_of(cart_lines(("FIG-A", 1)), at=CLOSES_AT + timedelta(days=1))

    assert codes(problems) == ["PREORDER_CLOSED"]


# rule O7
def test_a_preorder_is_accepted_just_before_its_closing_time() -> None:
    assert problems_of(cart_lines(("FIG-A", 1)), at=CLOSES_AT - timedelta(milliseconds=1)) == []


# rule O7
def test_an_in_stock_quantity_above_the_stock_is_refused() -> None:
    # given a stock of 2
    problems = problems_of(cart_lines(("STK-B", 3)))

    # then
    assert problems == [Problem("SOLD_OUT", "Only 2 of Keychain left.", "STK-B")]


# rule O7
def test_an_in_stock_quantity_equal_to_the_stock_is_accepted() -> None:
    assert problems_of(cart_lines(("STK-B", 2))) == []


# rule O7
def test_an_in_stock_product_with_no_stock_is_refused_as_sold_out() -> None:
    # given
    catalogue = catalogue_of(in_stock_product("STK-Z", name="Rare Pin", stock=0))

    # when
    problems = cart_problems(cart_lines(("STK-Z", 1)), catalogue, address("US"), NOW)

    # then
    assert problems == [Problem("SOLD_OUT", "Rare Pin is sold out.", "STK-Z")]


# --- Other refusals, and every problem at once -----------------------------------------------------------


# rule O6: listing a product twice would otherwise slip past its reservation limit
def test_a_product_listed_twice_is_refused() -> None:
    # when
    problems = problems_of(cart_lines(("FIG-A", 1), ("FIG-A", 2)))

    # then
    assert problems == [
        Problem(
            "DUPLICATE_PRODUCT",
            "Product FIG-A is listed twice; list it once with the quantity you want.",
            "FIG-A",
        )
    ]


def test_an_unknown_product_is_refused_naming_it() -> None:
    problems = problems_of(cart_lines(("NOPE-1", 1)))

    assert problems == [Problem("UNKNOWN_PRODUCT", "There is no product NOPE-1.", "NOPE-1")]


def test_an_empty_cart_is_refused() -> None:
    assert codes(problems_of([])) == ["EMPTY_CART"]


# rule O1, rule O2, rule O6, rule O7
def test_every_problem_of_a_cart_is_listed_in_one_refusal() -> None:
    # given a cart to Japan with: an over-limit line, a closed pre-order, too much stock, an unknown product,
    # a duplicate and a licence-blocked product
    catalogue = catalogue_of(
        preorder_product("FIG-A", name="Rin Figure", reservation_limit=1),
        preorder_product("FIG-X", name="Closed Figure", preorder_closes_at=NOW),
        in_stock_product("STK-B", name="Keychain", stock=2),
        preorder_product("FIG-L", name="Licensed Hero", blocked_regions=["JP"]),
    )
    lines = cart_lines(("FIG-A", 2), ("FIG-X", 1), ("STK-B", 3), ("NOPE-1", 1), ("FIG-A", 1), ("FIG-L", 1))

    # when
    with pytest.raises(CheckoutRefused) as refusal:
        plan_checkout(lines, catalogue, address("JP"), NOW, order_numbers())

    # then
    assert [(p["code"], p.get("productId")) for p in refusal.value.details["problems"]] == [
        ("DESTINATION_NOT_SERVED", None),
        ("OVER_RESERVATION_LIMIT", "FIG-A"),
        ("PREORDER_CLOSED", "FIG-X"),
        ("SOLD_OUT", "STK-B"),
        ("UNKNOWN_PRODUCT", "NOPE-1"),
        ("DUPLICATE_PRODUCT", "FIG-A"),
        ("LICENCE_BLOCKED", "FIG-L"),
    ]


# rule O6, rule O7
def test_one_line_breaking_two_rules_lists_both() -> None:
    # given a limit of 5 and a stock of 2
    problems = problems_of(cart_lines(("STK-B", 6)))

    # then
    assert codes(problems) == ["OVER_RESERVATION_LIMIT", "SOLD_OUT"]


# rule O1, rule O7
def test_the_refusal_message_gathers_every_problem_message() -> None:
    # when
    with pytest.raises(CheckoutRefused) as refusal:
        plan(cart_lines(("STK-B", 3)), destination=address("TW"))

    # then
    assert refusal.value.message == (
        "The order cannot be placed: "
        "We do not ship to Taiwan; orders for Japan and Taiwan are served by our other store. "
        "Only 2 of Keychain left."
    )


# rule O3
def test_a_refused_checkout_uses_up_no_order_number() -> None:
    # given a generator whose random part is always 7, so a second number in the same millisecond would end in 8
    numbers = OrderNumbers(FixedClock(NOW), random_source=lambda _bound: 7)
    with pytest.raises(CheckoutRefused):
        plan(cart_lines(("FIG-A", 9)), numbers=numbers)

    # when
    [order] = plan(cart_lines(("FIG-A", 1)), numbers=numbers).orders

    # then it is the generator's first number
    now_millis = (NOW - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert order.order_number == format_order_number(now_millis, 7)


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_a_cart_line_quantity_outside_1_to_999_is_refused(quantity: int) -> None:
    with pytest.raises(ValidationError, match="quantity"):
        CartLine(product_id="FIG-A", quantity=quantity)


# --- O9 and O11 --------------------------------------------------------------------------------------------


# rule O9
def test_the_success_message_is_the_guides_text_exactly() -> None:
    assert SUCCESS_MESSAGE == "Your order has been processed successfully. Thank you for staying with us."


# rule O11
def test_no_order_mixes_preordered_and_in_stock_products() -> None:
    # when
    result = plan(cart_lines(("FIG-A", 1), ("STK-A", 1), ("FIG-B", 1), ("STK-B", 1)))

    # then
    kinds_per_order = [{CATALOGUE[line.product_id].kind for line in order.lines} for order in result.orders]
    assert kinds_per_order == [{ProductKind.PREORDER}, {ProductKind.PREORDER}, {ProductKind.IN_STOCK}]
    assert [order.kind for order in result.orders] == [ProductKind.PREORDER, ProductKind.PREORDER, ProductKind.IN_STOCK]
