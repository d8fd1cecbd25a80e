"""What the API answers about orders: the shapes members and staff read (O9, My Account)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shop.checkout import SUCCESS_MESSAGE
from shop.clock import iso
from shop.orders import Address, Order, masked_token, payment_state


class _View(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class LineView(_View):
    product_id: str = Field(alias="productId")
    name: str
    quantity: int
    unit_price_cents: int = Field(alias="unitPriceCents")
    line_total_cents: int = Field(alias="lineTotalCents")
    release_date: str = Field(alias="releaseDate")


class CardView(_View):
    """P1, O13: the saved card an order will be charged to, as the member recognises it (never card data)."""

    brand: str
    last4: str


class OrderView(_View):
    order_number: str = Field(alias="orderNumber")
    kind: str
    state: str
    created_at: str = Field(alias="createdAt")
    lines: list[LineView]
    items_total_cents: int = Field(alias="itemsTotalCents")
    shipping_fee_cents: int = Field(alias="shippingFeeCents")
    total_cents: int = Field(alias="totalCents")
    shipping_date: str | None = Field(default=None, alias="shippingDate")
    resettlement_deadline: str | None = Field(default=None, alias="resettlementDeadline")
    payment_method: CardView | None = Field(default=None, alias="paymentMethod")

    @classmethod
    def of(cls, order: Order) -> OrderView:
        return cls(
            order_number=order.order_number,
            kind=order.kind.value,
            state=order.state.value,
            created_at=iso(order.created_at),
            lines=[
                LineView(
                    product_id=line.product_id,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                    line_total_cents=line.line_total_cents,
                    release_date=line.release_date,
                )
                for line in order.lines
            ],
            items_total_cents=order.items_total_cents,
            shipping_fee_cents=order.shipping_fee_cents,
            total_cents=order.total_cents,
            shipping_date=order.shipping_date,
            resettlement_deadline=iso(order.resettlement_deadline) if order.resettlement_deadline else None,
            payment_method=CardView(brand=order.payment_card.brand, last4=order.payment_card.last4)
            if order.payment_card
            else None,
        )


class StaffOrderView(OrderView):
    """An order in staff's lists: who ordered it, and whether order emails still reach them (E1)."""

    member_id: str = Field(alias="memberId")
    email: str
    email_undeliverable: bool = Field(default=False, alias="emailUndeliverable")

    @classmethod
    def of_order(cls, order: Order, *, email_undeliverable: bool) -> StaffOrderView:
        return cls.model_validate(
            OrderView.of(order).model_dump(by_alias=True)
            | {"memberId": order.member_id, "email": order.email, "emailUndeliverable": email_undeliverable}
        )


class StaffOrderPage(_View):
    """Staff's lists of orders (by state, failed payments), a page at a time."""

    orders: list[StaffOrderView]
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class CheckoutResult(_View):
    """Rule O9: the success message with every order number, its lines, shipping fee and total."""

    message: str = SUCCESS_MESSAGE
    checkout_id: str = Field(alias="checkoutId")
    orders: list[OrderView]
    grand_total_cents: int = Field(alias="grandTotalCents")

    @classmethod
    def of(cls, checkout_id: str, orders: list[Order], grand_total_cents: int) -> CheckoutResult:
        return cls(
            checkout_id=checkout_id,
            orders=[OrderView.of(order) for order in orders],
            grand_total_cents=grand_total_cents,
        )


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


class AddressView(_View):
    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str = Field(alias="postalCode")
    country: str
    phone: str | None = None

    @classmethod
    def of(cls, address: Address) -> AddressView:
        return cls.model_validate(address.model_dump(by_alias=True))


class PaymentView(_View):
    """M6 and O13: where the money stands, and the method by its last characters only."""

    state: str
    method: str
    paid_at: str | None = Field(default=None, alias="paidAt")
    resettlement_deadline: str | None = Field(default=None, alias="resettlementDeadline")


class EmailSentView(_View):
    """M6: one email sent about the order, so a lost one can be found again."""

    subject: str
    sent_at: str = Field(alias="sentAt")
    kind: str


class UndeliverableEmailView(_View):
    """E1: SES reported the member's address as bouncing (or as complaining): order emails no longer go to it."""

    address: str
    since: str
    reason: str
    lost_email_kind: str = Field(alias="lostEmailKind")


