"""Checkout (O1-O7, O11-O13): turns a cart into order numbers, or says everything that stops it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import Product, ProductId, ProductKind
from shop.errors import CheckoutRefused
from shop.order_numbers import OrderNumbers
from shop.orders import SHIPPING_FEE_CENTS, Address, Order, OrderLine, PaymentCard

MAX_DISTINCT_PRODUCTS = 20  # rule O6 decision: one checkout fits one database transaction
MAX_QUANTITY = 999
REFUSED_DESTINATIONS = {"JP": "Japan", "TW": "Taiwan"}  # rule O1: served by another store
SUCCESS_MESSAGE = "Your order has been processed successfully. Thank you for staying with us."  # rule O9


class CartLine(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
    # A price a front end shows may travel with the cart; it is ignored: the catalogue's price is the truth.
    unit_price_cents: int | None = Field(default=None, alias="unitPriceCents", exclude=True)


@dataclass(frozen=True)
class Problem:
    """One reason a cart cannot be ordered, naming the product where there is one."""

    code: str
    message: str
    product_id: str | None = None

    def to_body(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.product_id is not None:
            body["productId"] = self.product_id
        return body


@dataclass(frozen=True)
class Buyer:
    """Who checks out, where the orders go, and the payment method saved for the later charge (O13)."""

    member_id: str
    email: str
    shipping_address: Address
    billing_address: Address
    payment_token: str
    payment_card: PaymentCard | None = None  # P1: the saved card's brand and last four digits


class Destination(Protocol):
    """Where a cart goes: O1 and O2 look at the country only (an Address, or the country a cart is shown for)."""

    @property
    def country(self) -> str: ...


@dataclass(frozen=True)
class OrderGroup:
    """What one order number holds (O3, O4) and its money: the only place an order's fee and total are set."""

    kind: ProductKind
    lines: tuple[OrderLine, ...]

    @property
    def items_total_cents(self) -> int:
        return sum(line.line_total_cents for line in self.lines)

    @property
    def shipping_fee_cents(self) -> int:
        return SHIPPING_FEE_CENTS

    @property
    def total_cents(self) -> int:
        return self.items_total_cents + self.shipping_fee_cents


@dataclass(frozen=True)
class PlannedOrder(OrderGroup):
    """One order number of a checkout: a group of lines with the number checkout issued for it."""

    order_number: str


@dataclass(frozen=True)
class CheckoutPlan:
    orders: tuple[PlannedOrder, ...]
    stock_to_take: dict[str, int] = field(default_factory=dict)

    @property
    def grand_total_cents(self) -> int:
        return sum(order.total_cents for order in self.orders)

    def orders_for(self, buyer: Buyer, checkout_id: str, now: datetime) -> list[Order]:
        """The orders to place: each planned order number with the buyer's addresses and payment method."""
        return [
            Order(
                order_number=planned.order_number,
                member_id=buyer.member_id,
                email=buyer.email,
                checkout_id=checkout_id,
                kind=planned.kind,
                lines=planned.lines,
                shipping_address=buyer.shipping_address,
                billing_address=buyer.billing_address,
                payment_token=buyer.payment_token,
                payment_card=buyer.payment_card,
                shipping_fee_cents=planned.shipping_fee_cents,
                created_at=now,
            )
            for planned in self.orders
        ]


def cart_problems(
    cart: list[CartLine], catalogue: Mapping[str, Product], destination: Destination | None, now: datetime
) -> list[Problem]:
    """Everything wrong with the cart at once, so the member fixes it in one go.

    Without a destination (a saved cart shown before an address is chosen, C3) O1 and O2 are left out.
    """
    problems: list[Problem] = []
    if not cart:
        problems.append(Problem("EMPTY_CART", "The cart is empty."))
    if destination is not None:
        problems.extend(_not_served(destination))
    distinct = {line.product_id for line in cart}
    if len(distinct) > MAX_DISTINCT_PRODUCTS:
        problems.append(
            Problem(
                "TOO_MANY_PRODUCTS",
                f"A checkout holds at most {MAX_DISTINCT_PRODUCTS} different products; this one has {len(distinct)}.",
            )
        )
    seen: set[str] = set()
    for line in cart:
        if line.product_id in seen:
            problems.append(
                Problem(
                    "DUPLICATE_PRODUCT",
                    f"Product {line.product_id} is listed twice; list it once with the quantity you want.",
                    line.product_id,
                )
            )
            continue
        seen.add(line.product_id)
        problems.extend(_line_problems(line, catalogue.get(line.product_id), destination, now))
    return problems


