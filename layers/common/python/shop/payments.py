"""The payment processor as the shop sees it (P1-P4): a small interface, no processor named.

The rules and the order states know nothing of any processor. One adapter module implements
`PaymentProcessor` (today `shop_aws/stripe_processor.py`); its outcomes reach the orders as the shop's
own `PaymentSucceeded` / `PaymentFailed` bus events, which is also how another processor plugs in.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

# A processor's id of a saved payment method (never card data): letters, digits, _ and -.
PaymentMethodId = str


class CardOnFile(BaseModel):
    """P1, O13: what the shop keeps of a saved card: the processor's id, its brand and last four digits."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    payment_method_id: str = Field(alias="paymentMethodId")
    brand: str
    last4: str = Field(pattern=r"^[0-9]{4}$")


class CardSetup(BaseModel):
    """What the front end needs to collect a card for later charges (the processor's client-side flow)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    client_secret: str = Field(alias="clientSecret")
    publishable_key: str = Field(alias="publishableKey")
    customer_id: str = Field(alias="customerId")


class Charge(BaseModel):
    """P2: one settlement request, charged once under its settlement id."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    order_number: str = Field(alias="orderNumber")
    settlement_id: str = Field(alias="settlementId")
    amount_cents: int = Field(alias="amountCents", gt=0)
    currency: str
    payment_method_id: str = Field(alias="paymentToken")


class CustomerErasure(BaseModel):
    """M5: a withdrawn member's customer at the processor, to delete (it holds their email and saved cards)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    member_id: str = Field(alias="memberId")
    customer_id: str = Field(alias="customerId")


# M5: the bus event asking for a withdrawn member's customer to be deleted at the processor.
CUSTOMER_ERASURE_REQUESTED = "PaymentCustomerErasureRequested"


class Outcome(StrEnum):
    SUCCEEDED = "PaymentSucceeded"
    FAILED = "PaymentFailed"


class ChargeResult(BaseModel):
    """The processor's own answer: taken, refused with a reason code (see FAILURE_REASONS), or None: not
    decided yet, the processor's notification will tell (P4)."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome | None
    reason: str | None = None
    reference: str | None = None  # the processor's id of the charge


class Notification(BaseModel):
    """P4: a signed notification, verified; `outcome` None for the kinds the shop does not act on."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    kind: str
    outcome: Outcome | None = None
    order_number: str | None = None
    settlement_id: str | None = None
    reason: str | None = None


class PaymentProcessor(Protocol):
    def new_customer(self, member_id: str, email: str) -> str:
        """The processor's customer for a member (P1): created once, its id kept on the profile."""
        ...

    def card_setup(self, customer_id: str) -> CardSetup:
        """P1: a session in which the member saves a card for later charges without them present."""
        ...

    def card_on_file(self, customer_id: str, payment_method_id: str) -> CardOnFile:
        """P1, O13: the member's own saved card, usable off-session; PaymentMethodRefused otherwise."""
        ...

    def charge(self, charge: Charge) -> ChargeResult:
        """P2, P3: charge once per settlement id; ProcessorUnavailable when nothing was decided."""
        ...

    def notification(self, payload: bytes, signature: str | None) -> Notification:
        """P4: a notification verified by its signature; NotificationRefused otherwise."""
        ...

    def forget_customer(self, customer_id: str) -> None:
        """M5: the customer deleted, with the email it holds; one already gone is done. ProcessorUnavailable when
        nothing was decided."""
        ...


# L4: the payment-failure email says in words why, from the processor-neutral reason code.
FAILURE_REASONS = {
    "card_declined": "your bank declined the card",
    "insufficient_funds": "the card has insufficient funds",
    "expired_card": "the card has expired",
    "incorrect_cvc": "the card's security code was refused",
    "processing_error": "the card's bank could not process the payment",
    "authentication_required": (
        "your bank asks you to confirm this payment yourself, which cannot be done while you are away; "
        "please re-settle in My Account, where your bank can ask you to confirm"
    ),
    "card_not_on_file": "the saved card is no longer available",
}


def reason_in_words(reason: str | None) -> str:
    """L4: the member reads why the payment failed; an unknown code still says something true."""
    if reason is None:
        return "the payment was not accepted"
    return FAILURE_REASONS.get(reason, f"the payment was refused ({reason})")
