"""C3: a member's cart, kept on the server so every device shows the same one.

Each change reads the cart, lets the rules decide the one line it changes (shop.cart), and writes that
line only if it is still as read. When another device changed the same line in between, the change is
decided again on the cart as it is now, a few times before giving up with 409 CART_CHANGED. Every answer
is the cart reviewed by checkout's rules: current prices, dates and stock, the order numbers it becomes,
and what would stop checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shop import cart as carts_rules
from shop.cart import Cart, CartView, LineChange
from shop.catalogue import Product
from shop.errors import CartChanged
from shop_aws.dynamodb import carts, products
from shop_aws.runtime import clock, logger

# Decisions made again when another device changed the same line meanwhile.
ATTEMPTS = 4


def my_cart(member_id: str, country: str | None = None, notice: str | None = None) -> CartView:
    """C3: the member's cart as checkout would see it now (for the country, if one is given: O1, O2)."""
    now = clock().now()
    cart = carts_rules.as_of(carts.get_cart(member_id), now)
    catalogue = products.get_products(item.product_id for item in cart.items)
    return carts_rules.review(cart, catalogue, country, now, notice)


def add(member_id: str, product_id: str, quantity: int) -> CartView:
    """C3: "Add to Cart" / "Pre-order Now": a product already there gets more, up to its limit."""
    return _change_line(
        member_id, product_id, lambda cart, product, now: carts_rules.added(cart, product, quantity, now)
    )


def set_quantity(member_id: str, product_id: str, quantity: int) -> CartView:
    """C3: the line holds exactly this quantity (at most the product's limit)."""
    return _change_line(
        member_id, product_id, lambda cart, product, now: carts_rules.with_quantity(cart, product, quantity, now)
    )


def remove(member_id: str, product_id: str) -> CartView:
    """C3: the line leaves the cart, whatever another device did to it meanwhile."""
    carts.remove_line(member_id, product_id, clock().now())
    return my_cart(member_id)


def empty(member_id: str) -> CartView:
    """C3: every line leaves the cart."""
    carts.empty_cart(member_id)
    return my_cart(member_id)


def _change_line(member_id: str, product_id: str, decide: Callable[[Cart, Product, datetime], LineChange]) -> CartView:
    found = products.get_product(product_id)
    product = carts_rules.require_product(product_id, found[0] if found else None)
    attempt = 1
    while True:
        now = clock().now()
        kept = carts.get_cart(member_id)
        change = decide(carts_rules.as_of(kept, now), product, now)
        try:
            carts.write_line(member_id, kept, change, now)
        except CartChanged:
            logger.info("cart changed meanwhile", extra={"attempt": attempt})
            if attempt == ATTEMPTS:
                raise
            attempt += 1
        else:
            return my_cart(member_id, notice=change.notice)
