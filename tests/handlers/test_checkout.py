"""POST /checkout through API Gateway events, against the tables built from template.yaml."""

from __future__ import annotations

import json
from typing import Any

from shop.checkout import SUCCESS_MESSAGE
from shop.orders import PaymentCard
from shop_aws.dynamodb import orders as order_store
from shop_aws.dynamodb import products as product_store
from shop_aws.dynamodb import sent_emails
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import ApiWithoutAws, Member, Shop, checkout, orders_in_table, outbox_entries
from tests.support.stripe import MASTERCARD


def test_a_mixed_cart_gets_one_number_per_preorder_and_one_for_the_in_stock_items(shop: Shop, alice: Member) -> None:
    # rule O3, rule O4
    # given
    shop.add_product(preorder("miku-2027"))
    shop.add_product(preorder("rin-2027"))
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(in_stock("nendo-2"))

    # when
    answer = checkout(shop, alice, cart(("miku-2027", 1), ("rin-2027", 2), ("nendo-1", 1), ("nendo-2", 3)))

    # then
    assert answer.status == 201
    kinds = sorted(
        (order["kind"], tuple(line["productId"] for line in order["lines"])) for order in answer.body["orders"]
    )
    assert kinds == [
        ("IN_STOCK", ("nendo-1", "nendo-2")),
        ("PREORDER", ("miku-2027",)),
        ("PREORDER", ("rin-2027",)),
    ]


def test_the_answer_says_the_order_was_processed_with_every_number_fee_and_total(shop: Shop, alice: Member) -> None:
    # rule O9, rule O5
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    shop.add_product(in_stock("nendo-1", unitPriceCents=5_500))

    answer = checkout(shop, alice, cart(("miku-2027", 1), ("nendo-1", 2)))

    assert answer.body["message"] == SUCCESS_MESSAGE
    totals = sorted((o["itemsTotalCents"], o["shippingFeeCents"], o["totalCents"]) for o in answer.body["orders"])
    assert totals == [(11_000, 1_800, 12_800), (15_000, 1_800, 16_800)]
    assert answer.body["grandTotalCents"] == 29_600


def test_the_same_product_in_another_checkout_gets_another_number(shop: Shop, alice: Member) -> None:
    # rule O3
    shop.add_product(preorder("miku-2027"))

    first = checkout(shop, alice, cart(("miku-2027", 1)), key="first")
    second = checkout(shop, alice, cart(("miku-2027", 1)), key="second")

    assert first.body["orders"][0]["orderNumber"] != second.body["orders"][0]["orderNumber"]


def test_every_order_and_its_addresses_and_payment_token_are_stored(shop: Shop, alice: Member) -> None:
    # rule O13
    shop.add_product(preorder("miku-2027"))

    card = shop.saved_card(alice, MASTERCARD)

    answer = checkout(shop, alice, cart(("miku-2027", 1), token=card))

    order = order_store.get_order(answer.body["orders"][0]["orderNumber"])
    assert order is not None
    assert (order.payment_token, order.payment_card) == (card, PaymentCard(brand="mastercard", last4="4444"))
    assert order.shipping_address.city == "Paris"
    assert order.billing_address.country == "FR"
    assert order.member_id == alice.member_id


def test_one_confirmation_email_is_sent_per_order_number(shop: Shop, alice: Member) -> None:
    # rule O10
    shop.add_product(preorder("miku-2027"))
    shop.add_product(preorder("rin-2027"))
    shop.add_product(in_stock("nendo-1"))
    answer = checkout(shop, alice, cart(("miku-2027", 1), ("rin-2027", 1), ("nendo-1", 1)))

    shop.deliver_outbox()

    subjects = sorted(message.subject for message in shop.emails_to(alice.email))
    numbers = sorted(order["orderNumber"] for order in answer.body["orders"])
    assert subjects == sorted(f"Order confirmation {number}" for number in numbers)


def test_the_confirmation_email_is_recorded_in_the_order_history(shop: Shop, alice: Member) -> None:
    # rule M6
    shop.add_product(preorder("miku-2027"))
    number = checkout(shop, alice, cart(("miku-2027", 1))).body["orders"][0]["orderNumber"]

    shop.deliver_outbox()

    history = sent_emails.email_history(number)
    assert [(entry["subject"], entry["sentAt"]) for entry in history] == [
        (f"Order confirmation {number}", "2026-12-01T09:00:00.000Z")
    ]


def test_in_stock_quantities_are_taken_from_stock(shop: Shop, alice: Member) -> None:
    # rule O7
    shop.add_product(in_stock("nendo-1", stock=10))

    checkout(shop, alice, cart(("nendo-1", 3)))

    assert shop.product("nendo-1").stock == 7


