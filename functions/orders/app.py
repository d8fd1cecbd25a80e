"""My Account: a member's own orders (M6), the address (L9, L11) and payment method (O13) of one order number,
and re-settlement of a failed payment (L5). Another member's order is a 404, never a 403 that confirms it."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field

from shop import emails
from shop.account import (
    ADDRESS_CHANGE_STATES,
    PAYMENT_METHOD_CHANGE_STATES,
    check_new_address,
    check_payment_method_change,
)
from shop.clock import iso
from shop.errors import NotFound
from shop.order_numbers import parse_any_order_number
from shop.orders import Address, Order, OrderState, check_can_resettle, settlement_requested
from shop.views import OrderDetailView, OrderPage, OrderView
from shop_aws import dynamodb
from shop_aws.api import caller, handler_for, resolver
from shop_aws.runtime import clock, logger

app = resolver()

PAYMENT_TOKEN_PATTERN = r"^[A-Za-z0-9_\-]{4,128}$"  # noqa: S105 - a format, not a secret


class ResettlementRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    payment_token: str = Field(alias="paymentToken", pattern=PAYMENT_TOKEN_PATTERN)


class PaymentMethodRequest(BaseModel):
    """O13: a new token from the payment processor for this one order."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    payment_token: str = Field(alias="paymentToken", pattern=PAYMENT_TOKEN_PATTERN)


def own_order(order_number: str) -> Order:
    """The caller's order, or 404 for anyone else's: never confirm another member's order exists."""
    canonical = parse_any_order_number(order_number)
    order = dynamodb.get_order(canonical)
    if order is None or order.member_id != caller(app).member_id:
        raise NotFound(f"There is no order {canonical} in your account.", orderNumber=canonical)
    return order


def detail(order: Order) -> OrderDetailView:
    return OrderDetailView.of_order(order, dynamodb.email_history(order.order_number))


@app.get("/orders")
def my_orders(
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[OrderPage]:
    """M6: the member's own orders, newest first, a page at a time."""
    orders, next_cursor = dynamodb.member_orders(caller(app).member_id, limit, cursor)
    page = OrderPage(orders=[OrderView.of(order) for order in orders], next_cursor=next_cursor)
    return Response(200, "application/json", page)


@app.get("/orders/<order_number>")
def my_order(order_number: str) -> Response[OrderDetailView]:
    """M6: lines, state, fees, shipping date, payment state and every email sent about the order."""
    return Response(200, "application/json", detail(own_order(order_number)))


@app.put("/orders/<order_number>/shipping-address")
def change_address(order_number: str, address: Address) -> Response[OrderDetailView]:
    """L9: per order number, until the shipping date is confirmed; the checkout's other orders keep theirs.
    L11: an old-shop order has one address for all its items, so this moves them all."""
    order = own_order(order_number)
    products = dynamodb.get_products(line.product_id for line in order.lines)
    check_new_address(order, address, products)
    moved = order.model_copy(update={"shipping_address": address})
    now = clock().now()
    dynamodb.apply_change(
        dynamodb.OrderChange(
            order=order,
            allowed_states=ADDRESS_CHANGE_STATES,
            set_values={"shippingAddress": address.model_dump(mode="json", by_alias=True, exclude_none=True)},
            outbox=[dynamodb.outbox_email(emails.address_changed(moved), now)],
            what="the shipping address",
        )
    )
    logger.info("shipping address changed", extra={"order_number": order.order_number})
    return Response(200, "application/json", detail(moved))


@app.put("/orders/<order_number>/payment-method")
def change_payment_method(order_number: str, request: PaymentMethodRequest) -> Response[OrderDetailView]:
    """O13: before the charge, the member may replace the payment method of an order."""
    order = own_order(order_number)
    check_payment_method_change(order)
    changed = order.model_copy(update={"payment_token": request.payment_token})
    now = clock().now()
    dynamodb.apply_change(
        dynamodb.OrderChange(
            order=order,
            allowed_states=PAYMENT_METHOD_CHANGE_STATES,
            set_values={"paymentToken": request.payment_token},
            outbox=[dynamodb.outbox_email(emails.payment_method_changed(changed), now)],
            what="the payment method",
        )
    )
    logger.info("payment method changed", extra={"order_number": order.order_number})
    return Response(200, "application/json", detail(changed))


@app.post("/orders/<order_number>/resettlement", status_code=202)
def resettle(order_number: str, request: ResettlementRequest) -> Response[OrderView]:
    order = own_order(order_number)
    now = clock().now()
    check_can_resettle(order, now)
    retried = order.model_copy(
        update={"payment_token": request.payment_token, "settlement_attempt": order.settlement_attempt + 1}
    )
    dynamodb.apply_transition(
        dynamodb.Transition(
            order=order,
            target=OrderState.SETTLEMENT_PENDING,
            set_values={"paymentToken": request.payment_token, "settlementAttempt": retried.settlement_attempt},
            # L5a: a later failure gets its own reminder.
            remove=["resettlementDeadline", "reminderSentAt", *dynamodb.RESETTLEMENT_INDEX_ATTRIBUTES],
            # Rule L6 races this: whichever writes first wins, the other sees the state moved.
            condition="resettlementDeadline > :now",
            condition_values={":now": iso(now)},
            outbox=[dynamodb.outbox_event("SettlementRequested", settlement_requested(retried), now)],
        )
    )
    logger.info("re-settlement requested", extra={"order_number": order.order_number})
    view = OrderView.of(
        retried.model_copy(update={"state": OrderState.SETTLEMENT_PENDING, "resettlement_deadline": None})
    )
    return Response(202, "application/json", view)


lambda_handler = handler_for(app)
