"""M5: a withdrawn member's customer at the payment processor is deleted (it holds their email and saved cards).

Asked for by the withdrawal's own transaction (a PaymentCustomerErasureRequested event); done here, behind a
queue, so the withdrawal never waits for the processor and an outage only delays the erasure.
"""

from __future__ import annotations

from shop.payments import CustomerErasure, PaymentProcessor
from shop_aws.dynamodb import payment_customers
from shop_aws.runtime import logger, metrics


def forget(erasure: CustomerErasure, processor: PaymentProcessor) -> None:
    """The customer deleted at the processor, then its item (an earlier delivery may have done both).

    ProcessorUnavailable propagates with nothing changed, so the request is retried.
    """
    processor.forget_customer(erasure.customer_id)
    if not payment_customers.forget_payment_customer(erasure):
        logger.info("payment customer already forgotten", extra={"member_id": erasure.member_id})
        return
    metrics.add_metric(name="PaymentCustomersForgotten", unit="Count", value=1)
    logger.info("payment customer forgotten", extra={"member_id": erasure.member_id})
