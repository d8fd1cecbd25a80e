"""My Account: a member's own orders (M6), the address (L9, L11) and payment method (O13) of one order
number, and re-settlement of a failed payment (L5). Another member's order is a 404, never a 403 that
confirms it exists."""

from __future__ import annotations

from shop import emails
from shop.account import check_payment_method_change, readdressed, with_payment_method
from shop.errors import NotFound
from shop.order_numbers import parse_any_order_number
from shop.orders import Address, Order, PaymentCard, check_can_resettle, resettling, settlement_requested
from shop.payments import PaymentProcessor
from shop.support_requests import summary
from shop.views import OrderDetailView, OrderPage, OrderView
from shop_aws.dynamodb import order_changes, orders, products, support_requests
from shop_aws.dynamodb.outbox import outbox_email, outbox_event
from shop_aws.dynamodb.sent_emails import email_history
from shop_aws.dynamodb.undeliverable import undeliverable
from shop_aws.runtime import clock, logger
from use_cases.payment_methods import members_card


def own_order(member_id: str, order_number: str) -> Order:
    """The member's order, or 404 for anyone else's: never confirm another member's order exists."""
    canonical = parse_any_order_number(order_number)
    order = orders.get_order(canonical)
    if order is None or order.member_id != member_id:
        raise NotFound(f"There is no order {canonical} in your account.", orderNumber=canonical)
    return order


def detail(order: Order) -> OrderDetailView:
    """M6: everything about one order number, with every email sent about it and its support requests (S1)."""
    about = [summary(request) for request in support_requests.about_order(order.order_number)]
    return OrderDetailView.of_order(order, email_history(order.order_number), about, undeliverable(order.email))


def my_orders(member_id: str, limit: int, cursor: str | None) -> OrderPage:
    """M6: the member's own orders, newest first, a page at a time."""
    page, next_cursor = orders.member_orders(member_id, limit, cursor)
    return OrderPage(orders=[OrderView.of(order) for order in page], next_cursor=next_cursor)


def my_order(member_id: str, order_number: str) -> OrderDetailView:
    return detail(own_order(member_id, order_number))


def change_shipping_address(member_id: str, order_number: str, address: Address) -> OrderDetailView:
    """L9: per order number, until the shipping date is confirmed; the checkout's other orders keep theirs.
    L11: an old-shop order has one address for all its items, so this moves them all."""
    order = own_order(member_id, order_number)
    moved = readdressed(order, address, products.get_products(line.product_id for line in order.lines))
    email = outbox_email(emails.address_changed(moved), clock().now())
    order_changes.change_shipping_address(order, moved, [email])
    logger.info("shipping address changed", extra={"order_number": order.order_number})
    return detail(moved)


def change_payment_method(
    member_id: str, order_number: str, payment_method_id: str, processor: PaymentProcessor
) -> OrderDetailView:
    """O13: before the charge, the member may replace the payment method of an order with a card they saved (P1)."""
    order = own_order(member_id, order_number)
    check_payment_method_change(order)
    card = members_card(member_id, payment_method_id, processor)
    changed = with_payment_method(order, card.payment_method_id, PaymentCard(brand=card.brand, last4=card.last4))
    email = outbox_email(emails.payment_method_changed(changed), clock().now())
    order_changes.change_payment_method(order, changed, [email])
    logger.info("payment method changed", extra={"order_number": order.order_number})
    return detail(changed)


def resettle(member_id: str, order_number: str, payment_method_id: str, processor: PaymentProcessor) -> OrderView:
    """L5: a new payment method (a card saved, P1) before the deadline; settlement is requested again."""
    order = own_order(member_id, order_number)
    now = clock().now()
    check_can_resettle(order, now)
    card = members_card(member_id, payment_method_id, processor)
    pending = resettling(order, card.payment_method_id, now, PaymentCard(brand=card.brand, last4=card.last4))
    event = outbox_event("SettlementRequested", settlement_requested(pending), now)
    order_changes.request_resettlement(order, pending, now, [event])
    logger.info("re-settlement requested", extra={"order_number": order.order_number})
    return OrderView.of(pending)
