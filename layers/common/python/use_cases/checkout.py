"""O1-O13: a member's cart becomes orders in one transaction: one per pre-ordered product, one for the
in-stock items, each with its confirmation email. Idempotency (O8) is the handler's, around this."""

from __future__ import annotations

import uuid

from shop import emails
from shop.checkout import Buyer, CartLine, plan_checkout
from shop.order_numbers import OrderNumbers
from shop.views import CheckoutResult
from shop_aws.dynamodb import orders, products
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics

order_numbers = OrderNumbers(clock())


def place_checkout(buyer: Buyer, items: list[CartLine]) -> CheckoutResult:
    now = clock().now()
    catalogue = products.get_products(line.product_id for line in items)
    plan = plan_checkout(items, catalogue, buyer.shipping_address, now, order_numbers)
    checkout_id = uuid.uuid4().hex
    placed = plan.orders_for(buyer, checkout_id, now)
    outbox = [outbox_email(emails.order_confirmation(order), now) for order in placed]
    orders.place_checkout(placed, plan.stock_to_take, outbox)
    metrics.add_metric(name="OrdersPlaced", unit="Count", value=len(placed))
    logger.info("checkout placed", extra={"checkout_id": checkout_id, "orders": [o.order_number for o in placed]})
    return CheckoutResult.of(checkout_id, placed, plan.grand_total_cents)
