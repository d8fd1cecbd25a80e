"""PaymentFailed from the payment processor: the member has one week to re-settle (rules L3, L4)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from pydantic import BaseModel, ConfigDict, Field

from shop import emails
from shop.clock import iso
from shop.errors import IllegalTransition
from shop.orders import OrderState, payment_failure_applies, resettlement_deadline
from shop_aws import dynamodb
from shop_aws.runtime import clock, logger, metrics


class PaymentFailed(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    settlement_id: str = Field(alias="settlementId")
    reason: str | None = Field(default=None, max_length=500)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_parser(model=PaymentFailed, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(event: PaymentFailed, context: Any) -> dict[str, Any]:
    logger.append_keys(order_number=event.order_number, settlement_id=event.settlement_id)
    order = dynamodb.get_order(event.order_number)
    if order is None or not payment_failure_applies(order, event.settlement_id):
        logger.info("payment failure ignored: duplicate, late or unknown", extra={"state": order and order.state})
        metrics.add_metric(name="PaymentEventsIgnored", unit="Count", value=1)
        return {"applied": False}
    now = clock().now()
    deadline = resettlement_deadline(now)
    try:
        dynamodb.apply_transition(
            dynamodb.Transition(
                order=order,
                target=OrderState.PAYMENT_FAILED,
                set_values={
                    "resettlementDeadline": iso(deadline),
                    "paymentFailedAt": iso(now),
                    "paymentFailureReason": event.reason or "not given",
                    **dynamodb.resettlement_index_values(deadline, order.order_number),
                },
                condition="settlementAttempt = :attempt",
                condition_values={":attempt": order.settlement_attempt},
                outbox=[dynamodb.outbox_email(emails.payment_failed(order, deadline), now)],
            )
        )
    except IllegalTransition:
        logger.info("payment failure ignored: the order moved on meanwhile")
        return {"applied": False}
    metrics.add_metric(name="PaymentsFailed", unit="Count", value=1)
    return {"applied": True, "deadline": iso(deadline)}
