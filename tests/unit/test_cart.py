"""The cart's rules (C3): adding raises up to the limit, expiry, and a review that is checkout's own decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.cart import (
    CART_IDLE_EXPIRY,
    MAX_CART_LINES,
    Cart,
    CartItem,
    StockState,
    added,
    as_of,
    expiry,
    require_product,
    review,
    stock_state,
    with_quantity,
)
from shop.catalogue import Product, ProductKind
from shop.checkout import plan_checkout
from shop.errors import CartRefused, CheckoutRefused, NotFound
from tests.support.builders import NOW, address, catalogue_of, in_stock_product, order_numbers, preorder_product


def a_cart(*lines: tuple[str, int]) -> Cart:
    items = tuple(
        CartItem(product_id=product_id, quantity=quantity, added_at=NOW - timedelta(minutes=len(lines) - index))
        for index, (product_id, quantity) in enumerate(lines)
    )
    return Cart(items=items, expires_at=expiry(NOW))


# ---------------------------------------------------------------- adding and setting


# rule C3
@given(
    limit=st.integers(1, 999),
    held=st.integers(0, 999),
    adding=st.integers(1, 999),
)
def test_adding_raises_the_quantity_up_to_the_limit_and_says_so_only_when_it_stops_there(
    limit: int, held: int, adding: int
) -> None:
    # given a line holding at most the limit (or no line)
    held = min(held, limit)
    product = preorder_product("FIG-1", reservation_limit=limit)
    cart = a_cart(("FIG-1", held)) if held else Cart()

    # when
    change = added(cart, product, adding, NOW)

    # then
    assert change.after.quantity == min(held + adding, limit)
    assert (change.notice is not None) == (held + adding > limit)
    assert (change.before.quantity if change.before else 0) == held


def test_a_line_keeps_the_time_it_was_first_added() -> None:
    # rule C3: the cart lists lines in the order they were added
    product = in_stock_product("STK-1")
    cart = a_cart(("STK-1", 1))

    change = added(cart, product, 1, NOW + timedelta(days=2))

    assert change.after.added_at == cart.items[0].added_at


# rule C3, rule O6
@given(limit=st.integers(1, 998), over=st.integers(1, 999))
def test_setting_a_quantity_over_the_limit_is_refused_naming_the_limit(limit: int, over: int) -> None:
    product = preorder_product("FIG-1", name="Racing Miku", reservation_limit=limit)
    quantity = min(limit + over, 999)

    with pytest.raises(CartRefused) as refused:
        with_quantity(Cart(), product, quantity, NOW)

    assert refused.value.details["problems"] == [
        {
            "code": "OVER_RESERVATION_LIMIT",
            "message": f"Racing Miku is limited to {limit} per order; {quantity} were asked for.",
            "productId": "FIG-1",
        }
    ]


def test_a_closed_preorder_is_refused() -> None:
    # rule C3, rule O7
    product = preorder_product("FIG-1", preorder_closes_at=NOW)

    with pytest.raises(CartRefused) as refused:
        added(Cart(), product, 1, NOW)

    assert [problem["code"] for problem in refused.value.details["problems"]] == ["PREORDER_CLOSED"]


def test_sold_out_or_licence_blocked_products_may_wait_in_the_cart() -> None:
    # rule C3: stock and the destination are judged when the cart is reviewed and at checkout
    sold_out = in_stock_product("STK-1", stock=0, blocked_regions=["US"])

    change = with_quantity(Cart(), sold_out, 2, NOW)

    assert change.after.quantity == 2


def test_a_new_product_is_refused_once_the_cart_holds_the_most_a_checkout_takes() -> None:
    # rule C3, rule O6
    full = a_cart(*((f"FIG-{index}", 1) for index in range(MAX_CART_LINES)))

    with pytest.raises(CartRefused):
        added(full, preorder_product("FIG-NEW"), 1, NOW)
    assert added(full, preorder_product("FIG-0"), 1, NOW).after.quantity == 2


def test_a_line_for_a_product_the_catalogue_does_not_have_is_not_found() -> None:
    # rule C3
    with pytest.raises(NotFound) as missing:
        require_product("NOPE-1", None)

    assert missing.value.details == {"productId": "NOPE-1"}


# ---------------------------------------------------------------- expiry


def test_a_cart_is_kept_until_the_idle_period_after_its_last_change() -> None:
    # rule C3
    kept = Cart(items=a_cart(("FIG-1", 1)).items, expires_at=expiry(NOW))

    assert as_of(kept, NOW + CART_IDLE_EXPIRY - timedelta(milliseconds=1)) == kept
    assert as_of(kept, NOW + CART_IDLE_EXPIRY) == Cart()


def test_no_cart_kept_is_an_empty_cart() -> None:
    # rule C3
    assert as_of(None, NOW).items == ()


# ---------------------------------------------------------------- the review is checkout's decision


@pytest.mark.parametrize(
    ("product", "quantity", "state"),
    [
        (preorder_product("FIG-1"), 1, StockState.PREORDER_OPEN),
        (preorder_product("FIG-1", preorder_closes_at=NOW), 1, StockState.PREORDER_CLOSED),
        (in_stock_product("STK-1", stock=3), 3, StockState.IN_STOCK),
        (in_stock_product("STK-1", stock=2), 3, StockState.NOT_ENOUGH_STOCK),
        (in_stock_product("STK-1", stock=0), 1, StockState.SOLD_OUT),
        (None, 1, StockState.UNKNOWN_PRODUCT),
    ],
    ids=["open", "closed", "in-stock", "not-enough", "sold-out", "unknown"],
)
def test_each_line_says_where_its_stock_stands(product: Product | None, quantity: int, state: StockState) -> None:
    # rule C3
    assert stock_state(product, quantity, NOW) is state


@dataclass(frozen=True)
class AnyCart:
    """A catalogue and a cart with anything wrong or right with it, and a country to review it for."""

    catalogue: dict[str, Product]
    cart: Cart
    country: str


@st.composite
def any_carts(draw: st.DrawFn) -> AnyCart:
    products: list[Product] = []
    lines: list[tuple[str, int]] = []
    for index in range(draw(st.integers(0, 6))):
        product_id = f"P-{index}"
        limit = draw(st.integers(1, 5))
        blocked = draw(st.sampled_from([(), ("US",), ("FR", "DE")]))
        if draw(st.sampled_from(ProductKind)) is ProductKind.PREORDER:
            closes = NOW + timedelta(hours=draw(st.integers(-2, 48)))
            product = preorder_product(
                product_id, reservation_limit=limit, preorder_closes_at=closes, blocked_regions=blocked
            )
        else:
            stock = draw(st.integers(0, 6))
            product = in_stock_product(product_id, reservation_limit=limit, stock=stock, blocked_regions=blocked)
        if draw(st.booleans()):
            products.append(product)  # otherwise the line names a product the catalogue lost
        lines.append((product_id, draw(st.integers(1, 7))))
    country = draw(st.sampled_from(["US", "FR", "JP", "TW", "BR"]))
    return AnyCart(catalogue_of(*products), a_cart(*lines), country)


def checkout_refusals(case: AnyCart) -> list[dict[str, str]]:
    """What checkout itself says of this cart sent to this country: nothing, or every problem."""
    try:
        plan_checkout(case.cart.lines(), case.catalogue, address(case.country), NOW, order_numbers())
    except CheckoutRefused as refused:
        return list(refused.details["problems"])
    return []


# rule C3: the cart shows, before confirming, exactly what checkout decides
@settings(deadline=None, max_examples=200)
@given(any_carts())
def test_the_review_is_ready_exactly_when_checkout_would_place_it_and_shows_its_problems(case: AnyCart) -> None:
    # given
    refusals = checkout_refusals(case)

    # when
    shown = review(case.cart, case.catalogue, case.country, NOW)

    # then
    assert [problem.model_dump(by_alias=True, exclude_none=True) for problem in shown.problems] == refusals
    assert shown.ready_for_checkout is (refusals == [])


# rule C3, rule O3, rule O4, rule O5
@settings(deadline=None, max_examples=200)
@given(any_carts())
def test_the_review_previews_the_order_numbers_checkout_would_issue_with_18_dollars_each(case: AnyCart) -> None:
    # given what checkout would make of the known products, problems or not
    known = [line for line in case.cart.lines() if line.product_id in case.catalogue]
    preorders = sum(1 for line in known if case.catalogue[line.product_id].kind is ProductKind.PREORDER)
    expected = preorders + (1 if len(known) > preorders else 0)

    # when
    shown = review(case.cart, case.catalogue, case.country, NOW)

    # then
    items = sum(line.quantity * case.catalogue[line.product_id].unit_price_cents for line in known)
    assert shown.order_count == len(shown.orders) == expected
    assert shown.shipping_fee_cents == 1_800 * expected
    assert (shown.items_total_cents, shown.grand_total_cents) == (items, items + 1_800 * expected)


def test_the_review_allocates_no_order_number() -> None:
    # rule C3, rule O12: numbers are issued by checkout only
    shown = review(a_cart(("FIG-1", 1)), catalogue_of(preorder_product("FIG-1")), None, NOW)

    assert "orderNumber" not in shown.model_dump(by_alias=True)["orders"][0]
