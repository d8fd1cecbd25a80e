"""Orders and their lifecycle: the states, the transitions allowed between them, and what an order holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import CountryCode, ProductKind
from shop.errors import DeadlinePassed, IllegalTransition
from shop.text import PrintableText

SHIPPING_FEE_CENTS = 1800  # rule O5: $18.00 per order number
RESETTLEMENT_WINDOW = timedelta(days=7)  # rule L4
REMINDER_LEAD = timedelta(hours=24)  # rule L5a: the reminder goes out about a day before the deadline
# What an order keeps of a member who withdrew (M5): orders stay for the accounts, no longer linked to a person.
WITHDRAWN_MEMBER = "WITHDRAWN"
ERASED = "ERASED"
# An order with nothing to charge (a replacement shipment, L10; an old-shop order already paid, L11).
NO_PAYMENT_TOKEN = "NONE"  # noqa: S105 - a marker, not a secret
# L6: why the schedule cancelled an order, as the member reads it after "Order X has been cancelled: ".
DEADLINE_PASSED_REASON = "RESETTLEMENT_DEADLINE_PASSED"
DEADLINE_PASSED_TEXT = "the payment was not re-settled within one week of the failed payment."

# O13: the payment processor's reference to a saved payment method (never card data), as checkout, a
# payment-method change (O13), a re-settlement (L5) and an old-shop import (L11) receive it.
PaymentToken = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{4,128}$")]


class PaymentCard(BaseModel):
    """O13, P1: what an order shows of its saved card (never card data): the brand and the last four digits."""

    model_config = ConfigDict(frozen=True)

    brand: str
    last4: str


class OrderState(StrEnum):
    RESERVED = "RESERVED"
    SHIPPING_DATE_CONFIRMED = "SHIPPING_DATE_CONFIRMED"
    SETTLEMENT_PENDING = "SETTLEMENT_PENDING"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


# The whole lifecycle in one place: from each state, where an order may go next.
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.RESERVED: frozenset({OrderState.SHIPPING_DATE_CONFIRMED, OrderState.CANCELLED}),
    OrderState.SHIPPING_DATE_CONFIRMED: frozenset({OrderState.SETTLEMENT_PENDING, OrderState.CANCELLED}),
    OrderState.SETTLEMENT_PENDING: frozenset({OrderState.PAID, OrderState.PAYMENT_FAILED}),
    OrderState.PAYMENT_FAILED: frozenset({OrderState.SETTLEMENT_PENDING, OrderState.PAID, OrderState.CANCELLED}),
    OrderState.PAID: frozenset({OrderState.SHIPPED}),
    OrderState.SHIPPED: frozenset(),
    OrderState.CANCELLED: frozenset(),
}

# Orders still waiting to reach the member: they block withdrawal (M5) and get release news (C2).
OPEN_STATES = frozenset(state for state in OrderState if state not in {OrderState.SHIPPED, OrderState.CANCELLED})


def check_transition(order_number: str, current: OrderState, target: OrderState) -> None:
    """Refuse a move the lifecycle does not allow, naming the state the order is in."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"Order {order_number} is {current.value} and cannot become {target.value}.",
            orderNumber=order_number,
            currentState=current.value,
            requestedState=target.value,
        )


