"""PaymentSucceeded from the payment processor: the order is paid and waits for shipment (rule L3)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from pydantic import BaseModel, ConfigDict, Field
from use_cases.payments import apply_payment_success

from shop_aws.runtime import logger, metrics


class PaymentSucceeded(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    settlement_id: str = Field(alias="settlementId")


@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@metrics.log_metrics
@event_parser(model=PaymentSucceeded, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(event: PaymentSucceeded, context: Any) -> dict[str, Any]:
    logger.append_keys(order_number=event.order_number, settlement_id=event.settlement_id)
    return {"applied": apply_payment_success(event.order_number, event.settlement_id)}