def test_a_shipping_address_in_japan_is_refused_with_a_clear_message(shop: Shop, alice: Member) -> None:
    # rule O1
    shop.add_product(preorder("miku-2027"))

    answer = checkout(shop, alice, cart(("miku-2027", 1), country="JP"))

    assert answer.status == 422
    assert answer.body["problems"][0]["code"] == "DESTINATION_NOT_SERVED"
    assert "Japan" in answer.body["message"]


def test_a_shipping_address_in_taiwan_is_refused(shop: Shop, alice: Member) -> None:
    # rule O1
    shop.add_product(preorder("miku-2027"))

    answer = checkout(shop, alice, cart(("miku-2027", 1), country="TW"))

    assert answer.status == 422
    assert "Taiwan" in answer.body["message"]


def test_a_product_whose_licence_excludes_the_country_is_refused_naming_it(shop: Shop, alice: Member) -> None:
    # rule O2
    shop.add_product(preorder("miku-2027", name="Hatsune Miku Winter", blockedRegions=["FR"]))

    answer = checkout(shop, alice, cart(("miku-2027", 1), country="FR"))

    assert answer.status == 422
    assert answer.body["problems"] == [
        {
            "code": "LICENCE_BLOCKED",
            "message": "Hatsune Miku Winter cannot be shipped to FR because of its licence.",
            "productId": "miku-2027",
        }
    ]


def test_a_quantity_over_the_reservation_limit_is_refused_naming_product_and_limit(shop: Shop, alice: Member) -> None:
    # rule O6
    shop.add_product(preorder("miku-2027", name="Hatsune Miku Winter", reservationLimit=2))

    answer = checkout(shop, alice, cart(("miku-2027", 3)))

    assert answer.status == 422
    assert answer.body["problems"][0]["message"] == "Hatsune Miku Winter is limited to 2 per order; 3 were asked for."


def test_more_than_twenty_distinct_products_are_refused(shop: Shop, alice: Member) -> None:
    # rule O6
    for index in range(21):
        shop.add_product(preorder(f"figure-{index}"))

    answer = checkout(shop, alice, cart(*((f"figure-{index}", 1) for index in range(21))))

    assert answer.status == 422
    assert [problem["code"] for problem in answer.body["problems"]] == ["TOO_MANY_PRODUCTS"]


def test_a_preorder_is_refused_once_it_has_closed(shop: Shop, alice: Member) -> None:
    # rule O7
    shop.add_product(preorder("miku-2027", preorderClosesAt=shop.now()))

    answer = checkout(shop, alice, cart(("miku-2027", 1)))

    assert answer.status == 422
    assert answer.body["problems"][0]["code"] == "PREORDER_CLOSED"


def test_a_product_that_does_not_exist_is_refused_naming_it(shop: Shop, alice: Member) -> None:
    answer = checkout(shop, alice, cart(("no-such-figure", 1)))

    assert answer.status == 422
    assert answer.body["problems"][0] == {
        "code": "UNKNOWN_PRODUCT",
        "message": "There is no product no-such-figure.",
        "productId": "no-such-figure",
    }


def test_a_refused_checkout_writes_nothing(shop: Shop, alice: Member) -> None:
    # rule O7
    shop.add_product(in_stock("nendo-1", stock=5))
    shop.add_product(preorder("miku-2027", blockedRegions=["FR"]))

    checkout(shop, alice, cart(("nendo-1", 1), ("miku-2027", 1)))

    assert orders_in_table(shop) == []
    assert outbox_entries(shop) == []
    assert shop.product("nendo-1").stock == 5


def test_more_than_the_stock_is_refused_as_sold_out(shop: Shop, alice: Member) -> None:
    # rule O7
    shop.add_product(in_stock("nendo-1", name="Nendoroid Rin", stock=1))

    answer = checkout(shop, alice, cart(("nendo-1", 2)))

    assert answer.status == 422
    assert answer.body["problems"][0]["message"] == "Only 1 of Nendoroid Rin left."


def test_two_checkouts_racing_for_the_last_unit_sell_it_once(
    shop: Shop, alice: Member, bob: Member, monkeypatch
) -> None:
    # rule O7
    # given one unit left, and Bob completing his checkout after Alice read the catalogue but before she writes
    shop.add_product(in_stock("nendo-1", name="Nendoroid Rin", stock=1))
    read_catalogue = product_store.get_products
    answers: dict[str, Any] = {}

    def alice_reads_then_bob_buys(product_ids: Any) -> Any:
        seen = read_catalogue(list(product_ids))
        monkeypatch.setattr(product_store, "get_products", read_catalogue)
        answers["bob"] = checkout(shop, bob, cart(("nendo-1", 1)), key="bob")
        return seen

    monkeypatch.setattr(product_store, "get_products", alice_reads_then_bob_buys)

    # when
    answers["alice"] = checkout(shop, alice, cart(("nendo-1", 1)), key="alice")

    # then
    assert answers["bob"].status == 201
    assert answers["alice"].status == 422
    assert answers["alice"].body["problems"] == [
        {"code": "SOLD_OUT", "message": "Nendoroid Rin is sold out.", "productId": "nendo-1"}
    ]
    assert shop.product("nendo-1").stock == 0
    assert len(orders_in_table(shop)) == 1


