"""The cart (C3): kept per member on the server, so every device shows the same one.

Adding a product already in the cart raises its quantity, up to the product's limit, and says so when it
stops there. The review of a cart (what GET /cart answers) is made by checkout's own rules
(shop.checkout: cart_problems, order_groups, destination_problems), so what the cart shows is what
checkout would decide now. A cart unchanged for CART_IDLE_EXPIRY is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import Product, ProductId, ProductKind
from shop.checkout import (
    MAX_DISTINCT_PRODUCTS,
    MAX_QUANTITY,
    CartLine,
    OrderGroup,
    Problem,
    cart_problems,
    order_groups,
)
from shop.clock import iso
from shop.errors import CartRefused, NotFound
from shop.views import LineView

# A cart nobody changed for this long is empty (and DynamoDB deletes it, by TTL, in the days after).
CART_IDLE_EXPIRY = timedelta(days=30)
# A checkout holds at most this many products (O6), so a cart holds no more either.
MAX_CART_LINES = MAX_DISTINCT_PRODUCTS
# What the cart refuses when a line is added or set: a request no checkout could ever take as written.
# Stock, licence and destination depend on the moment and the address: GET /cart shows them instead.
_REFUSED_ON_CHANGE = frozenset({"OVER_RESERVATION_LIMIT", "PREORDER_CLOSED"})


class CartItem(BaseModel):
    """One line of a member's cart: a product and how many, since when."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
    added_at: datetime = Field(alias="addedAt")


class Cart(BaseModel):
    """A member's cart as kept: its lines in the order they were added, and when it expires."""

    model_config = ConfigDict(frozen=True)

    items: tuple[CartItem, ...] = ()
    expires_at: datetime | None = None  # None: no cart is kept yet

    def is_live(self, now: datetime) -> bool:
        return self.expires_at is not None and now < self.expires_at

    def item(self, product_id: str) -> CartItem | None:
        return next((item for item in self.items if item.product_id == product_id), None)

    def lines(self) -> list[CartLine]:
        """The cart as checkout reads it."""
        return [CartLine(product_id=item.product_id, quantity=item.quantity) for item in self.items]


def as_of(kept: Cart | None, now: datetime) -> Cart:
    """The cart a member has now: none kept, or one unchanged for CART_IDLE_EXPIRY, is empty.

    DynamoDB deletes an expired cart only some time after its TTL, so every read asks this.
    """
    if kept is None or not kept.is_live(now):
        return Cart()
    return kept


def expiry(now: datetime) -> datetime:
    """C3: a change keeps the cart for another CART_IDLE_EXPIRY."""
    return now + CART_IDLE_EXPIRY


@dataclass(frozen=True)
class LineChange:
    """A line as it was (None: not in the cart) and as it becomes, with what the member should be told."""

    before: CartItem | None
    after: CartItem
    notice: str | None = None


def require_product(product_id: str, product: Product | None) -> Product:
    """A cart line names a product of the catalogue, or it is a 404 naming it."""
    if product is None:
        raise NotFound(f"There is no product {product_id}.", productId=product_id)
    return product


def added(cart: Cart, product: Product, quantity: int, now: datetime) -> LineChange:
    """C3: adding a product already in the cart raises its quantity, up to the product's limit."""
    before = cart.item(product.product_id)
    wanted = (before.quantity if before else 0) + quantity
    kept = min(wanted, product.reservation_limit)
    notice = None
    if kept < wanted:
        notice = (
            f"{product.name} is limited to {product.reservation_limit} per order; your cart holds {kept}, not {wanted}."
        )
    return _changed(cart, product, kept, now, notice=notice)


def with_quantity(cart: Cart, product: Product, quantity: int, now: datetime) -> LineChange:
    """C3: the line set to this quantity; more than the product's limit is refused, naming it (O6)."""
    return _changed(cart, product, quantity, now)


def _changed(cart: Cart, product: Product, quantity: int, now: datetime, *, notice: str | None = None) -> LineChange:
    before = cart.item(product.product_id)
    problems = [
        problem
        for problem in cart_problems(
            [CartLine(product_id=product.product_id, quantity=quantity)], {product.product_id: product}, None, now
        )
        if problem.code in _REFUSED_ON_CHANGE
    ]
    if before is None and len(cart.items) >= MAX_CART_LINES:
        problems.append(
            Problem(
                "TOO_MANY_PRODUCTS",
                f"A cart holds at most {MAX_CART_LINES} different products; remove one to add {product.name}.",
                product.product_id,
            )
        )
    if problems:
        raise CartRefused(
            f"{product.name} cannot be put in the cart: " + " ".join(problem.message for problem in problems),
            productId=product.product_id,
            problems=[problem.to_body() for problem in problems],
        )
    after = CartItem(product_id=product.product_id, quantity=quantity, added_at=before.added_at if before else now)
    return LineChange(before=before, after=after, notice=notice)


# ---------------------------------------------------------------- what GET /cart answers


@dataclass(frozen=True)
class Country:
    """The destination a cart is reviewed for: O1 and O2 look at nothing else."""

    country: str


