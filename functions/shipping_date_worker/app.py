"""Works the shipping-date queue: shipping dates (rules L1, L2) and release-date news (rule C2).

A page job reads one page of the product's open-order index, queues one order job per order and the
next page. A shipping-date order job records the first date with its email and then requests
settlement (L1), or records a changed date with its email (L2). A release-date order job updates the
order's line and emails its member (C2). Each write is conditional on what was read, so a retried
message repeats nothing and nobody is told anything twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from shop import emails
from shop.errors import Conflict, IllegalTransition
from shop.orders import Order, OrderLine, OrderState, settlement_requested
from shop.release_dates import line_to_announce
from shop.shipping_dates import (
    DATED_STATES,
    DateAction,
    OrderJob,
    ProductPageJob,
    ReleaseDateOrderJob,
    ReleaseDatePageJob,
    ShippingDateJob,
    shipping_date_action,
)
from shop_aws import dynamodb, sqs
from shop_aws.clients import client
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings

PAGE_SIZE = 100
SETTLEMENT_ATTEMPTS = 3

processor = BatchProcessor(event_type=EventType.SQS)
page_idempotency = IdempotencyConfig(
    event_key_jmespath="[productId, shippingDate, requestId, cursor]", expires_after_seconds=24 * 60 * 60
)
persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name, boto3_client=client("dynamodb"))
release_page_idempotency = IdempotencyConfig(
    event_key_jmespath="[productId, changeId, cursor]", expires_after_seconds=24 * 60 * 60
)
release_persistence = DynamoDBPersistenceLayer(
    table_name=settings().idempotency_table_name, boto3_client=client("dynamodb")
)


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


@idempotent_function(
    data_keyword_argument="page", persistence_store=release_persistence, config=release_page_idempotency
)
def fan_out_release_date(page: dict[str, Any]) -> dict[str, int]:
    """C2: queue one job per open order of the page, and the next page, once per release-date change."""
    job = ReleaseDatePageJob.model_validate(page)
    numbers, cursor = dynamodb.product_open_orders(job.product_id, PAGE_SIZE, job.cursor)
    messages: list[dict[str, Any]] = [
        {
            "job": ReleaseDateOrderJob(
                orderNumber=number, productId=job.product_id, releaseDate=job.release_date
            ).model_dump(by_alias=True)
        }
        for number in numbers
    ]
    if cursor is not None:
        messages.append({"job": job.model_copy(update={"cursor": cursor}).model_dump(by_alias=True)})
    sqs.send_all(settings().shipping_date_queue_url, messages)
    return {"orders": len(numbers), "more": int(cursor is not None)}


def confirm(job: OrderJob) -> None:
    order = dynamodb.get_order(job.order_number)
    if order is None:
        logger.warning("shipping date for an order that does not exist", extra={"order_number": job.order_number})
        return
    now = clock().now()
    action = shipping_date_action(order, job.shipping_date)
    try:
        if action is DateAction.CONFIRM:
            order = _record_date(order, job.shipping_date, now)
        elif action is DateAction.CHANGE:
            order = _change_date(order, job.shipping_date, now)
        if order.state is OrderState.SHIPPING_DATE_CONFIRMED:
            _request_settlement(order, now)
    except IllegalTransition:
        logger.info("order moved on meanwhile; nothing to do", extra={"order_number": job.order_number})


def _record_date(order: Order, shipping_date: str, now: datetime) -> Order:
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


def _change_date(order: Order, shipping_date: str, now: datetime) -> Order:
    """L2: a confirmed date changes; written only over the date that was read, so each change is told once.
    A write that lost a race raises, and the message is retried against the order as it is then."""
    changed = order.model_copy(update={"shipping_date": shipping_date})
    if order.shipping_date is None:
        condition, values = "attribute_not_exists(shippingDate)", {}
    else:
        condition, values = "shippingDate = :previous", {":previous": order.shipping_date}
    dynamodb.apply_change(
        dynamodb.OrderChange(
            order=order,
            allowed_states=DATED_STATES,
            set_values={"shippingDate": shipping_date},
            condition=condition,
            condition_values=values,
            outbox=[
                dynamodb.outbox_email(emails.shipping_date_changed(changed, order.shipping_date, shipping_date), now)
            ],
            what="the shipping date",
        )
    )
    metrics.add_metric(name="ShippingDatesChanged", unit="Count", value=1)
    return changed


def _request_settlement(order: Order, now: datetime) -> None:
    """Charge the payment method the order holds now: a method replaced meanwhile (O13) is read again."""
    for _ in range(SETTLEMENT_ATTEMPTS):
        attempt = order.model_copy(update={"settlement_attempt": order.settlement_attempt + 1})
        try:
            dynamodb.apply_transition(
                dynamodb.Transition(
                    order=order,
                    target=OrderState.SETTLEMENT_PENDING,
                    set_values={"settlementAttempt": attempt.settlement_attempt},
                    condition="paymentToken = :token",
                    condition_values={":token": order.payment_token},
                    outbox=[dynamodb.outbox_event("SettlementRequested", settlement_requested(attempt), now)],
                )
            )
        except IllegalTransition as moved:
            fresh = dynamodb.get_order(order.order_number)
            if moved.details.get("currentState") != OrderState.SHIPPING_DATE_CONFIRMED.value or fresh is None:
                raise
            order = fresh
            continue
        metrics.add_metric(name="SettlementsRequested", unit="Count", value=1)
        return
    # Not an IllegalTransition: the message fails and SQS brings it back, so the settlement is not lost.
    raise Conflict(f"Order {order.order_number} kept changing; its settlement will be retried.")


def announce(job: ReleaseDateOrderJob) -> None:
    """C2: the order's line shows the new date and its member is emailed, once, with the old and new date."""
    found = dynamodb.get_product(job.product_id)
    if found is None or found[0].release_date != job.release_date:
        # The date moved again meanwhile: the later change's own jobs tell the members.
        logger.info("release date superseded", extra={"product_id": job.product_id, "order": job.order_number})
        return
    order = dynamodb.get_order(job.order_number)
    index = None if order is None else line_to_announce(order, job.product_id, job.release_date)
    if order is None or index is None:
        return
    previous = order.lines[index].release_date
    lines: list[OrderLine] = list(order.lines)
    lines[index] = lines[index].model_copy(update={"release_date": job.release_date})
    told = order.model_copy(update={"lines": tuple(lines)})
    email = emails.release_date_changed(told, found[0].name, previous, job.release_date)
    dynamodb.announce_release_date(order, index, job.release_date, [dynamodb.outbox_email(email, clock().now())])
    metrics.add_metric(name="ReleaseDateNews", unit="Count", value=1)


def record_handler(record: SQSRecord) -> None:
    job = ShippingDateJob.model_validate_json(record.body).job
    if isinstance(job, ProductPageJob):
        fan_out(page=job.model_dump(by_alias=True))
    elif isinstance(job, ReleaseDatePageJob):
        fan_out_release_date(page=job.model_dump(by_alias=True))
    elif isinstance(job, ReleaseDateOrderJob):
        announce(job)
    else:
        confirm(job)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    page_idempotency.register_lambda_context(context)
    release_page_idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
