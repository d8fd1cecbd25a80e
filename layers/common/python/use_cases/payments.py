"""Payment outcomes from the processor (L3, L4): each applied at most once, never moving a paid order back.

Outcomes may arrive duplicated, late or out of order. Each is checked against the order's current
settlement attempt and written conditionally on the state it was read in, so a second delivery or a
race with another outcome changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from shop import emails
from shop.errors import IllegalTransition
from shop.orders import OrderState, paid, payment_failed, payment_failure_applies, payment_success_applies
from shop_aws.dynamodb import order_changes, orders
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics


def apply_payment_success(order_number: str, settlement_id: str) -> bool:
    """L3: the order is paid; True if this outcome changed it."""
    order = orders.get_order(order_number)
    if order is None or not payment_success_applies(order, settlement_id):
        if order is not None and order.state is OrderState.CANCELLED:
            logger.warning("payment succeeded for a cancelled order: support must follow up")
            metrics.add_metric(name="PaymentForCancelledOrder", unit="Count", value=1)
        elif order is not None and order.state is OrderState.PAID and order.paid_settlement_id != settlement_id:
            # Two attempts both took money (a late success of an earlier attempt): support must follow up.
            logger.warning("second payment for a paid order", extra={"paid_by": order.paid_settlement_id})
            metrics.add_metric(name="SecondPaymentForPaidOrder", unit="Count", value=1)
        else:
            logger.info("payment success ignored: duplicate or unknown", extra={"state": order and order.state})
        return False
    try:
        order_changes.mark_paid(order, paid(order, settlement_id, clock().now()))
    except IllegalTransition:
        logger.info("payment success ignored: the order moved on meanwhile")
        return False
    metrics.add_metric(name="PaymentsSucceeded", unit="Count", value=1)
    return True


def apply_payment_failure(order_number: str, settlement_id: str, reason: str | None) -> datetime | None:
    """L4: the member is emailed and has a week to re-settle; the deadline, or None if nothing changed."""
    order = orders.get_order(order_number)
    if order is None or not payment_failure_applies(order, settlement_id):
        logger.info("payment failure ignored: duplicate, late or unknown", extra={"state": order and order.state})
        metrics.add_metric(name="PaymentEventsIgnored", unit="Count", value=1)
        return None
    now = clock().now()
    failed = payment_failed(order, reason, now)
    deadline = failed.resettlement_deadline
    assert deadline is not None  # payment_failed always sets it
    try:
        email = outbox_email(emails.payment_failed(failed, deadline), now)  # L4: says why, from the failure
        order_changes.record_payment_failure(order, failed, [email])
    except IllegalTransition:
        logger.info("payment failure ignored: the order moved on meanwhile")
        return None
    metrics.add_metric(name="PaymentsFailed", unit="Count", value=1)
    return deadline
