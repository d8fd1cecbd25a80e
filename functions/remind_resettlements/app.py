"""Every 15 minutes: remind members whose re-settlement deadline is less than a day away (rule L5a).

Reads only the sparse deadline index for deadlines within the next 24 hours. Each reminder is a
conditional write that marks the order (reminderSentAt must not exist, the payment still failed, the
deadline unchanged) in the same transaction as its email, so a member is reminded once, however often
the schedule runs or retries. A re-settlement clears the mark, so a later failure is reminded again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop import emails
from shop.clock import iso
from shop.errors import Conflict
from shop.orders import REMINDER_LEAD, OrderState, reminder_due
from shop_aws import dynamodb
from shop_aws.runtime import clock, logger, metrics
from shop_aws.scheduled import work_through_pages

PAGE_SIZE = 50
SAFETY_MARGIN_MILLIS = 15_000


def remind(order_number: str, now: datetime) -> bool:
    """Send the reminder if it is due and was not sent; True if it was sent now."""
    order = dynamodb.get_order(order_number)
    if order is None or not reminder_due(order, now) or order.resettlement_deadline is None:
        return False
    try:
        dynamodb.apply_change(
            dynamodb.OrderChange(
                order=order,
                allowed_states=frozenset({OrderState.PAYMENT_FAILED}),
                set_values={"reminderSentAt": iso(now)},
                condition="attribute_not_exists(reminderSentAt) AND resettlementDeadline = :deadline",
                condition_values={":deadline": iso(order.resettlement_deadline)},
                outbox=[dynamodb.outbox_email(emails.resettlement_reminder(order, order.resettlement_deadline), now)],
                what="the reminder mark",
            )
        )
    except Conflict:
        logger.info("no reminder: re-settled, paid or reminded meanwhile", extra={"order_number": order_number})
        return False
    return True


def _report(reminded: int, skipped: int, finished: bool) -> dict[str, Any]:
    metrics.add_metric(name="ResettlementReminders", unit="Count", value=reminded)
    logger.info("reminder run", extra={"reminded": reminded, "skipped": skipped, "finished": finished})
    return {"reminded": reminded, "skipped": skipped, "finished": finished}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now = clock().now()
    run = work_through_pages(
        lambda cursor: dynamodb.orders_with_deadline_between(now, now + REMINDER_LEAD, PAGE_SIZE, cursor),
        lambda number: remind(number, now),
        context,
        SAFETY_MARGIN_MILLIS,
    )
    return _report(run.done, run.skipped, finished=run.finished)
