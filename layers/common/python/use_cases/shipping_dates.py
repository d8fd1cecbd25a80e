"""Shipping dates (L1, L2) and release-date news (C2): accepted from staff, fanned out a page at a time
through the shipping-date queue, and applied to each order once.

Each write is conditional on what was read, so a retried message repeats nothing and nobody is told
anything twice.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from shop import emails
from shop.errors import Conflict, IllegalTransition
from shop.order_numbers import parse_any_order_number
from shop.orders import Order, OrderState, settlement_requested, settling
from shop.release_dates import line_to_announce, with_release_date
from shop.shipping_dates import (
    DATED_STATES,
    DateAction,
    OrderJob,
    ProductPageJob,
    ReleaseDateOrderJob,
    ReleaseDatePageJob,
    ShippingDateRun,
    check_can_date,
    check_shipping_date,
    dated,
    redated,
    shipping_date_action,
)
from shop_aws import sqs
from shop_aws.dynamodb import order_changes, orders, products, shipping_date_runs
from shop_aws.dynamodb.indexes import count_product_open_orders, product_open_orders
from shop_aws.dynamodb.outbox import outbox_email, outbox_event
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings

PAGE_SIZE = 100
SETTLEMENT_ATTEMPTS = 3


def _queue(*jobs: Any) -> None:
    sqs.send_all(settings().shipping_date_queue_url, [{"job": job.model_dump(by_alias=True)} for job in jobs])


def accept_for_product(product_id: str, shipping_date: date) -> tuple[str, str]:
    """L1, L2: a date for every open order of the product; the first page is queued, the rest follows.

    Returns (date, run id): the run's progress is GET /admin/shipping-date-runs/{runId}.
    """
    now = clock().now()
    confirmed = check_shipping_date(shipping_date, now)
    products.require_product(product_id)
    run_id = uuid.uuid4().hex
    shipping_date_runs.start(run_id, product_id, confirmed, now)
    _queue(ProductPageJob(product_id=product_id, shipping_date=confirmed, request_id=run_id))
    logger.info("shipping date accepted for product", extra={"product_id": product_id, "run_id": run_id})
    return confirmed, run_id


def open_orders(product_id: str) -> int:
    """L1, L2: how many open orders of the product a shipping date would reach, for staff to see first."""
    products.require_product(product_id)
    return count_product_open_orders(product_id)


def run_progress(run_id: str) -> ShippingDateRun:
    """Where a product's fan-out stands: orders listed, dated, emailed, sent to be charged, unchanged, failed."""
    return shipping_date_runs.require_run(run_id)


def accept_for_order(order_number: str, shipping_date: date) -> tuple[str, str]:
    """L1 for a reserved order, L2 for one whose date is already confirmed; returns (order number, date)."""
    confirmed = check_shipping_date(shipping_date, clock().now())
    order = orders.require_order(parse_any_order_number(order_number))
    check_can_date(order)
    _queue(OrderJob(order_number=order.order_number, shipping_date=confirmed))
    logger.info("shipping date accepted for order", extra={"order_number": order.order_number})
    return order.order_number, confirmed


def fan_out_shipping_date(job: ProductPageJob) -> dict[str, int]:
    """Queue one job per open order of the page, and the next page."""
    numbers, cursor = product_open_orders(job.product_id, PAGE_SIZE, job.cursor)
    jobs: list[Any] = [
        OrderJob(order_number=number, shipping_date=job.shipping_date, run_id=job.request_id) for number in numbers
    ]
    if job.request_id is not None:
        shipping_date_runs.count_page(job.request_id, job.cursor, len(numbers), last=cursor is None)
    if cursor is not None:
        jobs.append(job.model_copy(update={"cursor": cursor}))
    _queue(*jobs)
    return {"orders": len(numbers), "more": int(cursor is not None)}


def fan_out_release_date(job: ReleaseDatePageJob) -> dict[str, int]:
    """C2: queue one job per open order of the page, and the next page."""
    numbers, cursor = product_open_orders(job.product_id, PAGE_SIZE, job.cursor)
    jobs: list[Any] = [
        ReleaseDateOrderJob(order_number=number, product_id=job.product_id, release_date=job.release_date)
        for number in numbers
    ]
    if cursor is not None:
        jobs.append(job.model_copy(update={"cursor": cursor}))
    _queue(*jobs)
    return {"orders": len(numbers), "more": int(cursor is not None)}


