"""Bad input gets a clear 4xx naming what is wrong, never a 500, and writes nothing."""

from __future__ import annotations

import json

from tests.support.builders import cart, preorder
from tests.support.shop import Member, Shop, checkout, orders_in_table


def test_a_body_sent_as_plain_text_is_a_415(shop: Shop, alice: Member) -> None:
    shop.add_product(preorder("miku-2027"))

    answer = shop.call(
        "POST",
        "/checkout",
        json.dumps(cart(("miku-2027", 1))),
        member=alice,
        headers={"Idempotency-Key": "k", "Content-Type": "text/plain"},
    )

    assert answer.status == 415
    assert "Content-Type: application/json" in answer.body["message"]
    assert orders_in_table(shop) == []


def test_a_json_content_type_with_a_charset_is_accepted(shop: Shop, alice: Member) -> None:
    shop.add_product(preorder("miku-2027"))

    answer = shop.call(
        "POST",
        "/checkout",
        json.dumps(cart(("miku-2027", 1))),
        member=alice,
        headers={"Idempotency-Key": "k", "Content-Type": "application/json; charset=utf-8"},
    )

    assert answer.status == 201


def test_an_oversized_body_is_a_413(shop: Shop) -> None:
    body = {"email": "a@example.com", "password": "x" * 100_000, "name": "A", "acceptTerms": True, "termsVersion": "1"}

    answer = shop.call("POST", "/members", body)

    assert answer.status == 413


def test_a_negative_quantity_is_refused_naming_the_field(shop: Shop, alice: Member) -> None:
    answer = checkout(shop, alice, cart(("miku-2027", -1)))

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "items.0.quantity"


def test_a_fractional_quantity_is_refused(shop: Shop, alice: Member) -> None:
    answer = checkout(shop, alice, cart(("miku-2027", 1)) | {"items": [{"productId": "miku-2027", "quantity": 1.5}]})

    assert answer.status == 422


def test_a_price_sent_by_the_client_is_ignored_for_the_catalogues(shop: Shop, alice: Member) -> None:
    # rule C1: the catalogue's price is the truth
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    body = cart(("miku-2027", 1))
    body["items"][0]["unitPriceCents"] = 1

    answer = checkout(shop, alice, body)

    assert answer.status == 201
    assert answer.body["orders"][0]["itemsTotalCents"] == 15_000


def test_a_claimed_price_does_not_make_a_retry_another_checkout(shop: Shop, alice: Member) -> None:
    # rule O8: the same cart is the same cart, whatever price the page showed
    shop.add_product(preorder("miku-2027"))
    first = checkout(shop, alice, cart(("miku-2027", 1)), key="same")
    body = cart(("miku-2027", 1))
    body["items"][0]["unitPriceCents"] = 99

    again = checkout(shop, alice, body, key="same")

    assert again.body == first.body


def test_an_empty_cart_is_refused_naming_the_field(shop: Shop, alice: Member) -> None:
    answer = checkout(shop, alice, cart())

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "items"


def test_a_country_that_is_not_a_code_is_refused_naming_the_field(shop: Shop, alice: Member) -> None:
    body = cart(("miku-2027", 1))
    body["shippingAddress"]["country"] = "France"

    answer = checkout(shop, alice, body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingAddress.country"


def test_a_body_that_is_a_json_list_is_refused(shop: Shop, alice: Member) -> None:
    answer = checkout(shop, alice, [1, 2, 3])  # type: ignore[arg-type]

    assert answer.status == 422


def test_a_control_character_in_an_address_is_refused_naming_the_field(shop: Shop, alice: Member) -> None:
    body = cart(("miku-2027", 1))
    body["shippingAddress"]["name"] = "Alice\u0000Martin"

    answer = checkout(shop, alice, body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingAddress.name"
