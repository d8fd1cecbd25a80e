"""Works the payment-customer erasure queue: a withdrawn member's Stripe customer is deleted (rule M5).

Messages are EventBridge events, as the PaymentCustomerErasureRequestedRule delivers them. A message whose
deletion could not be decided (Stripe down, slow or busy) is reported failed and comes back later; after
every retry it waits in the dead-letter queue, with an alarm. A repeated message finds the customer gone
(Stripe's 404) and is done.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from use_cases import payment_customer_erasure

from shop.errors import ProcessorUnavailable
from shop.payments import CustomerErasure
from shop_aws.runtime import logger, metrics
from shop_aws.stripe_processor import StripeProcessor

processor = BatchProcessor(event_type=EventType.SQS)
stripe_processor = StripeProcessor()


def record_handler(record: SQSRecord) -> None:
    erasure = CustomerErasure.model_validate(json.loads(record.body)["detail"])
    logger.append_keys(member_id=erasure.member_id)
    try:
        payment_customer_erasure.forget(erasure, stripe_processor)
    except ProcessorUnavailable:
        logger.warning("payment processor unavailable: the erasure is retried", exc_info=True)
        metrics.add_metric(name="PaymentCustomerErasuresRetried", unit="Count", value=1)
        raise


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