class StockState(StrEnum):
    PREORDER_OPEN = "PREORDER_OPEN"
    PREORDER_CLOSED = "PREORDER_CLOSED"
    IN_STOCK = "IN_STOCK"
    NOT_ENOUGH_STOCK = "NOT_ENOUGH_STOCK"
    SOLD_OUT = "SOLD_OUT"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"


def stock_state(product: Product | None, quantity: int, now: datetime) -> StockState:
    if product is None:
        return StockState.UNKNOWN_PRODUCT
    if product.kind is ProductKind.PREORDER:
        return StockState.PREORDER_CLOSED if product.preorder_closed(now) else StockState.PREORDER_OPEN
    stock = product.stock or 0
    if stock == 0:
        return StockState.SOLD_OUT
    return StockState.NOT_ENOUGH_STOCK if stock < quantity else StockState.IN_STOCK


class _View(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class CartLineView(_View):
    """A line with the product as the catalogue shows it now (C3): price, dates and stock are current."""

    product_id: str = Field(alias="productId")
    quantity: int
    added_at: str = Field(alias="addedAt")
    stock_state: StockState = Field(alias="stockState")
    name: str | None = None
    kind: ProductKind | None = None
    unit_price_cents: int | None = Field(default=None, alias="unitPriceCents")
    line_total_cents: int | None = Field(default=None, alias="lineTotalCents")
    release_date: str | None = Field(default=None, alias="releaseDate")
    preorder_closes_at: str | None = Field(default=None, alias="preorderClosesAt")
    reservation_limit: int | None = Field(default=None, alias="reservationLimit")
    stock: int | None = None


class PreviewOrderView(_View):
    """One order number the cart will become at checkout (O3, O4), with its $18 shipping (O5).

    The numbers themselves are issued only by checkout (O12): a preview allocates none.
    """

    kind: ProductKind
    lines: list[LineView]
    items_total_cents: int = Field(alias="itemsTotalCents")
    shipping_fee_cents: int = Field(alias="shippingFeeCents")
    total_cents: int = Field(alias="totalCents")


class ProblemView(_View):
    code: str
    message: str
    product_id: str | None = Field(default=None, alias="productId")


class CartView(_View):
    """GET /cart: the lines, the orders they will become with their money, and everything that stops checkout."""

    lines: list[CartLineView]
    orders: list[PreviewOrderView]
    order_count: int = Field(alias="orderCount")
    items_total_cents: int = Field(alias="itemsTotalCents")
    shipping_fee_cents: int = Field(alias="shippingFeeCents")
    grand_total_cents: int = Field(alias="grandTotalCents")
    problems: list[ProblemView]
    ready_for_checkout: bool = Field(alias="readyForCheckout")
    country: str | None = None
    expires_at: str | None = Field(default=None, alias="expiresAt")
    notice: str | None = None


def review(
    cart: Cart, catalogue: Mapping[str, Product], country: str | None, now: datetime, notice: str | None = None
) -> CartView:
    """C3: the cart as checkout would see it now, by checkout's own rules (O1-O7)."""
    lines = cart.lines()
    destination = Country(country) if country else None
    problems = cart_problems(lines, catalogue, destination, now)
    groups = order_groups(lines, catalogue)
    return CartView(
        lines=[_line_view(item, catalogue.get(item.product_id), now) for item in cart.items],
        orders=[_order_view(group) for group in groups],
        order_count=len(groups),
        items_total_cents=sum(group.items_total_cents for group in groups),
        shipping_fee_cents=sum(group.shipping_fee_cents for group in groups),
        grand_total_cents=sum(group.total_cents for group in groups),
        problems=[ProblemView.model_validate(problem.to_body()) for problem in problems],
        ready_for_checkout=not problems,
        country=country,
        expires_at=iso(cart.expires_at) if cart.items and cart.expires_at else None,
        notice=notice,
    )


def _line_view(item: CartItem, product: Product | None, now: datetime) -> CartLineView:
    view = CartLineView(
        product_id=item.product_id,
        quantity=item.quantity,
        added_at=iso(item.added_at),
        stock_state=stock_state(product, item.quantity, now),
    )
    if product is None:
        return view
    return view.model_copy(
        update={
            "name": product.name,
            "kind": product.kind,
            "unit_price_cents": product.unit_price_cents,
            "line_total_cents": product.unit_price_cents * item.quantity,
            "release_date": product.release_date,
            "preorder_closes_at": iso(product.preorder_closes_at) if product.preorder_closes_at else None,
            "reservation_limit": product.reservation_limit,
            "stock": product.stock,
        }
    )


def _order_view(group: OrderGroup) -> PreviewOrderView:
    return PreviewOrderView(
        kind=group.kind,
        lines=[
            LineView(
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                line_total_cents=line.line_total_cents,
                release_date=line.release_date,
            )
            for line in group.lines
        ],
        items_total_cents=group.items_total_cents,
        shipping_fee_cents=group.shipping_fee_cents,
        total_cents=group.total_cents,
    )
