"""Works the shipping-date queue (rule L1): pages of a product's open orders, and single orders.

A page job reads one page of the product's open-order index, queues one order job per order and
the next page. An order job records the date with its email, then requests settlement with its
event, each a conditional write on the state it leaves, so a retried message repeats nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from shop import emails
from shop.errors import IllegalTransition
from shop.orders import Order, OrderState, settlement_requested
from shop.shipping_dates import OrderJob, ProductPageJob, ShippingDateJob
from shop_aws import dynamodb, sqs
from shop_aws.clients import client
from shop_aws.runtime import clock, logger, metrics, tracer
from shop_aws.settings import settings

PAGE_SIZE = 100

processor = BatchProcessor(event_type=EventType.SQS)
page_idempotency = IdempotencyConfig(
    event_key_jmespath="[productId, shippingDate, cursor]", expires_after_seconds=24 * 60 * 60
)
persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name, boto3_client=client("dynamodb"))


@idempotent_function(data_keyword_argument="page", persistence_store=persistence, config=page_idempotency)
def fan_out(page: dict[str, Any]) -> dict[str, int]:
    """Queue the page's orders and the next page once, even if this message is delivered twice."""
    job = ProductPageJob.model_validate(page)
    numbers, cursor = dynamodb.product_open_orders(job.product_id, PAGE_SIZE, job.cursor)
    messages: list[dict[str, Any]] = [
        {"job": OrderJob(orderNumber=number, shippingDate=job.shipping_date).model_dump(by_alias=True)}
        for number in numbers
    ]
    if cursor is not None:
        next_page = job.model_copy(update={"cursor": cursor})
        messages.append({"job": next_page.model_dump(by_alias=True)})
    sqs.send_all(settings().shipping_date_queue_url, messages)
    return {"orders": len(numbers), "more": int(cursor is not None)}


def confirm(job: OrderJob) -> None:
    order = dynamodb.get_order(job.order_number)
    if order is None:
        logger.warning("shipping date for an order that does not exist", extra={"order_number": job.order_number})
        return
    now = clock().now()
    try:
        if order.state is OrderState.RESERVED:
            order = _record_date(order, job.shipping_date, now)
        if order.state is OrderState.SHIPPING_DATE_CONFIRMED:
            _request_settlement(order, now)
    except IllegalTransition:
        logger.info("order moved on meanwhile; nothing to do", extra={"order_number": job.order_number})


def _record_date(order: Order, shipping_date: str, now: Any) -> Order:
    dated = order.model_copy(update={"shipping_date": shipping_date})
    dynamodb.apply_transition(
        dynamodb.Transition(
            order=order,
            target=OrderState.SHIPPING_DATE_CONFIRMED,
            set_values={"shippingDate": shipping_date},
            outbox=[dynamodb.outbox_email(emails.shipping_date_confirmed(dated, shipping_date), now)],
        )
    )
    return dated.model_copy(update={"state": OrderState.SHIPPING_DATE_CONFIRMED})


def _request_settlement(order: Order, now: Any) -> None:
    attempt = order.model_copy(update={"settlement_attempt": order.settlement_attempt + 1})
    dynamodb.apply_transition(
        dynamodb.Transition(
            order=order,
            target=OrderState.SETTLEMENT_PENDING,
            set_values={"settlementAttempt": attempt.settlement_attempt},
            outbox=[dynamodb.outbox_event("SettlementRequested", settlement_requested(attempt), now)],
        )
    )
    metrics.add_metric(name="SettlementsRequested", unit="Count", value=1)


def record_handler(record: SQSRecord) -> None:
    job = ShippingDateJob.model_validate_json(record.body).job
    if isinstance(job, ProductPageJob):
        fan_out(page=job.model_dump(by_alias=True))
    else:
        confirm(job)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    page_idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
