"""POST /checkout: a signed-in member's cart becomes orders, once, however often it is submitted (O8).

The cart is the `items` the request lists or, without them, the member's saved cart (C3), whose ordered
lines leave it with the checkout.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from pydantic import BaseModel, ConfigDict, Field
from use_cases.checkout import place_checkout
from use_cases.payment_methods import members_card

from shop.checkout import MAX_DISTINCT_PRODUCTS, Buyer, CartLine
from shop.errors import InvalidInput
from shop.orders import Address, PaymentCard, PaymentToken
from shop.views import CheckoutResult
from shop_aws.api import caller, handler_for, json_response, resolver
from shop_aws.idempotency import persistence_layer
from shop_aws.stripe_processor import StripeProcessor

IDEMPOTENCY_HEADER = "Idempotency-Key"

app = resolver()
processor = StripeProcessor()  # P1: the card is checked with Stripe
idempotency = IdempotencyConfig(
    event_key_jmespath="[member_id, idempotency_key]",
    payload_validation_jmespath="cart",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=24 * 60 * 60,
)


class CheckoutRequest(BaseModel):
    """What the member confirms (O13): the cart, where it goes, who pays and with what.

    Without `items`, the member's saved cart (C3) as it is when the checkout runs.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    items: list[CartLine] | None = Field(default=None, min_length=1, max_length=MAX_DISTINCT_PRODUCTS * 5)
    shipping_address: Address = Field(alias="shippingAddress")
    billing_address: Address = Field(alias="billingAddress")
    # P1: a card the member saved with Stripe (POST /payments/setup-intents and Stripe.js), checked with Stripe.
    payment_method_id: PaymentToken = Field(alias="paymentMethodId")


class PlaceCheckout(BaseModel):
    """One submission: who, under which idempotency key, and the cart (the part that must match on retry)."""

    member_id: str
    email: str
    idempotency_key: str
    cart: CheckoutRequest


@app.exception_handler(IdempotencyValidationError)
def _key_reused(_: IdempotencyValidationError) -> Response[Any]:
    return json_response(
        422,
        {
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": f"This {IDEMPOTENCY_HEADER} was already used for a different checkout; use a new key.",
        },
    )


@app.exception_handler(IdempotencyAlreadyInProgressError)
def _in_progress(_: IdempotencyAlreadyInProgressError) -> Response[Any]:
    return json_response(
        409,
        {"code": "IN_PROGRESS", "message": "This checkout is already being processed; retry shortly for its result."},
        headers={"Retry-After": "1"},
    )


@app.post(
    "/checkout",
    status_code=201,
    summary="Check out: the cart becomes orders",
    description=(
        "O1-O13: refused to Japan and Taiwan (O1) and licence-excluded countries (O2); one order number per "
        "pre-ordered product (O3), the in-stock items together (O4), $18 shipping each (O5), within "
        "reservation limits (O6) and stock (O7); the payment method is saved and nothing is charged yet (O13, "
        "P1). Once per Idempotency-Key (O8): a retry gets the first answer. One confirmation email per order "
        "number (O10). The email address must be verified first (M7). Without items, the saved cart is "
        "checked out (C3)."
    ),
    operation_id="checkout",
)
def checkout(request: CheckoutRequest) -> Response[CheckoutResult]:
    member = caller(app)
    key = (app.current_event.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key or len(key) > 128:
        raise InvalidInput(
            f"The {IDEMPOTENCY_HEADER} header is required (1-128 characters): send the same key when you retry.",
            field=IDEMPOTENCY_HEADER,
        )
    result = place(
        submission=PlaceCheckout(member_id=member.member_id, email=member.email, idempotency_key=key, cart=request)
    )
    return Response(201, "application/json", result)


@idempotent_function(
    data_keyword_argument="submission",
    persistence_store=persistence_layer(),
    config=idempotency,
    output_serializer=PydanticSerializer(CheckoutResult),
)
def place(submission: PlaceCheckout) -> CheckoutResult:
    """The first submission under a key places the orders; a repeat gets the first answer (O8)."""
    cart = submission.cart
    card = members_card(submission.member_id, cart.payment_method_id, processor)
    buyer = Buyer(
        member_id=submission.member_id,
        email=submission.email,
        shipping_address=cart.shipping_address,
        billing_address=cart.billing_address,
        payment_token=card.payment_method_id,
        payment_card=PaymentCard(brand=card.brand, last4=card.last4),
    )
    return place_checkout(buyer, cart.items)


lambda_handler = handler_for(app, idempotency)
