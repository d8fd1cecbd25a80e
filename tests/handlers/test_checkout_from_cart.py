"""POST /checkout without items checks out the member's saved cart (rule C3), with checkout's idempotency (O8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.handlers.test_cart import add, between_read_and_write, quantities, view
from tests.support.builders import address_fields, cart, in_stock, preorder
from tests.support.shop import Answer, Member, Shop, checkout, orders_in_table, outbox_entries
from tests.support.stripe import VISA


def saved_cart_checkout(shop: Shop, member: Member, key: str = "cart-key-1", country: str = "FR") -> Answer:
    body: dict[str, Any] = {
        "shippingAddress": address_fields(country),
        "billingAddress": address_fields(country),
        "paymentMethodId": VISA,
    }
    return checkout(shop, member, body, key=key)


def test_the_saved_cart_becomes_its_orders_and_its_ordered_lines_leave_it(shop: Shop, alice: Member) -> None:
    # rule C3, rule O3, rule O4
    shop.add_product(preorder("miku-2027"))
    shop.add_product(preorder("rin-2027"))
    shop.add_product(in_stock("nendo-1", stock=10))
    add(shop, alice, "miku-2027")
    add(shop, alice, "rin-2027", 2)
    add(shop, alice, "nendo-1", 3)

    answer = saved_cart_checkout(shop, alice)

    assert answer.status == 201
    ordered = sorted((line["productId"], line["quantity"]) for o in answer.body["orders"] for line in o["lines"])
    assert ordered == [("miku-2027", 1), ("nendo-1", 3), ("rin-2027", 2)]
    assert len(answer.body["orders"]) == 3
    assert quantities(view(shop, alice)) == {}
    assert shop.product("nendo-1").stock == 7


def test_the_cart_shows_the_orders_checkout_then_places_with_the_same_money(shop: Shop, alice: Member) -> None:
    # rule C3, rule O5, rule O9: the preview is the plan
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    shop.add_product(in_stock("nendo-1", unitPriceCents=5_500))
    add(shop, alice, "miku-2027")
    add(shop, alice, "nendo-1", 2)
    preview = view(shop, alice, country="FR").body

    placed = saved_cart_checkout(shop, alice).body

    def money(orders: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
        return sorted((o["kind"], o["shippingFeeCents"], o["totalCents"]) for o in orders)

    assert money(preview["orders"]) == money(placed["orders"])
    assert preview["grandTotalCents"] == placed["grandTotalCents"]


def test_the_saved_cart_submitted_twice_with_one_key_is_one_checkout(shop: Shop, alice: Member) -> None:
    # rule C3, rule O8
    shop.add_product(preorder("miku-2027"))
    shop.add_product(in_stock("nendo-1"))
    add(shop, alice, "miku-2027")
    add(shop, alice, "nendo-1")

    first = saved_cart_checkout(shop, alice, key="same-key")
    second = saved_cart_checkout(shop, alice, key="same-key")

    assert (first.status, second.status) == (201, 201)
    assert second.body == first.body
    assert len(orders_in_table(shop)) == 2
    assert len(outbox_entries(shop)) == 2


def test_an_empty_saved_cart_is_refused(shop: Shop, alice: Member) -> None:
    # rule C3
    answer = saved_cart_checkout(shop, alice)

    assert answer.status == 422
    assert [problem["code"] for problem in answer.body["problems"]] == ["EMPTY_CART"]


def test_a_preorder_that_closed_while_in_the_cart_is_refused_and_stays_in_the_cart(shop: Shop, alice: Member) -> None:
    # rule C3, rule O7
    shop.add_product(preorder("miku-2027", name="Hatsune Miku Winter", preorderClosesAt=shop.now() + timedelta(days=1)))
    add(shop, alice, "miku-2027")
    shop.clock.advance(timedelta(days=2))

    answer = saved_cart_checkout(shop, alice)

    assert answer.status == 422
    assert answer.body["problems"] == [
        {
            "code": "PREORDER_CLOSED",
            "message": "Pre-orders for Hatsune Miku Winter are closed.",
            "productId": "miku-2027",
        }
    ]
    assert orders_in_table(shop) == []
    assert quantities(view(shop, alice)) == {"miku-2027": 1}


def test_a_saved_cart_refused_for_the_address_names_the_product(shop: Shop, alice: Member) -> None:
    # rule C3, rule O2
    shop.add_product(preorder("rin-2027", blockedRegions=["US"]))
    add(shop, alice, "rin-2027")

    answer = saved_cart_checkout(shop, alice, country="US")

    assert answer.status == 422
    assert [(p["code"], p["productId"]) for p in answer.body["problems"]] == [("LICENCE_BLOCKED", "rin-2027")]


def test_a_line_changed_on_another_device_during_checkout_orders_nothing(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule C3, rule O7: what is ordered is what the cart held
    shop.add_product(in_stock("nendo-1", stock=10))
    add(shop, alice, "nendo-1", 1)
    between_read_and_write(monkeypatch, lambda: add(shop, alice, "nendo-1", 1))

    answer = saved_cart_checkout(shop, alice)

    assert answer.status == 409
    assert answer.body["code"] == "CART_CHANGED"
    assert orders_in_table(shop) == []
    assert shop.product("nendo-1").stock == 10
    assert quantities(view(shop, alice)) == {"nendo-1": 2}


def test_after_a_cart_changed_refusal_the_same_key_checks_out_the_cart_as_it_is(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule C3, rule O8: a refused checkout is not remembered
    shop.add_product(in_stock("nendo-1", stock=10))
    add(shop, alice, "nendo-1", 1)
    between_read_and_write(monkeypatch, lambda: add(shop, alice, "nendo-1", 1))
    saved_cart_checkout(shop, alice, key="retry-key")
    monkeypatch.undo()

    answer = saved_cart_checkout(shop, alice, key="retry-key")

    assert answer.status == 201
    assert answer.body["orders"][0]["lines"][0]["quantity"] == 2


def test_a_line_added_on_another_device_during_checkout_stays_in_the_cart(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule C3: a placed checkout removes only the lines it ordered
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1")
    between_read_and_write(monkeypatch, lambda: add(shop, alice, "miku-2027"))

    answer = saved_cart_checkout(shop, alice)

    assert answer.status == 201
    assert [line["productId"] for o in answer.body["orders"] for line in o["lines"]] == ["nendo-1"]
    assert quantities(view(shop, alice)) == {"miku-2027": 1}


def test_a_checkout_that_lists_its_items_leaves_the_saved_cart_alone(shop: Shop, alice: Member) -> None:
    # rule C3: the front end's own list is not the saved cart
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1", 2)

    answer = checkout(shop, alice, cart(("miku-2027", 1)))

    assert answer.status == 201
    assert quantities(view(shop, alice)) == {"nendo-1": 2}


def test_the_cart_checked_out_on_two_devices_at_once_is_ordered_once(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule C3, rule O8: two keys, one cart
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "miku-2027")
    laptop = between_read_and_write(monkeypatch, lambda: saved_cart_checkout(shop, alice, key="laptop"))

    phone = saved_cart_checkout(shop, alice, key="phone")

    assert (laptop[0].status, phone.status) == (201, 409)
    assert phone.body["code"] == "CART_CHANGED"
    assert len(orders_in_table(shop)) == 1
