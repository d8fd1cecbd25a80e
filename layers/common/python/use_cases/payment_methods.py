"""Cards saved with the payment processor (P1, O13): one customer per member, and the check that a
payment method a member names is their own saved card, usable without them present."""

from __future__ import annotations

from shop.errors import AccountWithdrawn, PaymentMethodRefused
from shop.payments import CardOnFile, CardSetup, PaymentProcessor
from shop_aws.dynamodb import members, payment_customers
from shop_aws.runtime import clock, logger, metrics


def start_card_setup(member_id: str, email: str, processor: PaymentProcessor) -> CardSetup:
    """P1: the member's customer (made the first time) and a session to save a card in."""
    customer = payment_customers.payment_customer(member_id)
    if customer is None:
        if "withdrawnAt" in (members.get_member(member_id) or {}):
            # M5: a token issued before the withdrawal makes no new customer, which nothing would delete.
            raise AccountWithdrawn("This account has been deleted.")
        made = processor.new_customer(member_id, email)
        customer = payment_customers.keep_payment_customer(member_id, made, clock().now())
        logger.info("payment customer made", extra={"customer": customer})
        metrics.add_metric(name="PaymentCustomersMade", unit="Count", value=1)
    return processor.card_setup(customer)


def members_card(member_id: str, payment_method_id: str, processor: PaymentProcessor) -> CardOnFile:
    """P1, O13: the member's own saved card; refused (422) when it is not theirs or not saved."""
    customer = payment_customers.payment_customer(member_id)
    if customer is None:
        raise PaymentMethodRefused(
            "Save a card first (POST /payments/setup-intents, then confirm it with Stripe.js), then use its id.",
            field="paymentMethodId",
        )
    return processor.card_on_file(customer, payment_method_id)
