"""Products, addresses and carts for handler tests, with the shop's usual values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shop.catalogue import Product, ProductKind

CLOSES = datetime(2027, 1, 31, 15, 0, tzinfo=UTC)


def preorder(product_id: str = "miku-winter-2027", **changes: Any) -> Product:
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


def address(country: str = "FR", **changes: Any) -> dict[str, Any]:
    return {
        "name": "Alice Martin",
        "line1": "12 rue de Rivoli",
        "city": "Paris",
        "postalCode": "75001",
        "country": country,
    } | changes


def cart(*lines: tuple[str, int], country: str = "FR", token: str = "tok_visa_4242") -> dict[str, Any]:
    return {
        "items": [{"productId": product_id, "quantity": quantity} for product_id, quantity in lines],
        "shippingAddress": address(country),
        "billingAddress": address(country),
        "paymentToken": token,
    }