def test_a_lost_race_writes_none_of_the_checkout(shop: Shop, alice: Member, bob: Member, monkeypatch) -> None:
    # rule O7, rule O11: all or nothing, the pre-order of the same checkout is not placed either
    shop.add_product(in_stock("nendo-1", stock=1))
    shop.add_product(preorder("miku-2027"))
    read_catalogue = product_store.get_products

    def bob_buys_meanwhile(product_ids: Any) -> Any:
        seen = read_catalogue(list(product_ids))
        monkeypatch.setattr(product_store, "get_products", read_catalogue)
        checkout(shop, bob, cart(("nendo-1", 1)), key="bob")
        return seen

    monkeypatch.setattr(product_store, "get_products", bob_buys_meanwhile)

    checkout(shop, alice, cart(("nendo-1", 1), ("miku-2027", 1)), key="alice")

    assert [order["memberId"] for order in orders_in_table(shop)] == [bob.member_id]


def test_submitting_the_same_checkout_twice_returns_the_first_answer_and_writes_nothing_new(
    shop: Shop, alice: Member
) -> None:
    # rule O8
    shop.add_product(preorder("miku-2027"))
    shop.add_product(in_stock("nendo-1", stock=10))
    body = cart(("miku-2027", 1), ("nendo-1", 2))
    first = checkout(shop, alice, body, key="double-click")

    again = checkout(shop, alice, body, key="double-click")

    assert again.status == 201
    assert again.body == first.body
    assert len(orders_in_table(shop)) == 2
    assert len(outbox_entries(shop)) == 2
    assert shop.product("nendo-1").stock == 8


def test_the_same_key_with_another_cart_is_refused_and_writes_nothing(shop: Shop, alice: Member) -> None:
    # rule O8
    shop.add_product(preorder("miku-2027"))
    checkout(shop, alice, cart(("miku-2027", 1)), key="reused")

    answer = checkout(shop, alice, cart(("miku-2027", 2)), key="reused")

    assert answer.status == 422
    assert answer.body["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(orders_in_table(shop)) == 1


def test_the_same_key_from_another_member_is_their_own_checkout(shop: Shop, alice: Member, bob: Member) -> None:
    # rule O8: keys are per member, so one member's key never returns another member's orders
    shop.add_product(preorder("miku-2027"))
    alices = checkout(shop, alice, cart(("miku-2027", 1)), key="same-key")

    bobs = checkout(shop, bob, cart(("miku-2027", 1)), key="same-key")

    assert bobs.status == 201
    assert bobs.body["orders"][0]["orderNumber"] != alices.body["orders"][0]["orderNumber"]


def test_a_refused_checkout_can_be_retried_with_the_same_key_once_fixed(shop: Shop, alice: Member) -> None:
    # rule O8: only a placed checkout is remembered
    shop.add_product(preorder("miku-2027", reservationLimit=1))
    checkout(shop, alice, cart(("miku-2027", 2)), key="retry")

    shop.call("PATCH", "/admin/products/miku-2027", {"reservationLimit": 2}, member=_staff())
    answer = checkout(shop, alice, cart(("miku-2027", 2)), key="retry")

    assert answer.status == 201


def _staff() -> Member:
    return Member(member_id="staff-1", email="staff@preorder-shop.example", staff=True)


def test_checkout_without_an_idempotency_key_is_refused(api: ApiWithoutAws, alice: Member) -> None:
    answer = api.call("POST", "/checkout", cart(("miku-2027", 1)), member=alice)

    assert answer.status == 400
    assert answer.body["field"] == "Idempotency-Key"
    assert api.aws_calls == []


def test_a_zero_quantity_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    answer = checkout(api, alice, cart(("miku-2027", 0)))

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "items.0.quantity"


def test_a_listed_twice_product_is_refused(shop: Shop, alice: Member) -> None:
    shop.add_product(preorder("miku-2027"))

    answer = checkout(shop, alice, cart(("miku-2027", 1), ("miku-2027", 1)))

    assert answer.status == 422
    assert answer.body["problems"][0]["code"] == "DUPLICATE_PRODUCT"


def test_a_missing_shipping_address_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    body = cart(("miku-2027", 1))
    del body["shippingAddress"]

    answer = checkout(api, alice, body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingAddress"


def test_a_json_content_type_with_a_charset_is_accepted(shop: Shop, alice: Member) -> None:
    shop.add_product(preorder("miku-2027"))

    answer = shop.call(
        "POST",
        "/checkout",
        json.dumps(cart(("miku-2027", 1), token=shop.saved_card(alice))),
        member=alice,
        headers={"Idempotency-Key": "k", "Content-Type": "application/json; charset=utf-8"},
    )

    assert answer.status == 201


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