class Address(BaseModel):
    """A postal address. Country is what the checkout rules look at (O1, O2)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    name: PrintableText = Field(min_length=1, max_length=100)
    line1: PrintableText = Field(min_length=1, max_length=200)
    line2: PrintableText | None = Field(default=None, max_length=200)
    city: PrintableText = Field(min_length=1, max_length=100)
    region: PrintableText | None = Field(default=None, max_length=100)
    postal_code: PrintableText = Field(alias="postalCode", min_length=1, max_length=20)
    country: CountryCode
    phone: PrintableText | None = Field(default=None, max_length=30)


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    product_id: str = Field(alias="productId")
    name: str
    quantity: int = Field(ge=1)
    unit_price_cents: int = Field(alias="unitPriceCents")
    release_date: str = Field(alias="releaseDate")

    @property
    def line_total_cents(self) -> int:
        return self.quantity * self.unit_price_cents


class Order(BaseModel):
    """One order number: a single pre-ordered product (O3) or all in-stock items of a checkout (O4)."""

    model_config = ConfigDict(populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    member_id: str = Field(alias="memberId")
    email: str
    checkout_id: str = Field(alias="checkoutId")
    kind: ProductKind
    lines: tuple[OrderLine, ...]
    shipping_address: Address = Field(alias="shippingAddress")
    billing_address: Address = Field(alias="billingAddress")
    # The processor's id of the saved payment method (a Stripe PaymentMethod, pm_...; older orders: a token).
    payment_token: str = Field(alias="paymentToken")
    payment_card: PaymentCard | None = Field(default=None, alias="paymentCard")
    state: OrderState = OrderState.RESERVED
    created_at: datetime = Field(alias="createdAt")
    shipping_date: str | None = Field(default=None, alias="shippingDate")
    settlement_attempt: int = Field(default=0, alias="settlementAttempt")
    resettlement_deadline: datetime | None = Field(default=None, alias="resettlementDeadline")
    paid_settlement_id: str | None = Field(default=None, alias="paidSettlementId")
    version: int = 0
    # O5: set by the checkout plan (the one source of an order's money); a replacement (L10) ships free.
    shipping_fee_cents: int = Field(alias="shippingFeeCents", ge=0)
    imported: bool = False  # L11: an order of the old shop, brought over as it was
    paid_at: datetime | None = Field(default=None, alias="paidAt")
    payment_failed_at: datetime | None = Field(default=None, alias="paymentFailedAt")
    payment_failure_reason: str | None = Field(default=None, alias="paymentFailureReason")
    reminder_sent_at: datetime | None = Field(default=None, alias="reminderSentAt")
    shipped_at: datetime | None = Field(default=None, alias="shippedAt")
    carrier: str | None = None
    tracking_number: str | None = Field(default=None, alias="trackingNumber")
    cancelled_at: datetime | None = Field(default=None, alias="cancelledAt")
    cancellation_reason: str | None = Field(default=None, alias="cancellationReason")
    cancelled_by: str | None = Field(default=None, alias="cancelledBy")
    cancellation_note: str | None = Field(default=None, alias="cancellationNote")
    replacement_of: str | None = Field(default=None, alias="replacementOf")
    replacements: tuple[str, ...] = ()
    support_ticket: str | None = Field(default=None, alias="supportTicket")
    defect: str | None = None

    @property
    def items_total_cents(self) -> int:
        return sum(line.line_total_cents for line in self.lines)

    @property
    def is_replacement(self) -> bool:
        return self.replacement_of is not None

    @property
    def is_erased(self) -> bool:
        """M5: the member withdrew; the order is kept for the accounts without their personal data."""
        return self.member_id == WITHDRAWN_MEMBER

    @property
    def total_cents(self) -> int:
        return self.items_total_cents + self.shipping_fee_cents

    @property
    def settlement_id(self) -> str:
        """Names one settlement attempt, so the processor can de-duplicate and late answers are recognised."""
        return f"{self.order_number}#{self.settlement_attempt}"


def resettlement_deadline(failed_at: datetime) -> datetime:
    """L4: one week from the failure the member is told about."""
    return failed_at + RESETTLEMENT_WINDOW


def deadline_passed(deadline: datetime, now: datetime) -> bool:
    """The deadline itself is already too late: at +7 days the order is cancelled, at 6 days 23 hours not."""
    return now >= deadline


def check_can_resettle(order: Order, now: datetime) -> None:
    """L5: a new payment method is accepted for a failed payment, before the deadline only."""
    check_transition(order.order_number, order.state, OrderState.SETTLEMENT_PENDING)
    if order.state is not OrderState.PAYMENT_FAILED or order.resettlement_deadline is None:
        raise IllegalTransition(
            f"Order {order.order_number} is {order.state.value}; only an order whose payment failed can be re-settled.",
            orderNumber=order.order_number,
            currentState=order.state.value,
        )
    if deadline_passed(order.resettlement_deadline, now):
        raise DeadlinePassed(
            f"The re-settlement deadline of order {order.order_number} passed at "
            f"{order.resettlement_deadline.isoformat()}; the order is being cancelled.",
            orderNumber=order.order_number,
            deadline=order.resettlement_deadline.isoformat(),
        )


def _moved(order: Order, target: OrderState, **changes: Any) -> Order:
    """The order in its next state, if the lifecycle allows the move; otherwise a 409 naming its state."""
    check_transition(order.order_number, order.state, target)
    return order.model_copy(update={"state": target, **changes})


def settling(order: Order) -> Order:
    """L1: a confirmed shipping date sends the order to be charged, as its next settlement attempt."""
    return _moved(order, OrderState.SETTLEMENT_PENDING, settlement_attempt=order.settlement_attempt + 1)


def resettling(order: Order, payment_token: str, now: datetime, card: PaymentCard | None = None) -> Order:
    """L5: the new payment method is charged as a new attempt; a later failure gets its own reminder (L5a)."""
    check_can_resettle(order, now)
    return _moved(
        order,
        OrderState.SETTLEMENT_PENDING,
        payment_token=payment_token,
        payment_card=card,
        settlement_attempt=order.settlement_attempt + 1,
        resettlement_deadline=None,
        reminder_sent_at=None,
    )


def paid(order: Order, settlement_id: str, now: datetime) -> Order:
    """L3: the money is taken; no deadline is left to run (call payment_success_applies first)."""
    return _moved(order, OrderState.PAID, paid_at=now, paid_settlement_id=settlement_id, resettlement_deadline=None)


def payment_failed(order: Order, reason: str | None, now: datetime) -> Order:
    """L4: the member has one week from now, when the failure is recorded and announced, to re-settle."""
    return _moved(
        order,
        OrderState.PAYMENT_FAILED,
        payment_failed_at=now,
        payment_failure_reason=reason or "not given",
        resettlement_deadline=resettlement_deadline(now),
    )


def expiry_due(order: Order, now: datetime) -> bool:
    """L6: a failed payment whose re-settlement deadline has passed."""
    deadline = order.resettlement_deadline
    return order.state is OrderState.PAYMENT_FAILED and deadline is not None and deadline_passed(deadline, now)


def expired(order: Order, now: datetime) -> Order:
    """L6: cancelled by the schedule because the deadline passed unpaid (call expiry_due first)."""
    return _moved(
        order,
        OrderState.CANCELLED,
        cancelled_at=now,
        cancellation_reason=DEADLINE_PASSED_REASON,
        resettlement_deadline=None,
    )


def reminded(order: Order, now: datetime) -> Order:
    """L5a: the reminder is marked on the order, so it goes out once (call reminder_due first)."""
    return order.model_copy(update={"reminder_sent_at": now})


def settlement_requested(order: Order) -> dict[str, object]:
    """What the payment processor is asked to charge (L1, L5): the order's total, off-session, in USD cents."""
    return {
        "orderNumber": order.order_number,
        "settlementId": order.settlement_id,
        "amountCents": order.total_cents,
        "currency": "USD",
        "paymentToken": order.payment_token,
    }


