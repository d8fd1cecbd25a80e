"""Delivers the outbox from the table's stream: emails through SES, events to the shop's bus, and fan-out
jobs to the shipping-date queue (release-date news, C2).

The state change and the entry were written in one transaction, so a failing SES or bus never undoes an
order and nothing is lost: a failed record is retried by the stream (partial batch failure); what still
fails stays pending in the table, where the outbox sweeper delivers it later. Each entry is delivered once
(idempotency on its id, shared with the sweeper), then marked delivered.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from use_cases import outbox
from use_cases.outbox_delivery import DELIVERY_IDEMPOTENCY, DELIVERY_KEY_PREFIX, deliver_and_mark

from shop_aws.dynamodb.items import from_attributes
from shop_aws.idempotency import persistence_layer
from shop_aws.runtime import logger, metrics

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@idempotent_function(
    data_keyword_argument="entry",
    persistence_store=persistence_layer(),
    config=DELIVERY_IDEMPOTENCY,
    key_prefix=DELIVERY_KEY_PREFIX,
)
def deliver(entry: dict[str, Any]) -> dict[str, str]:
    return outbox.deliver(entry)


def record_handler(record: DynamoDBRecord) -> dict[str, str]:
    image = record.dynamodb.raw_event["NewImage"] if record.dynamodb else {}
    return deliver_and_mark(deliver, from_attributes(image))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    DELIVERY_IDEMPOTENCY.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
