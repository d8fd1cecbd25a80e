"""Valid products, addresses, carts and orders for every test, with one thing changed where a test says so.

Two sets of usual values, one for each kind of test:
- the rules' unit tests build the layer's objects (snake_case keywords) around NOW, in January 2027,
  with figures such as FIG-1 at 120.00 USD shipped to the United States;
- the handler tests build what the API is sent (camelCase fields) around their START, 1 December 2026,
  with figures such as miku-winter-2027 at 150.00 USD shipped to France.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from shop.catalogue import Product, ProductKind
from shop.checkout import CartLine
from shop.clock import FixedClock
from shop.order_numbers import OrderNumbers
from shop.orders import SHIPPING_FEE_CENTS, Address, Order, OrderLine, OrderState
from tests.support.stripe import VISA

# --- the rules (unit tests) -------------------------------------------------------------------------------

# The moment "now" in every unit test that does not say otherwise.
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
# Pre-orders built here close a month after NOW, so they are open unless a test says otherwise.
CLOSES_AT = NOW + timedelta(days=30)

# A password that meets every M2 rule: lowercase, uppercase, digit, symbol, 12 characters, no space.
STRONG_PASSWORD = "Figure#2027a"


def preorder_product(
    product_id: str = "FIG-1",
    *,
    name: str | None = None,
    unit_price_cents: int = 12_000,
    release_date: str = "2027-06",
    reservation_limit: int = 3,
    preorder_closes_at: datetime = CLOSES_AT,
    blocked_regions: Iterable[str] = (),
) -> Product:
    return Product(
        product_id=product_id,
        name=name if name is not None else f"Figure {product_id}",
        kind=ProductKind.PREORDER,
        unit_price_cents=unit_price_cents,
        release_date=release_date,
        reservation_limit=reservation_limit,
        preorder_closes_at=preorder_closes_at,
        blocked_regions=frozenset(blocked_regions),
    )


def in_stock_product(
    product_id: str = "STK-1",
    *,
    name: str | None = None,
    unit_price_cents: int = 4_500,
    release_date: str = "2026-11-20",
    reservation_limit: int = 5,
    stock: int = 10,
    blocked_regions: Iterable[str] = (),
) -> Product:
    return Product(
        product_id=product_id,
        name=name if name is not None else f"Figure {product_id}",
        kind=ProductKind.IN_STOCK,
        unit_price_cents=unit_price_cents,
        release_date=release_date,
        reservation_limit=reservation_limit,
        stock=stock,
        blocked_regions=frozenset(blocked_regions),
    )


def product_fields(**overrides: Any) -> dict[str, Any]:
    """The camelCase fields of a valid pre-order product, as the API sends them, with overrides."""
    fields: dict[str, Any] = {
        "productId": "FIG-1",
        "name": "Figure FIG-1",
        "kind": "PREORDER",
        "unitPriceCents": 12_000,
        "releaseDate": "2027-06",
        "reservationLimit": 3,
        "preorderClosesAt": CLOSES_AT,
    }
    return fields | overrides


def in_stock_fields(**overrides: Any) -> dict[str, Any]:
    """The camelCase fields of a valid in-stock product, with overrides."""
    fields = product_fields(productId="STK-1", name="Figure STK-1", kind="IN_STOCK", stock=10)
    del fields["preorderClosesAt"]
    return fields | overrides


def catalogue_of(*products: Product) -> dict[str, Product]:
    return {product.product_id: product for product in products}


def address(country: str = "US", *, name: str = "Alex Doe") -> Address:
    return Address(
        name=name,
        line1="1 Main Street",
        city="Springfield",
        region="IL",
        postal_code="62701",
        country=country,
    )


def cart_lines(*lines: tuple[str, int]) -> list[CartLine]:
    """A cart's lines from (product id, quantity) pairs."""
    return [CartLine(product_id=product_id, quantity=quantity) for product_id, quantity in lines]


def order_numbers(at: datetime = NOW) -> OrderNumbers:
    return OrderNumbers(FixedClock(at))


def order_line(
    product_id: str = "FIG-1",
    *,
    name: str | None = None,
    quantity: int = 1,
    unit_price_cents: int = 12_000,
    release_date: str = "2027-06",
) -> OrderLine:
    return OrderLine(
        product_id=product_id,
        name=name if name is not None else f"Figure {product_id}",
        quantity=quantity,
        unit_price_cents=unit_price_cents,
        release_date=release_date,
    )


def order(
    *,
    order_number: str = "0000-0000-0000-0001",
    state: OrderState = OrderState.RESERVED,
    kind: ProductKind = ProductKind.PREORDER,
    lines: Iterable[OrderLine] | None = None,
    shipping_name: str = "Alex Doe",
    email: str = "alex@example.com",
    resettlement_deadline: datetime | None = None,
) -> Order:
    shipping = address(name=shipping_name)
    return Order(
        order_number=order_number,
        member_id="member-1",
        email=email,
        checkout_id="checkout-1",
        kind=kind,
        lines=tuple(lines) if lines is not None else (order_line(),),
        shipping_address=shipping,
        billing_address=shipping,
        payment_token="pm_test_token",
        shipping_fee_cents=SHIPPING_FEE_CENTS,
        state=state,
        created_at=NOW,
        resettlement_deadline=resettlement_deadline,
    )


# --- requests to the functions (handler tests) ------------------------------------------------------------

# The handler tests' pre-orders close at the end of January 2027, two months after their START.
CLOSES = datetime(2027, 1, 31, 15, 0, tzinfo=UTC)


def preorder(product_id: str = "miku-winter-2027", **changes: Any) -> Product:
    """A pre-order product, with changes in the API's camelCase fields."""
    values: dict[str, Any] = {
        "productId": product_id,
        "name": f"Figure {product_id}",
        "kind": ProductKind.PREORDER,
        "unitPriceCents": 15_000,
        "releaseDate": "2027-03",
        "reservationLimit": 3,
        "preorderClosesAt": CLOSES,
    }
    return Product.model_validate(values | changes)


def in_stock(product_id: str = "nendoroid-1234", stock: int = 10, **changes: Any) -> Product:
    """An in-stock product, with changes in the API's camelCase fields."""
    values: dict[str, Any] = {
        "productId": product_id,
        "name": f"Figure {product_id}",
        "kind": ProductKind.IN_STOCK,
        "unitPriceCents": 5_500,
        "releaseDate": "2026-10-01",
        "reservationLimit": 5,
        "stock": stock,
    }
    return Product.model_validate(values | changes)


def address_fields(country: str = "FR", **changes: Any) -> dict[str, Any]:
    """An address as the API is sent it."""
    return {
        "name": "Alice Martin",
        "line1": "12 rue de Rivoli",
        "city": "Paris",
        "postalCode": "75001",
        "country": country,
    } | changes


def cart(*lines: tuple[str, int], country: str = "FR", token: str = VISA) -> dict[str, Any]:
    """A checkout request: the lines from (product id, quantity) pairs, both addresses and the card: a saved
    PaymentMethod's id, or a test card's number that support.shop.checkout saves for the member first."""
    return {
        "items": [{"productId": product_id, "quantity": quantity} for product_id, quantity in lines],
        "shippingAddress": address_fields(country),
        "billingAddress": address_fields(country),
        "paymentMethodId": token,
    }
