"""Orders of the old shop (L11), brought over as they were.

In the old shop one order number held every in-stock item bought together. Such an order keeps its
number, its items and its one shipping address: an address change applies to all of its items, and
it is never split (there is no operation anywhere that splits an order, O11).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shop.catalogue import ProductId, ProductKind, ReleaseDate, UtcDatetime
from shop.errors import ImportRefused
from shop.order_numbers import is_old_shop_number
from shop.orders import NO_PAYMENT_TOKEN, SHIPPING_FEE_CENTS, Address, Order, OrderLine, OrderState, PaymentToken

MAX_ORDERS_PER_IMPORT = 25
MAX_LINES = 50
# Orders come over waiting for their date, paid and waiting for shipment, or finished. An old-shop order
# in the middle of a payment is settled in the old shop first (decision, docs/decisions.md, L11).
IMPORTABLE_STATES = frozenset({OrderState.RESERVED, OrderState.PAID, OrderState.SHIPPED, OrderState.CANCELLED})


class ImportedLine(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(strict=True, ge=1, le=999)
    unit_price_cents: int = Field(strict=True, alias="unitPriceCents", ge=0, le=100_000_000)
    release_date: ReleaseDate = Field(alias="releaseDate")


class OldShopOrder(BaseModel):
    """One order as the old shop exported it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    order_number: str = Field(alias="orderNumber")
    member_email: str = Field(alias="memberEmail", min_length=3, max_length=254)
    kind: ProductKind = ProductKind.IN_STOCK
    state: OrderState
    created_at: UtcDatetime = Field(alias="createdAt")
    lines: list[ImportedLine] = Field(min_length=1, max_length=MAX_LINES)
    shipping_address: Address = Field(alias="shippingAddress")
    billing_address: Address = Field(alias="billingAddress")
    payment_token: PaymentToken | None = Field(default=None, alias="paymentToken")
    shipping_fee_cents: int = Field(default=SHIPPING_FEE_CENTS, strict=True, alias="shippingFeeCents", ge=0)
    shipping_date: date | None = Field(default=None, alias="shippingDate")
    carrier: str | None = Field(default=None, max_length=60)
    tracking_number: str | None = Field(default=None, alias="trackingNumber", max_length=40)

    @field_validator("order_number")
    @classmethod
    def _old_number(cls, value: str) -> str:
        value = value.strip()
        if not is_old_shop_number(value):
            raise ValueError("an old-shop order number is 6 to 12 digits")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.state not in IMPORTABLE_STATES:
            raise ValueError(
                f"state {self.state.value} cannot be imported; bring orders over as RESERVED, PAID, SHIPPED or "
                "CANCELLED (settle payments in the old shop first)"
            )
        if len({line.product_id for line in self.lines}) != len(self.lines):
            raise ValueError("each product appears once in an order; give the quantity instead")
        if self.kind is ProductKind.PREORDER and len(self.lines) != 1:
            raise ValueError("a pre-order holds one product; only in-stock items share an order number")
        if self.state is OrderState.RESERVED and self.payment_token is None:
            raise ValueError("an order still to be charged (RESERVED) needs its paymentToken")
        if self.state is OrderState.RESERVED and self.shipping_date is not None:
            raise ValueError("a RESERVED order has no shipping date yet; confirm it in the new shop (L1)")
        return self


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    orders: list[OldShopOrder] = Field(min_length=1, max_length=MAX_ORDERS_PER_IMPORT)


def check_batch(request: ImportRequest, now: datetime) -> None:
    numbers = [order.order_number for order in request.orders]
    repeated = sorted({number for number in numbers if numbers.count(number) > 1})
    if repeated:
        raise ImportRefused(f"Order numbers appear twice in this import: {', '.join(repeated)}.", orderNumbers=repeated)
    future = sorted(order.order_number for order in request.orders if order.created_at > now)
    if future:
        raise ImportRefused(
            f"Orders placed in the future cannot be imported: {', '.join(future)}.", orderNumbers=future
        )


def imported_order(old: OldShopOrder, member_id: str, email: str) -> Order:
    """The old order as the new shop keeps it: its number, items, address, state and fee as given."""
    return Order(
        order_number=old.order_number,
        member_id=member_id,
        email=email,
        checkout_id=f"IMPORT#{old.order_number}",
        kind=old.kind,
        lines=tuple(
            OrderLine(
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                release_date=line.release_date,
            )
            for line in old.lines
        ),
        shipping_address=old.shipping_address,
        billing_address=old.billing_address,
        payment_token=old.payment_token or NO_PAYMENT_TOKEN,
        state=old.state,
        created_at=old.created_at,
        shipping_date=old.shipping_date.isoformat() if old.shipping_date else None,
        shipping_fee_cents=old.shipping_fee_cents,
        imported=True,
        carrier=old.carrier,
        tracking_number=old.tracking_number,
    )
