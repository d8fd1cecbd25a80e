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
            checkout_id=checkout_id,
            orders=[OrderView.of(order) for order in orders],
            grand_total_cents=sum(order.total_cents for order in orders),
        )
