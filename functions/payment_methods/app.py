"""POST /payments/setup-intents: a signed-in member starts saving a card for later charges (rule P1).

The answer is what Stripe.js needs to collect the card (the card never reaches the shop): the
SetupIntent's client secret, the publishable key and the member's Stripe customer, made once.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from use_cases.payment_methods import start_card_setup

from shop.payments import CardSetup
from shop_aws.api import answers, caller, handler_for, resolver
from shop_aws.stripe_processor import StripeProcessor

app = resolver()
processor = StripeProcessor()


@app.post(
    "/payments/setup-intents",
    status_code=201,
    summary="Start saving a card for off-session charges",
    description=(
        "P1: makes the member's Stripe customer once and a SetupIntent for off-session use; its client secret "
        "goes to Stripe.js (confirmCardSetup), whose PaymentMethod id checkout, re-settlement (L5) and a "
        "payment-method change (O13) then take as paymentMethodId. No card data reaches the shop."
    ),
    responses=answers(201, "A session to save a card with Stripe.js", {503: "Stripe did not answer; retry"}),
)
def create_setup_intent() -> Response[CardSetup]:
    member = caller(app)
    return Response(201, "application/json", start_card_setup(member.member_id, member.email, processor))


lambda_handler = handler_for(app)
