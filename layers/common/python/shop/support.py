"""What customer support and the warehouse do to an order: ship it (L7), cancel it (L8), replace it (L10)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import ProductId
from shop.errors import CancellationRefused, IllegalTransition, InvalidInput, StateConflict
from shop.orders import NO_PAYMENT_TOKEN, TRANSITIONS, Order, OrderLine, OrderState, check_transition

# --- L8: cancellation by customer support -------------------------------------------------------------------


class CancellationReason(StrEnum):
    CUSTOMER_REQUEST = "CUSTOMER_REQUEST"
    DUPLICATE_ORDER = "DUPLICATE_ORDER"
    ADDRESS_UNDELIVERABLE = "ADDRESS_UNDELIVERABLE"
    PRODUCT_DISCONTINUED = "PRODUCT_DISCONTINUED"
    SUSPECTED_FRAUD = "SUSPECTED_FRAUD"
    # Listed so that it is refused by name: C2, a release date that moves is never a ground for cancellation.
    RELEASE_DATE_CHANGED = "RELEASE_DATE_CHANGED"


# What the member reads in the cancellation email, after "Order X has been cancelled: ".
REASON_TEXTS = {
    CancellationReason.CUSTOMER_REQUEST: "you asked customer support to cancel it.",
    CancellationReason.DUPLICATE_ORDER: "it duplicated another of your orders.",
    CancellationReason.ADDRESS_UNDELIVERABLE: "the shipping address cannot be delivered to.",
    CancellationReason.PRODUCT_DISCONTINUED: "the maker stopped producing the product.",
    CancellationReason.SUSPECTED_FRAUD: "the payment details could not be verified.",
}

# The states support may cancel from: before any money is taken (the order-states decision).
SUPPORT_CANCELLABLE = frozenset(state for state, targets in TRANSITIONS.items() if OrderState.CANCELLED in targets) - {
    OrderState.SETTLEMENT_PENDING
}


class CancellationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    reason: CancellationReason
    note: str | None = Field(default=None, max_length=500)


def check_support_cancellation(order: Order, reason: CancellationReason) -> str:
    """L8: only before payment, never because the release date changed; returns the reason for the email."""
    if reason is CancellationReason.RELEASE_DATE_CHANGED:
        raise CancellationRefused(
            f"Order {order.order_number} cannot be cancelled because the release date changed: a release date "
            "may move earlier or later and is never a ground for cancellation.",
            orderNumber=order.order_number,
            reason=reason.value,
        )
    if order.state not in SUPPORT_CANCELLABLE:
        raise IllegalTransition(
            f"Order {order.order_number} is {order.state.value} and cannot be cancelled: support cancels only "
            "before payment (RESERVED, SHIPPING_DATE_CONFIRMED or PAYMENT_FAILED).",
            orderNumber=order.order_number,
            currentState=order.state.value,
            requestedState=OrderState.CANCELLED.value,
        )
    return REASON_TEXTS[reason]


def cancelled_by_support(order: Order, request: CancellationRequest, now: datetime) -> Order:
    """L8: the order as support cancels it (call check_support_cancellation first)."""
    check_transition(order.order_number, order.state, OrderState.CANCELLED)
    return order.model_copy(
        update={
            "state": OrderState.CANCELLED,
            "cancelled_at": now,
            "cancellation_reason": request.reason.value,
            "cancelled_by": "SUPPORT",
            "cancellation_note": request.note,
            "resettlement_deadline": None,
        }
    )


# --- L7: shipped -------------------------------------------------------------------------------------------


class Shipment(BaseModel):
    """What the warehouse reports: who carries the parcel and its tracking number."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    carrier: str = Field(min_length=1, max_length=60)
    tracking_number: str = Field(alias="trackingNumber", pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{2,39}$")


def check_shipment(order: Order, shipment: Shipment) -> bool:
    """L7: only a paid order ships. True when it already shipped with this very parcel (a retried report)."""
    if (
        order.state is OrderState.SHIPPED
        and order.carrier == shipment.carrier
        and order.tracking_number == shipment.tracking_number
    ):
        return True
    if order.state is not OrderState.PAID:
        raise IllegalTransition(
            f"Order {order.order_number} is {order.state.value}; only a paid order (PAID) can be shipped.",
            orderNumber=order.order_number,
            currentState=order.state.value,
            requestedState=OrderState.SHIPPED.value,
        )
    return False


def shipped(order: Order, shipment: Shipment, now: datetime) -> Order:
    """L7: the order as the warehouse shipped it (call check_shipment first)."""
    check_transition(order.order_number, order.state, OrderState.SHIPPED)
    return order.model_copy(
        update={
            "state": OrderState.SHIPPED,
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "shipped_at": now,
        }
    )


# --- L10: a defect gets a replacement, never a refund ------------------------------------------------------


class DefectiveLine(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    quantity: int = Field(strict=True, ge=1, le=999)


class DefectReport(BaseModel):
    """Support records a defect on a shipped order; the replacement goes out at no charge."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    support_ticket: str = Field(alias="supportTicket", pattern=r"^[A-Za-z0-9][A-Za-z0-9\-_]{0,63}$")
    description: str = Field(min_length=1, max_length=1000)
    lines: list[DefectiveLine] | None = Field(default=None, min_length=1, max_length=50)


def plan_replacement(original: Order, report: DefectReport, order_number: str, now: datetime) -> Order:
    """L10: a new order number, same kind and address, the defective lines at no charge, ready to ship (PAID)."""
    if original.state is not OrderState.SHIPPED:
        raise IllegalTransition(
            f"Order {original.order_number} is {original.state.value}; a replacement is sent only for an order "
            "that was shipped.",
            orderNumber=original.order_number,
            currentState=original.state.value,
        )
    if original.is_erased:
        raise StateConflict(
            f"Order {original.order_number} belongs to a withdrawn account; there is no address to send to.",
            orderNumber=original.order_number,
            currentState=original.state.value,
        )
    return Order(
        order_number=order_number,
        member_id=original.member_id,
        email=original.email,
        checkout_id=original.checkout_id,
        kind=original.kind,
        lines=_replaced_lines(original, report),
        shipping_address=original.shipping_address,
        billing_address=original.billing_address,
        payment_token=NO_PAYMENT_TOKEN,
        state=OrderState.PAID,
        created_at=now,
        shipping_date=None,
        shipping_fee_cents=0,
        replacement_of=original.order_number,
        support_ticket=report.support_ticket,
        defect=report.description,
    )


def _replaced_lines(original: Order, report: DefectReport) -> tuple[OrderLine, ...]:
    """Every line of the original, or the lines support names, each at no charge."""
    on_order = {line.product_id: line for line in original.lines}
    if report.lines is None:
        chosen = [(line, line.quantity) for line in original.lines]
    else:
        chosen = []
        for defective in report.lines:
            line = on_order.get(defective.product_id)
            if line is None:
                raise InvalidInput(
                    f"Product {defective.product_id} is not on order {original.order_number}.",
                    field="lines",
                    productId=defective.product_id,
                )
            if defective.quantity > line.quantity:
                raise InvalidInput(
                    f"Order {original.order_number} holds {line.quantity} of {line.name}; "
                    f"{defective.quantity} cannot be replaced.",
                    field="lines",
                    productId=defective.product_id,
                )
            chosen.append((line, defective.quantity))
        if len({line.product_id for line, _ in chosen}) != len(chosen):
            raise InvalidInput("Each product may be listed once.", field="lines")
    return tuple(line.model_copy(update={"quantity": quantity, "unit_price_cents": 0}) for line, quantity in chosen)
