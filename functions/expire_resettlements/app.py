"""Every 15 minutes: cancel orders whose re-settlement deadline passed unpaid (rule L6).

Reads only the sparse deadline index, a page at a time, and stops well before the Lambda timeout;
whatever is left stays in the index for the next run. Each cancellation is a conditional write on
PAYMENT_FAILED with the deadline passed, so an order re-settled meanwhile is never cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop import emails
from shop.clock import iso
from shop.errors import IllegalTransition
from shop.orders import OrderState, deadline_passed
from shop_aws import dynamodb
from shop_aws.runtime import clock, logger, metrics
from shop_aws.scheduled import work_through_pages

PAGE_SIZE = 50
SAFETY_MARGIN_MILLIS = 15_000
CANCELLATION_REASON = "the payment was not re-settled within one week of the failed payment."


def expire(order_number: str, now: datetime) -> bool:
    """Cancel the order if its deadline really passed and it was not re-settled; True if it was cancelled."""
    order = dynamodb.get_order(order_number)
    if order is None or order.resettlement_deadline is None or not deadline_passed(order.resettlement_deadline, now):
        return False
    try:
        dynamodb.apply_transition(
            dynamodb.Transition(
                order=order,
                target=OrderState.CANCELLED,
                set_values={"cancelledAt": iso(now), "cancellationReason": "RESETTLEMENT_DEADLINE_PASSED"},
                remove=["resettlementDeadline", *dynamodb.RESETTLEMENT_INDEX_ATTRIBUTES],
                condition="resettlementDeadline <= :now",
                condition_values={":now": iso(now)},
                outbox=[dynamodb.outbox_email(emails.order_cancelled(order, CANCELLATION_REASON), now)],
                extra=dynamodb.close_product_index_entries(order) + dynamodb.return_stock(order),
            )
        )
    except IllegalTransition:
        logger.info("not cancelled: re-settled or paid meanwhile", extra={"order_number": order_number})
        return False
    return True


def _report(cancelled: int, skipped: int, finished: bool) -> dict[str, Any]:
    metrics.add_metric(name="OrdersExpired", unit="Count", value=cancelled)
    logger.info("expiry run", extra={"cancelled": cancelled, "skipped": skipped, "finished": finished})
    return {"cancelled": cancelled, "skipped": skipped, "finished": finished}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now = clock().now()
    run = work_through_pages(
        lambda cursor: dynamodb.orders_past_deadline(now, PAGE_SIZE, cursor),
        lambda number: expire(number, now),
        context,
        SAFETY_MARGIN_MILLIS,
    )
    return _report(run.done, run.skipped, finished=run.finished)
