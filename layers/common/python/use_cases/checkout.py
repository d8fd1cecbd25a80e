"""O1-O13: a member's cart becomes orders in one transaction: one per pre-ordered product, one for the
in-stock items, each with its confirmation email. Idempotency (O8) is the handler's, around this.

C3: the cart is the one the request lists, or else the member's saved cart, whose ordered lines leave it
in the same transaction."""

from __future__ import annotations

import uuid

from shop import emails
from shop.cart import as_of
from shop.checkout import Buyer, CartLine, plan_checkout
from shop.order_numbers import OrderNumbers
from shop.views import CheckoutResult
from shop_aws.dynamodb import carts, orders, products
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics

order_numbers = OrderNumbers(clock())


def place_checkout(buyer: Buyer, items: list[CartLine] | None) -> CheckoutResult:
    """The listed items, or (None) the member's saved cart as it is now (C3)."""
    now = clock().now()
    lines = as_of(carts.get_cart(buyer.member_id), now).lines() if items is None else items
    catalogue = products.get_products(line.product_id for line in lines)
    plan = plan_checkout(lines, catalogue, buyer.shipping_address, now, order_numbers)
    checkout_id = uuid.uuid4().hex
    placed = plan.orders_for(buyer, checkout_id, now)
    outbox = [outbox_email(emails.order_confirmation(order), now) for order in placed]
    ordered = {line.product_id: line.quantity for line in lines} if items is None else None
    orders.place_checkout(placed, plan.stock_to_take, outbox, cart_lines=ordered)
    metrics.add_metric(name="OrdersPlaced", unit="Count", value=len(placed))
    logger.info("checkout placed", extra={"checkout_id": checkout_id, "orders": [o.order_number for o in placed]})
    return CheckoutResult.of(checkout_id, placed, plan.grand_total_cents)
