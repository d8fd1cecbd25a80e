"""The guide's "Add to Cart", "Cart", "Proceed to purchase" over HTTP, against the local stack (rule C3)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from local.client import ShopClient
from tests.e2e.support import ADDRESS, new_member, new_product

CLOSES = "2030-01-01T00:00:00Z"


def test_a_cart_shows_three_orders_and_54_dollars_shipping_then_checks_out_and_empties(
    local_shop: ShopClient, staff_token: str
) -> None:
    # rule C3, rule O3, rule O4, rule O5
    # given two pre-orders and two in-stock figures in the cart, filled on two devices
    email, token = new_member(local_shop, "carter")
    miku = new_product(local_shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt=CLOSES)
    rin = new_product(local_shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt=CLOSES)
    saber = new_product(local_shop, staff_token, stock=10)
    link = new_product(local_shop, staff_token, stock=10)
    phone, laptop = ShopClient(local_shop.url), ShopClient(local_shop.url)
    for client, product, quantity in [(phone, miku, 1), (laptop, rin, 1), (phone, saber, 2), (laptop, link, 1)]:
        added = client.call(
            "POST", "/cart/items", {"productId": product["productId"], "quantity": quantity}, token=token
        )
        assert added.status == 200, added

    # when the member looks at the cart before confirming
    shown = phone.call("GET", "/cart?country=FR", token=token)

    # then three order numbers, $18 shipping each, and nothing in the way
    assert shown.status == 200, shown
    assert shown.body["orderCount"] == 3
    assert [order["shippingFeeCents"] for order in shown.body["orders"]] == [1_800, 1_800, 1_800]
    assert shown.body["shippingFeeCents"] == 5_400
    assert shown.body["problems"] == []

    # when the member proceeds to purchase the saved cart
    placed = laptop.call(
        "POST",
        "/checkout",
        {"shippingAddress": ADDRESS, "billingAddress": ADDRESS, "paymentMethodId": laptop.save_card(token)},
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )

    # then the orders are the ones shown, and the cart is empty on every device
    assert placed.status == 201, placed
    assert len(placed.body["orders"]) == 3
    assert placed.body["grandTotalCents"] == shown.body["grandTotalCents"]
    assert phone.call("GET", "/cart", token=token).body["lines"] == []
    for order in placed.body["orders"]:
        local_shop.wait_for_mail(email, f"Order confirmation {order['orderNumber']}")


def test_devices_adding_at_the_same_moment_lose_no_line(local_shop: ShopClient, staff_token: str) -> None:
    # rule C3: eight products, and two more of one of them, from as many requests at once
    _, token = new_member(local_shop, "racer")
    products = [new_product(local_shop, staff_token, stock=20) for _ in range(8)]
    popular = products[0]["productId"]
    requests = [(p["productId"], 1) for p in products] + [(popular, 1)] * 2

    def add(request: tuple[str, int]) -> int:
        product_id, quantity = request
        reply = ShopClient(local_shop.url).call(
            "POST", "/cart/items", {"productId": product_id, "quantity": quantity}, token=token
        )
        return reply.status

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        statuses = list(pool.map(add, requests))

    assert statuses == [200] * len(requests)
    lines = {line["productId"]: line["quantity"] for line in local_shop.call("GET", "/cart", token=token).body["lines"]}
    assert lines == {p["productId"]: 3 if p["productId"] == popular else 1 for p in products}
