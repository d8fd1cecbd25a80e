"""My Account: a member's own orders (M6), the address (L9, L11) and payment method (O13) of one order number,
and re-settlement of a failed payment (L5). Another member's order is a 404, never a 403 that confirms it."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field
from use_cases import my_account

from shop.orders import Address, PaymentToken
from shop.views import OrderDetailView, OrderPage, OrderView
from shop_aws.api import caller, handler_for, resolver
from shop_aws.stripe_processor import StripeProcessor

app = resolver()
processor = StripeProcessor()  # O13, L5: a new card is checked with Stripe


class PaymentMethodRequest(BaseModel):
    """O13 and L5: a card the member saved with Stripe (POST /payments/setup-intents), for this one order."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    payment_method_id: PaymentToken = Field(alias="paymentMethodId")


@app.get(
    "/orders",
    summary="My orders",
    description=(
        "M6: the member's orders, newest first, a page at a time (nextCursor), each with its state and totals."
    ),
    operation_id="listMyOrders",
)
def my_orders(
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[OrderPage]:
    """M6: the member's own orders, newest first, a page at a time."""
    return Response(200, "application/json", my_account.my_orders(caller(app).member_id, limit, cursor))


@app.get(
    "/orders/<order_number>",
    summary="One of my orders",
    description=(
        "M6: the order with its lines, addresses, payment (last characters only), state and the history of "
        "every email sent about it. Another member's order is a 404."
    ),
    operation_id="getMyOrder",
)
def my_order(order_number: str) -> Response[OrderDetailView]:
    """M6: lines, state, fees, shipping date, payment state and every email sent about the order."""
    return Response(200, "application/json", my_account.my_order(caller(app).member_id, order_number))


@app.put(
    "/orders/<order_number>/shipping-address",
    summary="Change an order's shipping address",
    description=(
        "L9: one new address for the whole order number, until it ships (409 after); other orders keep "
        "theirs. The member is emailed the new address."
    ),
    operation_id="changeShippingAddress",
)
def change_address(order_number: str, address: Address) -> Response[OrderDetailView]:
    """L9, L11: a new shipping address for this order number only, until its shipping date is confirmed."""
    changed = my_account.change_shipping_address(caller(app).member_id, order_number, address)
    return Response(200, "application/json", changed)


@app.put(
    "/orders/<order_number>/payment-method",
    summary="Change an order's payment method",
    description=("O13, P1: before the payment is taken; the email names the new method by its last characters only."),
)
def change_payment_method(order_number: str, request: PaymentMethodRequest) -> Response[OrderDetailView]:
    """O13: before the charge, the member may replace the payment method of an order."""
    changed = my_account.change_payment_method(
        caller(app).member_id, order_number, request.payment_method_id, processor
    )
    return Response(200, "application/json", changed)


@app.post(
    "/orders/<order_number>/resettlement",
    status_code=202,
    summary="Re-settle a failed payment",
    description=(
        "L5: before the deadline (L4, one week after the failure), with a new payment method; the charge is "
        "requested again (P2) and its outcome follows (L3). After the deadline the order is cancelled (L6)."
    ),
    operation_id="resettleOrder",
)
def resettle(order_number: str, request: PaymentMethodRequest) -> Response[OrderView]:
    """L5: a new payment method for a failed payment, before the deadline; settlement is requested again."""
    pending = my_account.resettle(caller(app).member_id, order_number, request.payment_method_id, processor)
    return Response(202, "application/json", pending)


lambda_handler = handler_for(app)
