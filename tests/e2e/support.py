"""Members, products and carts for the end-to-end tests, made through the shop's own API."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from local.client import ShopClient

PASSWORD = "Figure#2027a"
ADDRESS = {"name": "Alice Martin", "line1": "12 rue de Rivoli", "city": "Paris", "postalCode": "75001", "country": "FR"}


def new_member(shop: ShopClient, label: str = "member") -> tuple[str, str]:
    """A signed-up member who verified the address from the emailed link (M7) and signed in: (email, ID token)."""
    email = f"{label}.{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "name": label.title(), "acceptTerms": True, "termsVersion": "1"}
    client = ShopClient(shop.url)
    reply = client.call("POST", "/members", body)
    assert reply.status == 201, reply
    token = client.link_in_mail(email, "verify-email")["token"]
    verified = client.call("POST", "/members/verification", {"token": token})
    assert verified.status == 200, verified
    return email, client.sign_in(email, PASSWORD)


def new_members(shop: ShopClient, count: int, label: str = "member") -> list[tuple[str, str]]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: new_member(shop, label), range(count)))


def new_product(shop: ShopClient, staff_token: str, **changes: Any) -> dict[str, Any]:
    product = {
        "productId": f"figure-{uuid.uuid4().hex[:10]}",
        "name": "Nendoroid Load Test",
        "kind": "IN_STOCK",
        "unitPriceCents": 5_500,
        "releaseDate": "2026-09",
        "reservationLimit": 5,
        "stock": 10,
    } | changes
    reply = shop.call("POST", "/admin/products", product, token=staff_token)
    assert reply.status == 201, reply
    return product


def a_dated_preorder(shop: ShopClient, staff_token: str, token: str, card: str, key: str) -> str:
    """The member's pre-order of the seeded figure, its shipping date confirmed by staff, so it is being charged
    to `card` (L1, P2); returns its number."""
    body = cart(("miku-winter-2027", 1), card=card)
    placed = shop.call("POST", "/checkout", body, token=token, headers={"Idempotency-Key": key})
    assert placed.status == 201, placed
    number = str(placed.body["orders"][0]["orderNumber"])
    dated = shop.call(
        "POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2027-06-20"}, token=staff_token
    )
    assert dated.status == 202, dated
    return number


def cart(*lines: tuple[str, int], card: str) -> dict[str, Any]:
    """A checkout request paid with `card`, a PaymentMethod the member saved (ShopClient.save_card)."""
    return {
        "items": [{"productId": product_id, "quantity": quantity} for product_id, quantity in lines],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentMethodId": card,
    }
