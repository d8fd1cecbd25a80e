"""A member's own orders: POST /orders/{orderNumber}/resettlement gives a failed payment a new method (L5)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from shop.clock import iso
from shop.errors import NotFound
from shop.order_numbers import parse_order_number
from shop.orders import Order, OrderState, check_can_resettle, settlement_requested
from shop.views import OrderView
from shop_aws import dynamodb
from shop_aws.api import caller, handler_for, resolver
from shop_aws.runtime import clock, logger

app = resolver()


class ResettlementRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    payment_token: str = Field(alias="paymentToken", pattern=r"^[A-Za-z0-9_\-]{4,128}$")


def own_order(order_number: str) -> Order:
    """The caller's order, or 404 for anyone else's: never confirm another member's order exists."""
    canonical = parse_order_number(order_number)
    order = dynamodb.get_order(canonical)
    if order is None or order.member_id != caller(app).member_id:
        raise NotFound(f"There is no order {canonical} in your account.", orderNumber=canonical)
    return order


@app.post("/orders/<order_number>/resettlement")
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
            remove=["resettlementDeadline", *dynamodb.RESETTLEMENT_INDEX_ATTRIBUTES],
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
