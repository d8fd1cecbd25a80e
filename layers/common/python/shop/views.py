"""What the API answers about orders: the shapes members and staff read (O9, My Account)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shop.checkout import SUCCESS_MESSAGE
from shop.clock import iso
from shop.orders import Order


class _View(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class LineView(_View):
    product_id: str = Field(alias="productId")
    name: str
    quantity: int
    unit_price_cents: int = Field(alias="unitPriceCents")
    line_total_cents: int = Field(alias="lineTotalCents")
    release_date: str = Field(alias="releaseDate")


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

    @classmethod
    def of(cls, order: Order) -> OrderView:
        return cls(
            orderNumber=order.order_number,
            kind=order.kind.value,
            state=order.state.value,
            createdAt=iso(order.created_at),
            lines=[
                LineView(
                    productId=line.product_id,
                    name=line.name,
                    quantity=line.quantity,
                    unitPriceCents=line.unit_price_cents,
                    lineTotalCents=line.line_total_cents,
                    releaseDate=line.release_date,
                )
                for line in order.lines
            ],
            itemsTotalCents=order.items_total_cents,
            shippingFeeCents=order.shipping_fee_cents,
            totalCents=order.total_cents,
            shippingDate=order.shipping_date,
            resettlementDeadline=iso(order.resettlement_deadline) if order.resettlement_deadline else None,
        )


class CheckoutResult(_View):
    """Rule O9: the success message with every order number, its lines, shipping fee and total."""

    message: str = SUCCESS_MESSAGE
    checkout_id: str = Field(alias="checkoutId")
    orders: list[OrderView]
    grand_total_cents: int = Field(alias="grandTotalCents")

    @classmethod
    def of(cls, checkout_id: str, orders: list[Order]) -> CheckoutResult:
        return cls(
            checkoutId=checkout_id,
            orders=[OrderView.of(order) for order in orders],
            grandTotalCents=sum(order.total_cents for order in orders),
        )
