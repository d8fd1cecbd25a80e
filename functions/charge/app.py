"""Works the settlement queue: each SettlementRequested is charged once with Stripe (rules P2, P3).

Messages are EventBridge events, as the SettlementRequestedRule delivers them. Only the message whose
charge could not be decided (Stripe down, slow or busy) is reported failed and comes back later; a
decline is an outcome, reported on the bus like a success.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from use_cases import settlement

from shop.errors import ProcessorUnavailable
from shop.payments import Charge
from shop_aws.runtime import logger, metrics
from shop_aws.stripe_processor import StripeProcessor

processor = BatchProcessor(event_type=EventType.SQS)
stripe_processor = StripeProcessor()


def record_handler(record: SQSRecord) -> None:
    request = Charge.model_validate(json.loads(record.body)["detail"])
    logger.append_keys(order_number=request.order_number, settlement_id=request.settlement_id)
    try:
        settlement.charge(request, stripe_processor)
    except ProcessorUnavailable:
        logger.warning("payment processor unavailable: the charge is retried", exc_info=True)
        metrics.add_metric(name="ChargesRetried", unit="Count", value=1)
        raise


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
