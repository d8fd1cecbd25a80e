"""PaymentFailed from the payment processor: the member has one week to re-settle (rules L3, L4)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from pydantic import BaseModel, ConfigDict, Field
from use_cases.payments import apply_payment_failure

from shop.clock import iso
from shop_aws.runtime import logger, metrics


class PaymentFailed(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    settlement_id: str = Field(alias="settlementId")
    reason: str | None = Field(default=None, max_length=500)


@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@metrics.log_metrics
@event_parser(model=PaymentFailed, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(event: PaymentFailed, context: Any) -> dict[str, Any]:
    logger.append_keys(order_number=event.order_number, settlement_id=event.settlement_id)
    deadline = apply_payment_failure(event.order_number, event.settlement_id, event.reason)
    return {"applied": False} if deadline is None else {"applied": True, "deadline": iso(deadline)}