def payment_failure_applies(order: Order, settlement_id: str) -> bool:
    """L3: a failure counts only for the attempt now pending; duplicates and late reports change nothing."""
    return order.state is OrderState.SETTLEMENT_PENDING and settlement_id == order.settlement_id


def payment_success_applies(order: Order, settlement_id: str) -> bool:
    """L3: money taken for an attempt the shop requested makes the order paid, even after a failure of it.

    An outcome for an attempt never requested (a number past the order's last attempt) is not this
    order's money and changes nothing.
    """
    prefix, _, attempt = settlement_id.rpartition("#")
    requested = prefix == order.order_number and attempt.isdigit() and 1 <= int(attempt) <= order.settlement_attempt
    return requested and order.state in {OrderState.SETTLEMENT_PENDING, OrderState.PAYMENT_FAILED}


def reminder_due(order: Order, now: datetime) -> bool:
    """L5a: one reminder, within the last 24 hours before the re-settlement deadline, while it is still unpaid."""
    deadline = order.resettlement_deadline
    return (
        order.state is OrderState.PAYMENT_FAILED
        and deadline is not None
        and order.reminder_sent_at is None
        and deadline - REMINDER_LEAD <= now < deadline
    )


class PaymentState(StrEnum):
    """What My Account says about the money of an order (M6), derived from its state."""

    NOT_YET_CHARGED = "NOT_YET_CHARGED"  # O13: nothing is taken before the shipping date is confirmed
    PENDING = "PENDING"
    FAILED = "FAILED"
    PAID = "PAID"
    NOT_CHARGED = "NOT_CHARGED"  # cancelled before any money was taken (L6, L8)
    NO_CHARGE = "NO_CHARGE"  # a replacement shipment (L10)


_PAYMENT_STATES = {
    OrderState.RESERVED: PaymentState.NOT_YET_CHARGED,
    OrderState.SHIPPING_DATE_CONFIRMED: PaymentState.NOT_YET_CHARGED,
    OrderState.SETTLEMENT_PENDING: PaymentState.PENDING,
    OrderState.PAYMENT_FAILED: PaymentState.FAILED,
    OrderState.PAID: PaymentState.PAID,
    OrderState.SHIPPED: PaymentState.PAID,
    OrderState.CANCELLED: PaymentState.NOT_CHARGED,
}


def payment_state(order: Order) -> PaymentState:
    if order.is_replacement:
        return PaymentState.NO_CHARGE
    return _PAYMENT_STATES[order.state]


def masked_token(token: str) -> str:
    """A payment token is never shown in full: its last four characters are enough to recognise it."""
    if token in {NO_PAYMENT_TOKEN, ERASED}:
        return token
    return "****" + token[-4:] if len(token) > 4 else "****"
