"""The payment processor is Stripe (P1-P4): the one module that knows it, behind shop.payments' interface.

Imported only by the functions that talk to Stripe: the `stripe` library costs a cold start
(docs/performance.md). Secrets come from Secrets Manager through Powertools' parameters utility,
cached per container for SECRET_MAX_AGE; they are never in the environment or in logs.

Stripe's documented behaviour this module relies on:
- Idempotent requests: https://docs.stripe.com/api/idempotent_requests (same key, same answer; the
  settlement id is the key, so a settlement request delivered twice creates one PaymentIntent).
- Errors: https://docs.stripe.com/error-handling (CardError 402 is the bank's answer, a decline;
  RateLimitError 429, APIError 5xx and APIConnectionError mean nothing was decided: try again).
- Off-session payments: https://docs.stripe.com/payments/save-and-reuse (a charge that needs the
  cardholder fails with `authentication_required`).
- Deleting a customer: https://docs.stripe.com/api/customers/delete (permanent, with the email it holds; a
  customer already deleted is a 404 `resource_missing`, which a repeated erasure (M5) meets).
- Webhook signatures: https://docs.stripe.com/webhooks#verify-events (Stripe-Signature, 5-minute tolerance).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import stripe
from aws_lambda_powertools.utilities.parameters import SecretsProvider

from shop.errors import NotificationRefused, PaymentMethodRefused, ProcessorUnavailable
from shop.payments import CardOnFile, CardSetup, Charge, ChargeResult, Notification, Outcome
from shop_aws.clients import client
from shop_aws.runtime import clock
from shop_aws.settings import settings

SECRET_MAX_AGE = 300  # seconds a container keeps a secret before reading it again (a rotated key gets in)
SIGNATURE_TOLERANCE = 300  # P4: Stripe's default, five minutes
SHOP_EVENTS = {"payment_intent.succeeded": Outcome.SUCCEEDED, "payment_intent.payment_failed": Outcome.FAILED}
UNAVAILABLE = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)


@cache
def _secrets() -> SecretsProvider:
    return SecretsProvider(boto3_client=client("secretsmanager"))


def _secret(name: str | None, what: str) -> str:
    if not name:
        raise RuntimeError(f"{what}: this function has no secret name configured")
    return str(_secrets().get(name, max_age=SECRET_MAX_AGE))


@cache
def _stripe_client(api_key: str) -> stripe.StripeClient:
    base = settings().stripe_api_base
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings().stripe_network_retries,
        http_client=stripe.RequestsClient(timeout=settings().stripe_timeout_seconds),
    )


def _client() -> stripe.StripeClient:
    return _stripe_client(_secret(settings().stripe_secret_key_name, "Stripe secret key"))


def _failure_reason(error: stripe.StripeError) -> str:
    """The decline's code as Stripe names it; a generic decline says its bank's decline code when given."""
    code = error.code or "card_declined"
    decline = getattr(error, "error", None) and error.error and error.error.decline_code
    return str(decline) if code == "card_declined" and decline else str(code)


class StripeProcessor:
    """shop.payments.PaymentProcessor, with Stripe."""

    def new_customer(self, member_id: str, email: str) -> str:
        try:
            # The member id as the key: a retried request creates no second customer.
            customer = _client().v1.customers.create(
                {"email": email, "metadata": {"memberId": member_id}},
                {"idempotency_key": f"customer-{member_id}"},
            )
        except UNAVAILABLE as error:
            raise ProcessorUnavailable("The payment processor did not answer; try again shortly.") from error
        return str(customer.id)

    def card_setup(self, customer_id: str) -> CardSetup:
        try:
            params: stripe.params.SetupIntentCreateParams = {
                "customer": customer_id,
                "usage": "off_session",
            }
            intent = _client().v1.setup_intents.create(params)
        except UNAVAILABLE as error:
            raise ProcessorUnavailable("The payment processor did not answer; try again shortly.") from error
        return CardSetup(
            client_secret=str(intent.client_secret),
            publishable_key=settings().stripe_publishable_key or "",
            customer_id=customer_id,
        )

    def card_on_file(self, customer_id: str, payment_method_id: str) -> CardOnFile:
        refused = PaymentMethodRefused(
            "This card is not one saved to your account for later payments: save it again and retry.",
            field="paymentMethodId",
        )
        try:
            method = _client().v1.payment_methods.retrieve(payment_method_id)
        except stripe.InvalidRequestError as error:
            raise refused from error
        except UNAVAILABLE as error:
            raise ProcessorUnavailable("The payment processor did not answer; try again shortly.") from error
        # A card saved by a SetupIntent for off-session use is attached to the member's customer; one of
        # another customer, or detached, is refused.
        if method.type != "card" or method.customer != customer_id or method.card is None:
            raise refused
        return CardOnFile(payment_method_id=method.id, brand=str(method.card.brand), last4=str(method.card.last4))

    def charge(self, charge: Charge) -> ChargeResult:
        stripe_client = _client()
        try:
            method = stripe_client.v1.payment_methods.retrieve(charge.payment_method_id)
            if not method.customer:
                return ChargeResult(outcome=Outcome.FAILED, reason="card_not_on_file")
            intent = stripe_client.v1.payment_intents.create(
                {
                    "amount": charge.amount_cents,
                    "currency": charge.currency.lower(),
                    "customer": str(method.customer),
                    "payment_method": charge.payment_method_id,
                    "off_session": True,
                    "confirm": True,
                    "metadata": {"orderNumber": charge.order_number, "settlementId": charge.settlement_id},
                },
                {"idempotency_key": charge.settlement_id},
            )
        except stripe.CardError as error:
            return ChargeResult(outcome=Outcome.FAILED, reason=_failure_reason(error))
        except stripe.InvalidRequestError as error:
            # No such PaymentMethod (404, resource_missing), or not attached to its customer any more.
            if error.http_status == 404 or error.param == "payment_method" or error.code == "resource_missing":
                return ChargeResult(outcome=Outcome.FAILED, reason="card_not_on_file")
            raise
        except UNAVAILABLE as error:
            raise ProcessorUnavailable(f"Stripe did not answer: {type(error).__name__}") from error
        return _result(intent.status, intent.id, intent.last_payment_error)

    def forget_customer(self, customer_id: str) -> None:
        try:
            _client().v1.customers.delete(customer_id)
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:  # 404: no such customer, an earlier delivery deleted it: done
                raise
        except UNAVAILABLE as error:
            raise ProcessorUnavailable(f"Stripe did not answer: {type(error).__name__}") from error

    def notification(self, payload: bytes, signature: str | None) -> Notification:
        secret = _secret(settings().stripe_webhook_secret_name, "Stripe webhook secret")
        try:
            # The library checks the HMAC (tolerance 0: no age check); the age is checked against the shop's
            # clock (shop/clock.py), both ways: Stripe's library refuses only old timestamps, by the machine's time.
            stripe.Webhook.construct_event(payload, signature, secret, tolerance=0)
            signed_at = _signed_at(signature or "")
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise NotificationRefused("The notification's signature is missing or wrong.") from error
        if abs(clock().now().timestamp() - signed_at) > SIGNATURE_TOLERANCE:
            raise NotificationRefused("The notification's signature is more than five minutes old (or ahead).")
        event = json.loads(payload)
        kind = str(event.get("type", ""))
        outcome = SHOP_EVENTS.get(kind)
        if outcome is None:
            return Notification(event_id=str(event["id"]), kind=kind)
        intent = event["data"]["object"]
        metadata = intent.get("metadata") or {}
        last_error = intent.get("last_payment_error") or {}
        reason = None
        if outcome is Outcome.FAILED:
            reason = str(last_error.get("decline_code") or last_error.get("code") or "card_declined")
        return Notification(
            event_id=str(event["id"]),
            kind=kind,
            outcome=outcome,
            order_number=metadata.get("orderNumber"),
            settlement_id=metadata.get("settlementId"),
            reason=reason,
        )


def _signed_at(signature: str) -> int:
    """The t= of a Stripe-Signature header (https://docs.stripe.com/webhooks#verify-manually)."""
    for part in signature.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            return int(value)
    raise ValueError("no timestamp in the signature")


def _result(status: str, reference: str, last_error: Any) -> ChargeResult:
    if status == "succeeded":
        return ChargeResult(outcome=Outcome.SUCCEEDED, reference=reference)
    if status == "requires_action":
        return ChargeResult(outcome=Outcome.FAILED, reason="authentication_required", reference=reference)
    if status == "processing":
        # The bank has not answered yet: Stripe's webhook tells the outcome (P4).
        return ChargeResult(outcome=None, reference=reference)
    code = (last_error and (last_error.decline_code or last_error.code)) or "card_declined"
    return ChargeResult(outcome=Outcome.FAILED, reason=str(code), reference=reference)
