"""The re-settlement deadline's two schedules: the reminder a day before (L5a) and the expiry after (L6).

Both read only the sparse deadline index, a page at a time, and stop well before the Lambda timeout;
whatever is left stays in the index for the next run. Each write is conditional, so an order
re-settled meanwhile is never cancelled and a member is reminded once, however often a run repeats.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop import emails
from shop.errors import Conflict, IllegalTransition
from shop.orders import DEADLINE_PASSED_TEXT, REMINDER_LEAD, expired, expiry_due, reminded, reminder_due
from shop_aws.dynamodb import order_changes, orders
from shop_aws.dynamodb.indexes import orders_past_deadline, orders_with_deadline_between
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics
from shop_aws.scheduled import work_through_pages

PAGE_SIZE = 50
SAFETY_MARGIN_MILLIS = 15_000


def expire(order_number: str, now: datetime) -> bool:
    """L6: cancel the order if its deadline really passed and it was not re-settled; True if cancelled now."""
    order = orders.get_order(order_number)
    if order is None or not expiry_due(order, now):
        return False
    email = emails.order_cancelled(order, DEADLINE_PASSED_TEXT)
    try:
        order_changes.cancel_order(order, expired(order, now), [outbox_email(email, now)])
    except IllegalTransition:
        logger.info("not cancelled: re-settled or paid meanwhile", extra={"order_number": order_number})
        return False
    return True


def remind(order_number: str, now: datetime) -> bool:
    """L5a: send the reminder if it is due and was not sent; True if it was sent now."""
    order = orders.get_order(order_number)
    if order is None or not reminder_due(order, now) or order.resettlement_deadline is None:
        return False
    email = emails.resettlement_reminder(order, order.resettlement_deadline)
    try:
        order_changes.mark_reminded(order, reminded(order, now), [outbox_email(email, now)])
    except Conflict:
        logger.info("no reminder: re-settled, paid or reminded meanwhile", extra={"order_number": order_number})
        return False
    return True


def expire_due_orders(context: Any) -> dict[str, Any]:
    """One run of the expiry schedule."""
    now = clock().now()
    run = work_through_pages(
        lambda cursor: orders_past_deadline(now, PAGE_SIZE, cursor),
        lambda number: expire(number, now),
        context,
        SAFETY_MARGIN_MILLIS,
    )
    metrics.add_metric(name="OrdersExpired", unit="Count", value=run.done)
    logger.info("expiry run", extra={"cancelled": run.done, "skipped": run.skipped, "finished": run.finished})
    return {"cancelled": run.done, "skipped": run.skipped, "finished": run.finished}


def remind_due_orders(context: Any) -> dict[str, Any]:
    """One run of the reminder schedule: deadlines within the next 24 hours."""
    now = clock().now()
    run = work_through_pages(
        lambda cursor: orders_with_deadline_between(now, now + REMINDER_LEAD, PAGE_SIZE, cursor),
        lambda number: remind(number, now),
        context,
        SAFETY_MARGIN_MILLIS,
    )
    metrics.add_metric(name="ResettlementReminders", unit="Count", value=run.done)
    logger.info("reminder run", extra={"reminded": run.done, "skipped": run.skipped, "finished": run.finished})
    return {"reminded": run.done, "skipped": run.skipped, "finished": run.finished}