def _line_problems(
    line: CartLine, product: Product | None, destination: Destination | None, now: datetime
) -> list[Problem]:
    if product is None:
        return [Problem("UNKNOWN_PRODUCT", f"There is no product {line.product_id}.", line.product_id)]
    problems = _licence_blocked(product, destination) if destination is not None else []
    if line.quantity > product.reservation_limit:
        problems.append(
            Problem(
                "OVER_RESERVATION_LIMIT",
                f"{product.name} is limited to {product.reservation_limit} per order; {line.quantity} were asked for.",
                product.product_id,
            )
        )
    if product.preorder_closed(now):
        problems.append(Problem("PREORDER_CLOSED", f"Pre-orders for {product.name} are closed.", product.product_id))
    if product.kind is ProductKind.IN_STOCK and product.stock is not None and line.quantity > product.stock:
        problems.append(
            Problem(
                "SOLD_OUT",
                f"{product.name} is sold out."
                if product.stock == 0
                else f"Only {product.stock} of {product.name} left.",
                product.product_id,
            )
        )
    return problems


def destination_problems(destination: Destination, products: Iterable[Product]) -> list[Problem]:
    """O1 and O2 for an address: not Japan or Taiwan, and no product whose licence excludes the country.

    Checkout (per cart line) and an address change (per order) both ask these two questions.
    """
    return _not_served(destination) + [
        problem for product in products for problem in _licence_blocked(product, destination)
    ]


def _not_served(destination: Destination) -> list[Problem]:
    """O1: Japan and Taiwan are served by another store."""
    if destination.country not in REFUSED_DESTINATIONS:
        return []
    return [
        Problem(
            "DESTINATION_NOT_SERVED",
            f"We do not ship to {REFUSED_DESTINATIONS[destination.country]}; "
            "orders for Japan and Taiwan are served by our other store.",
        )
    ]


def _licence_blocked(product: Product, destination: Destination) -> list[Problem]:
    """O2: a licence may exclude the destination country."""
    if not product.is_blocked_in(destination.country):
        return []
    return [
        Problem(
            "LICENCE_BLOCKED",
            f"{product.name} cannot be shipped to {destination.country} because of its licence.",
            product.product_id,
        )
    ]


def plan_checkout(
    cart: list[CartLine],
    catalogue: Mapping[str, Product],
    destination: Address,
    now: datetime,
    order_numbers: OrderNumbers,
) -> CheckoutPlan:
    """Split a valid cart into orders: one per pre-ordered product (O3), one for all in-stock items (O4)."""
    problems = cart_problems(cart, catalogue, destination, now)
    if problems:
        raise CheckoutRefused(
            "The order cannot be placed: " + " ".join(p.message for p in problems),
            problems=[p.to_body() for p in problems],
        )
    orders = tuple(
        PlannedOrder(kind=group.kind, lines=group.lines, order_number=order_numbers.next())
        for group in order_groups(cart, catalogue)
    )
    in_stock = [line for order in orders if order.kind is ProductKind.IN_STOCK for line in order.lines]
    return CheckoutPlan(orders=orders, stock_to_take={line.product_id: line.quantity for line in in_stock})


def order_groups(cart: list[CartLine], catalogue: Mapping[str, Product]) -> list[OrderGroup]:
    """The order numbers a cart becomes: one per pre-ordered product (O3), one for all in-stock items (O4).

    Lines and prices are the catalogue's as it is now; a line whose product is unknown joins no group.
    """
    groups: list[OrderGroup] = []
    in_stock_lines: list[OrderLine] = []
    for line in cart:
        product = catalogue.get(line.product_id)
        if product is None:
            continue
        order_line = OrderLine(
            product_id=product.product_id,
            name=product.name,
            quantity=line.quantity,
            unit_price_cents=product.unit_price_cents,
            release_date=product.release_date,
        )
        if product.kind is ProductKind.PREORDER:
            groups.append(OrderGroup(ProductKind.PREORDER, (order_line,)))
        else:
            in_stock_lines.append(order_line)
    if in_stock_lines:
        groups.append(OrderGroup(ProductKind.IN_STOCK, tuple(in_stock_lines)))
    return groups
