"""My Account: what a member may change on a placed order (L9, O13) and when they may leave (M5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shop.catalogue import Product
from shop.checkout import destination_problems
from shop.errors import AddressRefused, StateConflict, UnshippedOrders
from shop.orders import ERASED, OPEN_STATES, WITHDRAWN_MEMBER, Address, Order, OrderState, PaymentCard

# L9: the address can change until the shipping date is confirmed.
ADDRESS_CHANGE_STATES = frozenset({OrderState.RESERVED})
# O13: the payment method can change until the order is charged (settlement is requested).
PAYMENT_METHOD_CHANGE_STATES = frozenset({OrderState.RESERVED, OrderState.SHIPPING_DATE_CONFIRMED})


def check_address_change(order: Order) -> None:
    """L9, L11: one address per order number, changeable while the order waits for its shipping date."""
    if order.state in ADDRESS_CHANGE_STATES:
        return
    if order.shipping_date is not None and order.state not in {OrderState.SHIPPED, OrderState.CANCELLED}:
        reason = (
            f"The shipping date of order {order.order_number} is confirmed ({order.shipping_date}); "
            "its shipping address can no longer be changed. Please contact customer support."
        )
    else:
        reason = f"Order {order.order_number} is {order.state.value}; its shipping address can no longer be changed."
    raise StateConflict(
        reason, orderNumber=order.order_number, currentState=order.state.value, shippingDate=order.shipping_date
    )


def readdressed(order: Order, destination: Address, products: Mapping[str, Product]) -> Order:
    """L9, L11: the order with its new shipping address, if the order may still change it and O1/O2 allow it."""
    check_address_change(order)
    problems = destination_problems(destination, [p for pid, p in products.items() if _on(order, pid)])
    if problems:
        raise AddressRefused(
            f"The shipping address of order {order.order_number} cannot be changed: "
            + " ".join(problem.message for problem in problems),
            orderNumber=order.order_number,
            problems=[problem.to_body() for problem in problems],
        )
    return order.model_copy(update={"shipping_address": destination})


def _on(order: Order, product_id: str) -> bool:
    return any(line.product_id == product_id for line in order.lines)


def check_payment_method_change(order: Order) -> None:
    """O13: before the charge the member may replace the payment method of an order."""
    if order.state in PAYMENT_METHOD_CHANGE_STATES:
        return
    number = order.order_number
    if order.state is OrderState.PAYMENT_FAILED:
        reason = (
            f"The payment of order {number} failed; give the new payment method as a re-settlement "
            f"(POST /orders/{number}/resettlement) before the deadline."
        )
    elif order.state is OrderState.SETTLEMENT_PENDING:
        reason = f"Order {number} is being charged now (SETTLEMENT_PENDING); its payment method can no longer change."
    else:
        reason = (
            f"Order {number} is {order.state.value}; there is nothing left to charge, so no payment method to change."
        )
    raise StateConflict(reason, orderNumber=number, currentState=order.state.value)


def with_payment_method(order: Order, payment_token: str, card: PaymentCard | None = None) -> Order:
    """O13: the order with the new payment method, if it is not being charged or paid yet."""
    check_payment_method_change(order)
    return order.model_copy(update={"payment_token": payment_token, "payment_card": card})


def check_withdrawal(orders: Iterable[Order]) -> None:
    """M5: refused while any order is unshipped (neither shipped nor cancelled), listing them all."""
    unshipped = sorted(order.order_number for order in orders if order.state in OPEN_STATES)
    if unshipped:
        raise UnshippedOrders(
            "Your account cannot be deleted while orders are unshipped: "
            + ", ".join(unshipped)
            + ". Once they have shipped (or been cancelled) you can delete it.",
            unshippedOrderNumbers=unshipped,
        )


def erased_address(address: Address) -> Address:
    """M5: nothing that identifies the person; the country stays for the accounts (sales by destination)."""
    return Address(name=ERASED, line1=ERASED, city=ERASED, postal_code=ERASED, country=address.country)


def erased(order: Order) -> Order:
    """M5: the order as kept after withdrawal: for the accounts, no longer linked to a person."""
    return order.model_copy(
        update={
            "member_id": WITHDRAWN_MEMBER,
            "email": ERASED,
            "shipping_address": erased_address(order.shipping_address),
            "billing_address": erased_address(order.billing_address),
            "payment_token": ERASED,
            "payment_card": None,
        }
    )