def apply_shipping_date(job: OrderJob) -> None:
    """L1: the first date with its email, then the settlement request; L2: a changed date with its email."""
    order = orders.get_order(job.order_number)
    if order is None:
        logger.warning("shipping date for an order that does not exist", extra={"order_number": job.order_number})
        _note(job, failed=True)
        return
    now = clock().now()
    action = shipping_date_action(order, job.shipping_date)
    counts = [shipping_date_runs.counted(job.run_id, dated=1, emailed=1)] if job.run_id else []
    try:
        if action is DateAction.CONFIRM:
            confirmed = dated(order, job.shipping_date)
            email = emails.shipping_date_confirmed(confirmed, job.shipping_date)
            order_changes.confirm_shipping_date(order, confirmed, [outbox_email(email, now)], also=counts)
            order = confirmed
        elif action is DateAction.CHANGE:
            # A write that lost a race raises, and the message is retried against the order as it is then.
            changed = redated(order, job.shipping_date)
            email = emails.shipping_date_changed(changed, order.shipping_date, job.shipping_date)
            order_changes.change_shipping_date(order, changed, [outbox_email(email, now)], also=counts)
            metrics.add_metric(name="ShippingDatesChanged", unit="Count", value=1)
            order = changed
        elif order.state is not OrderState.SHIPPING_DATE_CONFIRMED:
            # The same date again (unchanged), or an order shipped or cancelled meanwhile (failed, for the run).
            _note(job, failed=order.state not in DATED_STATES)
        if order.state is OrderState.SHIPPING_DATE_CONFIRMED:
            _request_settlement(order, job.run_id)
    except IllegalTransition:
        logger.info("order moved on meanwhile; nothing to do", extra={"order_number": job.order_number})
        _note(job, failed=True)


def _note(job: OrderJob, *, failed: bool) -> None:
    if job.run_id is not None:
        shipping_date_runs.note_order(job.run_id, job.order_number, failed=failed)


def _request_settlement(order: Order, run_id: str | None = None) -> None:
    """Charge the payment method the order holds now: a method replaced meanwhile (O13) is read again."""
    counts = [shipping_date_runs.counted(run_id, settlement_requested=1)] if run_id else []
    for _ in range(SETTLEMENT_ATTEMPTS):
        pending = settling(order)
        event = outbox_event("SettlementRequested", settlement_requested(pending), clock().now())
        try:
            order_changes.request_settlement(order, pending, [event], also=counts)
        except IllegalTransition as moved:
            fresh = orders.get_order(order.order_number)
            if moved.details.get("currentState") != OrderState.SHIPPING_DATE_CONFIRMED.value or fresh is None:
                raise
            order = fresh
            continue
        metrics.add_metric(name="SettlementsRequested", unit="Count", value=1)
        return
    # Not an IllegalTransition: the message fails and SQS brings it back, so the settlement is not lost.
    raise Conflict(f"Order {order.order_number} kept changing; its settlement will be retried.")


def announce_release_date(job: ReleaseDateOrderJob) -> None:
    """C2: the order's line shows the new date and its member is emailed, once, with the old and new date."""
    found = products.get_product(job.product_id)
    if found is None or found[0].release_date != job.release_date:
        # The date moved again meanwhile: the later change's own jobs tell the members.
        logger.info("release date superseded", extra={"product_id": job.product_id, "order": job.order_number})
        return
    order = orders.get_order(job.order_number)
    index = None if order is None else line_to_announce(order, job.product_id, job.release_date)
    if order is None or index is None:
        return
    told = with_release_date(order, index, job.release_date)
    email = emails.release_date_changed(told, found[0].name, order.lines[index].release_date, job.release_date)
    order_changes.announce_release_date(order, index, told, [outbox_email(email, clock().now())])
    metrics.add_metric(name="ReleaseDateNews", unit="Count", value=1)
