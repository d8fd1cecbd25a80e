"""POST /payments/stripe/webhook: Stripe's signed notifications (rule P4), without the member authorizer.

The raw body's Stripe-Signature is checked by the official library with the endpoint's secret (five
minutes' tolerance): a missing, wrong or old signature is a 400 and changes nothing. A payment outcome
is handed to the bus as the shop's PaymentSucceeded / PaymentFailed once per Stripe event id (Powertools
idempotency); every other event type is acknowledged and ignored. Nothing is charged or emailed here.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from pydantic import BaseModel, ConfigDict, Field
from use_cases import settlement

from shop.payments import Notification
from shop_aws.api import answers, handler_for, resolver
from shop_aws.idempotency import persistence_layer
from shop_aws.runtime import logger
from shop_aws.stripe_processor import StripeProcessor

app = resolver()
processor = StripeProcessor()
# Stripe retries a notification for up to three days: each event id is handed over once in that time.
once_per_event = IdempotencyConfig(event_key_jmespath="event_id", expires_after_seconds=4 * 24 * 60 * 60)


class Received(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)

    received: bool = True
    handed_over: bool = Field(alias="handedOver")


@idempotent_function(data_keyword_argument="notification", persistence_store=persistence_layer(), config=once_per_event)
def hand_over(notification: dict[str, Any]) -> dict[str, bool]:
    return {"handedOver": settlement.hand_over(Notification.model_validate(notification))}


@app.post(
    "/payments/stripe/webhook",
    summary="Stripe's notifications of payment outcomes",
    description=(
        "P4: called by Stripe, not by members (no token). The raw body's Stripe-Signature is verified with the "
        "endpoint secret (5 minutes' tolerance); payment_intent.succeeded and payment_intent.payment_failed "
        "become the shop's outcomes once per Stripe event id (L3); other types are acknowledged and ignored."
    ),
    responses=answers(200, "Received (and handed over once, if a payment outcome)", {400: "Bad signature"}),
)
def stripe_webhook() -> Response[Received]:
    event = app.current_event
    signature = event.headers.get("Stripe-Signature") or event.headers.get("stripe-signature")
    notification = processor.notification((event.body or "").encode(), signature)
    logger.append_keys(stripe_event=notification.event_id, stripe_event_type=notification.kind)
    result = hand_over(notification=notification.model_dump())
    return Response(200, "application/json", Received(handed_over=result["handedOver"]))


lambda_handler = handler_for(app, once_per_event)
