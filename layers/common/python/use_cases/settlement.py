"""Settlement with the payment processor (P2-P4): charge a settlement request once, hand outcomes over.

The outcomes go on the bus as the shop's own PaymentSucceeded / PaymentFailed events (the contract any
processor plugs into), which payment_succeeded / payment_failed apply once each (L3, L4).
"""

from __future__ import annotations

import json

from shop.payments import Charge, Notification, Outcome, PaymentProcessor
from shop_aws import eventbridge
from shop_aws.runtime import logger, metrics
from shop_aws.settings import settings


def _report(outcome: Outcome, order_number: str, settlement_id: str, reason: str | None) -> None:
    detail: dict[str, str] = {"orderNumber": order_number, "settlementId": settlement_id}
    if outcome is Outcome.FAILED and reason:
        detail["reason"] = reason
    eventbridge.put(outcome.value, json.dumps(detail), source=settings().payment_event_source)


def charge(request: Charge, processor: PaymentProcessor) -> Outcome | None:
    """P2: one charge per settlement id; P3: ProcessorUnavailable propagates, so the request is retried."""
    result = processor.charge(request)
    if result.outcome is None:
        logger.info("charge not decided yet: the processor's notification will tell", extra={"ref": result.reference})
        metrics.add_metric(name="ChargesPending", unit="Count", value=1)
        return None
    _report(result.outcome, request.order_number, request.settlement_id, result.reason)
    logger.info("charged", extra={"outcome": result.outcome.value, "reason": result.reason, "ref": result.reference})
    metrics.add_metric(name=f"Charges{result.outcome.name.title()}", unit="Count", value=1)
    return result.outcome


def hand_over(notification: Notification) -> bool:
    """P4: a verified notification of a payment outcome goes to the bus; True if it was one."""
    if notification.outcome is None:
        logger.info("notification ignored: not a payment outcome", extra={"kind": notification.kind})
        return False
    if not notification.order_number or not notification.settlement_id:
        # A PaymentIntent the shop did not create (made in Stripe's dashboard, say): not an order's payment.
        logger.warning("payment notification without the shop's metadata", extra={"event": notification.event_id})
        metrics.add_metric(name="PaymentNotificationsUnknown", unit="Count", value=1)
        return False
    _report(notification.outcome, notification.order_number, notification.settlement_id, notification.reason)
    return True