class ShipmentView(_View):
    carrier: str | None = None
    tracking_number: str | None = Field(default=None, alias="trackingNumber")
    shipped_at: str | None = Field(default=None, alias="shippedAt")


class SupportRequestSummaryView(_View):
    """S1: a support request as lists show it; its messages are read one request at a time."""

    request_id: str = Field(alias="requestId")
    kind: str
    state: str
    order_number: str | None = Field(default=None, alias="orderNumber")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    message_count: int = Field(alias="messageCount")


class OrderDetailView(OrderView):
    """GET /orders/{orderNumber} in My Account: everything about one order number (M6, L9, O13, L7, L10, L11),
    with the support requests about it (S1)."""

    shipping_address: AddressView = Field(alias="shippingAddress")
    billing_address: AddressView = Field(alias="billingAddress")
    payment: PaymentView
    shipment: ShipmentView | None = None
    cancelled_at: str | None = Field(default=None, alias="cancelledAt")
    cancellation_reason: str | None = Field(default=None, alias="cancellationReason")
    imported: bool = False
    replacement_of: str | None = Field(default=None, alias="replacementOf")
    replacements: list[str] = Field(default_factory=list)
    history: list[EmailSentView] = Field(default_factory=list)
    support_requests: list[SupportRequestSummaryView] = Field(default_factory=list, alias="supportRequests")
    email_undeliverable: UndeliverableEmailView | None = Field(default=None, alias="emailUndeliverable")

    @classmethod
    def of_order(
        cls,
        order: Order,
        history: Iterable[Mapping[str, Any]] = (),
        support_requests: Iterable[SupportRequestSummaryView] = (),
        undeliverable: Mapping[str, Any] | None = None,
    ) -> OrderDetailView:
        summary = OrderView.of(order).model_dump(by_alias=True)
        shipped = order.carrier is not None or order.shipped_at is not None
        return cls.model_validate(
            summary
            | {
                "shippingAddress": AddressView.of(order.shipping_address),
                "billingAddress": AddressView.of(order.billing_address),
                "payment": PaymentView(
                    state=payment_state(order).value,
                    method=f"****{order.payment_card.last4}"
                    if order.payment_card
                    else masked_token(order.payment_token),
                    paid_at=_iso(order.paid_at),
                    resettlement_deadline=_iso(order.resettlement_deadline),
                ),
                "shipment": ShipmentView(
                    carrier=order.carrier, tracking_number=order.tracking_number, shipped_at=_iso(order.shipped_at)
                )
                if shipped
                else None,
                "cancelledAt": _iso(order.cancelled_at),
                "cancellationReason": order.cancellation_reason,
                "imported": order.imported,
                "replacementOf": order.replacement_of,
                "replacements": list(order.replacements),
                "history": sorted(
                    (
                        EmailSentView(subject=str(e["subject"]), sent_at=str(e["sentAt"]), kind=str(e["emailKind"]))
                        for e in history
                    ),
                    key=lambda entry: entry.sent_at,
                ),
                "supportRequests": sorted(support_requests, key=lambda request: request.created_at),
                "emailUndeliverable": UndeliverableEmailView(
                    address=order.email,
                    since=str(undeliverable["since"]),
                    reason=str(undeliverable["reason"]),
                    lost_email_kind=str(undeliverable["emailKind"]),
                )
                if undeliverable
                else None,
            }
        )


class OrderPage(_View):
    """GET /orders: the member's own orders, newest first, a page at a time."""

    orders: list[OrderView]
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class SessionView(_View):
    """A signed-in session: the ID token for the Authorization header, and what renews it.

    The refresh token and the member id renew the ID token (POST /sessions/refresh); a refresh itself gives
    no new refresh token. The user pool's access token is never handed out (M8).
    """

    member_id: str = Field(alias="memberId")
    id_token: str = Field(alias="idToken")
    refresh_token: str | None = Field(default=None, alias="refreshToken")
    expires_in: int = Field(alias="expiresIn", description="seconds until the ID token expires")
    expires_at: str = Field(alias="expiresAt")

    @classmethod
    def of(
        cls, member_id: str, id_token: str, refresh_token: str | None, expires_in: int, now: datetime
    ) -> SessionView:
        return cls(
            member_id=member_id,
            id_token=id_token,
            refresh_token=refresh_token,
            expires_in=expires_in,
            expires_at=iso(now + timedelta(seconds=expires_in)),
        )
