"""Delivers the outbox from the table's stream: emails through SES, events to the shop's bus, and fan-out jobs
to the shipping-date queue (release-date news, C2).

The state change and the entry were written in one transaction, so a failing SES or bus never
undoes an order and nothing is lost: a failed record is retried by the stream (partial batch
failure), then parked in the dead-letter queue. Each entry is delivered once (idempotency on its id).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from shop_aws import dynamodb, eventbridge, ses, sqs
from shop_aws.clients import client
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
idempotency = IdempotencyConfig(event_key_jmespath="outboxId", expires_after_seconds=7 * 24 * 60 * 60)
persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name, boto3_client=client("dynamodb"))


@idempotent_function(data_keyword_argument="entry", persistence_store=persistence, config=idempotency)
def deliver(entry: dict[str, Any]) -> dict[str, str]:
    if entry["kind"] == "EMAIL":
        message_id = ses.send(entry["to"], entry["subject"], entry["text"], entry["html"])
        dynamodb.record_email_sent(
            entry["outboxId"], entry.get("orderNumber"), entry["subject"], entry["emailKind"], clock().now()
        )
        metrics.add_metric(name="EmailsSent", unit="Count", value=1)
        logger.info("email sent", extra={"outbox_id": entry["outboxId"], "email_kind": entry["emailKind"]})
        return {"messageId": message_id}
    if entry["kind"] == "JOB":
        # Fan-out work decided with a state change (C2): to the shipping-date queue.
        sqs.send_all(settings().shipping_date_queue_url, [json.loads(entry["body"])])
        logger.info("job queued", extra={"outbox_id": entry["outboxId"]})
        return {"queued": "1"}
    event_id = eventbridge.put(entry["detailType"], entry["detail"])
    logger.info("event put", extra={"outbox_id": entry["outboxId"], "detail_type": entry["detailType"]})
    return {"eventId": event_id}


def record_handler(record: DynamoDBRecord) -> dict[str, str]:
    image = record.dynamodb.raw_event["NewImage"] if record.dynamodb else {}
    return deliver(entry=dynamodb.from_attributes(image))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
