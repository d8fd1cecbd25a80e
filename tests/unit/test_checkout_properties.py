"""Properties of the checkout split (O3-O5, O11, O12) that hold for any valid cart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from shop.catalogue import MAX_PRICE_CENTS, Product, ProductKind
from shop.checkout import MAX_DISTINCT_PRODUCTS, CartLine, CheckoutPlan, plan_checkout
from shop.order_numbers import OrderNumbers
from tests.support.builders import NOW, address, catalogue_of, in_stock_product, order_numbers, preorder_product

DESTINATION = address("US")


@dataclass(frozen=True)
class ValidCheckout:
    catalogue: dict[str, Product]
    lines: list[CartLine]

    def kind_of(self, product_id: str) -> ProductKind:
        return self.catalogue[product_id].kind

    def plan(self, numbers: OrderNumbers | None = None) -> CheckoutPlan:
        return plan_checkout(self.lines, self.catalogue, DESTINATION, NOW, numbers or order_numbers())


@dataclass(frozen=True)
class Traits:
    """What varies between products; drawn in one go, which keeps the whole unit suite fast."""

    kind: ProductKind
    unit_price_cents: int
    limit_and_quantity: tuple[int, int]
    extra_stock: int
    closes_in_ms: int
    blocked_regions: frozenset[str]


# Every product may be blocked somewhere, never in the destination (US).
TRAITS = st.builds(
    Traits,
    kind=st.sampled_from(ProductKind),
    unit_price_cents=st.integers(min_value=1, max_value=MAX_PRICE_CENTS),
    limit_and_quantity=st.tuples(st.integers(1, 999), st.integers(1, 999)),
    extra_stock=st.integers(min_value=0, max_value=1_000),
    closes_in_ms=st.integers(min_value=1, max_value=10**10),
    blocked_regions=st.sampled_from([frozenset(), frozenset({"FR"}), frozenset({"JP", "KR"}), frozenset({"DE", "GB"})]),
)


def product_and_line(product_id: str, traits: Traits) -> tuple[Product, CartLine]:
    """An open pre-order or an in-stock product with enough stock, and a cart line within its limit."""
    limit, quantity = max(traits.limit_and_quantity), min(traits.limit_and_quantity)
    if traits.kind is ProductKind.PREORDER:
        product = preorder_product(
            product_id,
            unit_price_cents=traits.unit_price_cents,
            reservation_limit=limit,
            preorder_closes_at=NOW + timedelta(milliseconds=traits.closes_in_ms),
            blocked_regions=traits.blocked_regions,
        )
    else:
        product = in_stock_product(
            product_id,
            unit_price_cents=traits.unit_price_cents,
            reservation_limit=limit,
            stock=quantity + traits.extra_stock,
            blocked_regions=traits.blocked_regions,
        )
    return product, CartLine(product_id=product_id, quantity=quantity)


@st.composite
def valid_checkouts(draw: st.DrawFn) -> ValidCheckout:
    """A catalogue with enough stock and limits, and a cart of 1 to 20 distinct products from it."""
    in_cart = draw(st.lists(TRAITS, min_size=1, max_size=MAX_DISTINCT_PRODUCTS))
    not_in_cart = draw(st.lists(TRAITS, max_size=2))
    pairs = [product_and_line(f"P-{i:02d}", traits) for i, traits in enumerate(in_cart + not_in_cart)]
    catalogue = catalogue_of(*(product for product, _ in pairs))
    lines = draw(st.permutations([line for _, line in pairs[: len(in_cart)]]))
    return ValidCheckout(catalogue, lines)


# rule O3, rule O4
@settings(deadline=None)
@given(valid_checkouts())
def test_there_is_one_order_per_preordered_product_and_one_for_all_in_stock_items(checkout: ValidCheckout) -> None:
    # given
    preordered = {
        line.product_id for line in checkout.lines if checkout.kind_of(line.product_id) is ProductKind.PREORDER
    }
    any_in_stock = any(checkout.kind_of(line.product_id) is ProductKind.IN_STOCK for line in checkout.lines)

    # when
    result = checkout.plan()

    # then
    assert len(result.orders) == len(preordered) + (1 if any_in_stock else 0)


# rule O5
@settings(deadline=None)
@given(valid_checkouts())
def test_shipping_is_1800_cents_per_order(checkout: ValidCheckout) -> None:
    # when
    result = checkout.plan()

    # then
    assert sum(order.shipping_fee_cents for order in result.orders) == 1800 * len(result.orders)


# rule O5, rule O9
@settings(deadline=None)
@given(valid_checkouts())
def test_the_grand_total_is_the_sum_of_the_order_totals_and_of_the_lines_plus_shipping(checkout: ValidCheckout) -> None:
    # given totals computed from the cart and the catalogue, not from the plan
    lines_total = sum(line.quantity * checkout.catalogue[line.product_id].unit_price_cents for line in checkout.lines)

    # when
    result = checkout.plan()

    # then
    shipping_total = 1800 * len(result.orders)
    assert sum(order.total_cents for order in result.orders) == result.grand_total_cents
    assert result.grand_total_cents == lines_total + shipping_total


# rule O11
@settings(deadline=None)
@given(valid_checkouts())
def test_no_order_mixes_preordered_and_in_stock_products(checkout: ValidCheckout) -> None:
    # when
    result = checkout.plan()

    # then
    for order in result.orders:
        assert {checkout.kind_of(line.product_id) for line in order.lines} == {order.kind}
        if order.kind is ProductKind.PREORDER:
            assert len(order.lines) == 1


# rule O3, rule O4, rule O11
@settings(deadline=None)
@given(valid_checkouts())
def test_every_cart_line_is_in_exactly_one_order_with_its_quantity(checkout: ValidCheckout) -> None:
    # when
    result = checkout.plan()

    # then
    placed = Counter((line.product_id, line.quantity) for order in result.orders for line in order.lines)
    assert placed == Counter((line.product_id, line.quantity) for line in checkout.lines)


# rule O7
@settings(deadline=None)
@given(valid_checkouts())
def test_the_stock_taken_is_exactly_the_in_stock_quantities(checkout: ValidCheckout) -> None:
    # when
    result = checkout.plan()

    # then
    assert result.stock_to_take == {
        line.product_id: line.quantity
        for line in checkout.lines
        if checkout.kind_of(line.product_id) is ProductKind.IN_STOCK
    }


# rule O12
@settings(deadline=None)
@given(valid_checkouts())
def test_order_numbers_are_unique_and_strictly_increase_in_creation_order(checkout: ValidCheckout) -> None:
    # when every number is issued in the same millisecond
    result = checkout.plan()

    # then
    numbers = [order.order_number for order in result.orders]
    assert all(earlier < later for earlier, later in pairwise(numbers))


# rule O3, rule O12
@settings(deadline=None)
@given(valid_checkouts(), valid_checkouts())
def test_a_later_checkout_gets_only_new_and_greater_order_numbers(first: ValidCheckout, second: ValidCheckout) -> None:
    # given one generator for both checkouts, as in one shop process
    numbers = order_numbers()
    earlier = first.plan(numbers)

    # when
    later = second.plan(numbers)

    # then
    assert max(order.order_number for order in earlier.orders) < min(order.order_number for order in later.orders)
