"""PaymentSucceeded from the payment processor: the order is paid and waits for shipment (rule L3)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from pydantic import BaseModel, ConfigDict, Field

from shop.clock import iso
from shop.errors import IllegalTransition
from shop.orders import OrderState, payment_success_applies
from shop_aws import dynamodb
from shop_aws.runtime import clock, logger, metrics


class PaymentSucceeded(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    settlement_id: str = Field(alias="settlementId")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_parser(model=PaymentSucceeded, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(event: PaymentSucceeded, context: Any) -> dict[str, Any]:
    logger.append_keys(order_number=event.order_number, settlement_id=event.settlement_id)
    order = dynamodb.get_order(event.order_number)
    if order is None or not payment_success_applies(order, event.settlement_id):
        if order is not None and order.state is OrderState.CANCELLED:
            logger.warning("payment succeeded for a cancelled order: support must follow up")
            metrics.add_metric(name="PaymentForCancelledOrder", unit="Count", value=1)
        elif order is not None and order.state is OrderState.PAID and order.paid_settlement_id != event.settlement_id:
            # Two attempts both took money (a late success of an earlier attempt): support must follow up.
            logger.warning("second payment for a paid order", extra={"paid_by": order.paid_settlement_id})
            metrics.add_metric(name="SecondPaymentForPaidOrder", unit="Count", value=1)
        else:
            logger.info("payment success ignored: duplicate or unknown", extra={"state": order and order.state})
        return {"applied": False}
    now = clock().now()
    try:
        dynamodb.apply_transition(
            dynamodb.Transition(
                order=order,
                target=OrderState.PAID,
                set_values={"paidAt": iso(now), "paidSettlementId": event.settlement_id},
                remove=["resettlementDeadline", *dynamodb.RESETTLEMENT_INDEX_ATTRIBUTES],
            )
        )
    except IllegalTransition:
        logger.info("payment success ignored: the order moved on meanwhile")
        return {"applied": False}
    metrics.add_metric(name="PaymentsSucceeded", unit="Count", value=1)
    return {"applied": True}
