"""The member's cart through API Gateway events (rule C3), against the tables built from template.yaml."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from shop.cart import CART_IDLE_EXPIRY
from shop.catalogue import ProductChanges
from shop_aws.dynamodb import carts
from shop_aws.dynamodb import products as product_store
from tests.support.builders import CLOSES, in_stock, preorder
from tests.support.orders import signed_up
from tests.support.shop import Answer, Member, Shop


def add(shop: Shop, member: Member, product_id: str, quantity: int = 1) -> Answer:
    return shop.call("POST", "/cart/items", {"productId": product_id, "quantity": quantity}, member=member)


def put(shop: Shop, member: Member, product_id: str, quantity: int) -> Answer:
    return shop.call("PUT", f"/cart/items/{product_id}", {"quantity": quantity}, member=member)


def view(shop: Shop, member: Member, country: str | None = None) -> Answer:
    return shop.call("GET", "/cart", member=member, query={"country": country} if country else None)


def quantities(answer: Answer) -> dict[str, int]:
    return {line["productId"]: line["quantity"] for line in answer.body["lines"]}


def problem_codes(answer: Answer) -> list[tuple[str, str | None]]:
    return sorted((problem["code"], problem.get("productId")) for problem in answer.body["problems"])


def change_product(product_id: str, **changes: Any) -> None:
    product, version = product_store.require_product(product_id)
    product_store.replace_product(ProductChanges.model_validate(changes).apply_to(product), version)


# ---------------------------------------------------------------- adding and setting


def test_adding_a_product_already_in_the_cart_raises_its_quantity(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1", reservationLimit=5))
    add(shop, alice, "nendo-1", 1)

    answer = add(shop, alice, "nendo-1", 2)

    assert answer.status == 200
    assert quantities(answer) == {"nendo-1": 3}
    assert answer.body["notice"] is None


def test_adding_past_the_limit_stops_at_the_limit_and_says_so(shop: Shop, alice: Member) -> None:
    # rule C3, rule O6
    shop.add_product(preorder("miku-2027", name="Hatsune Miku Winter", reservationLimit=3))
    add(shop, alice, "miku-2027", 2)

    answer = add(shop, alice, "miku-2027", 2)

    assert answer.status == 200
    assert quantities(answer) == {"miku-2027": 3}
    assert answer.body["notice"] == "Hatsune Miku Winter is limited to 3 per order; your cart holds 3, not 4."


def test_setting_a_quantity_replaces_the_one_in_the_cart(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    add(shop, alice, "nendo-1", 4)

    answer = put(shop, alice, "nendo-1", 2)

    assert quantities(answer) == {"nendo-1": 2}


def test_setting_a_quantity_over_the_limit_is_refused_naming_the_product_and_the_limit(
    shop: Shop, alice: Member
) -> None:
    # rule C3, rule O6
    shop.add_product(preorder("miku-2027", name="Hatsune Miku Winter", reservationLimit=2))

    answer = put(shop, alice, "miku-2027", 3)

    assert answer.status == 422
    assert answer.body["code"] == "CART_REFUSED"
    assert answer.body["problems"] == [
        {
            "code": "OVER_RESERVATION_LIMIT",
            "message": "Hatsune Miku Winter is limited to 2 per order; 3 were asked for.",
            "productId": "miku-2027",
        }
    ]
    assert quantities(view(shop, alice)) == {}


def test_a_line_for_an_unknown_product_is_a_404_naming_it(shop: Shop, alice: Member) -> None:
    # rule C3
    added = add(shop, alice, "no-such-figure")
    set_ = put(shop, alice, "no-such-figure", 1)

    assert (added.status, added.body["productId"]) == (404, "no-such-figure")
    assert (set_.status, set_.body["productId"]) == (404, "no-such-figure")
    assert quantities(view(shop, alice)) == {}


def test_a_closed_preorder_is_not_put_in_the_cart(shop: Shop, alice: Member) -> None:
    # rule C3, rule O7: pre-orders close at their closing time
    shop.add_product(preorder("miku-2027"))
    shop.clock.set(CLOSES)

    answer = add(shop, alice, "miku-2027")

    assert answer.status == 422
    assert [problem["code"] for problem in answer.body["problems"]] == ["PREORDER_CLOSED"]


def test_a_quantity_that_is_not_a_whole_positive_number_is_refused_naming_the_field(shop: Shop, alice: Member) -> None:
    shop.add_product(in_stock("nendo-1"))

    answer = put(shop, alice, "nendo-1", 0)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "quantity"


def test_a_cart_holds_at_most_twenty_products(shop: Shop, alice: Member) -> None:
    # rule C3, rule O6: what one checkout can take
    for index in range(21):
        shop.add_product(preorder(f"figure-{index}"))
    for index in range(20):
        assert add(shop, alice, f"figure-{index}").status == 200

    answer = add(shop, alice, "figure-20")

    assert answer.status == 422
    assert [problem["code"] for problem in answer.body["problems"]] == ["TOO_MANY_PRODUCTS"]
    assert len(view(shop, alice).body["lines"]) == 20


# ---------------------------------------------------------------- removing


def test_removing_a_line_leaves_the_others(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1")
    add(shop, alice, "miku-2027")

    answer = shop.call("DELETE", "/cart/items/nendo-1", member=alice)

    assert answer.status == 200
    assert quantities(answer) == {"miku-2027": 1}


def test_emptying_the_cart_removes_every_line(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1")
    add(shop, alice, "miku-2027")

    answer = shop.call("DELETE", "/cart", member=alice)

    assert answer.status == 200
    assert answer.body["lines"] == []
    assert quantities(view(shop, alice)) == {}


# ---------------------------------------------------------------- what the cart shows


def test_each_line_shows_the_products_current_name_price_kind_dates_and_stock(shop: Shop, alice: Member) -> None:
    # rule C3: current, not as it was when added
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000, releaseDate="2027-03"))
    shop.add_product(in_stock("nendo-1", stock=4))
    add(shop, alice, "miku-2027", 2)
    add(shop, alice, "nendo-1", 5)
    change_product("miku-2027", name="Hatsune Miku Winter (revised)", unitPriceCents=16_500)

    answer = view(shop, alice)

    miku, nendo = answer.body["lines"]
    assert {key: miku[key] for key in ("name", "kind", "unitPriceCents", "lineTotalCents", "releaseDate")} == {
        "name": "Hatsune Miku Winter (revised)",
        "kind": "PREORDER",
        "unitPriceCents": 16_500,
        "lineTotalCents": 33_000,
        "releaseDate": "2027-03",
    }
    assert (miku["preorderClosesAt"], miku["stockState"]) == ("2027-01-31T15:00:00.000Z", "PREORDER_OPEN")
    assert (nendo["kind"], nendo["stock"], nendo["stockState"]) == ("IN_STOCK", 4, "NOT_ENOUGH_STOCK")


def test_the_cart_shows_one_order_per_preorder_and_one_for_the_in_stock_items_at_18_dollars_each(
    shop: Shop, alice: Member
) -> None:
    # rule C3, rule O3, rule O4, rule O5
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    shop.add_product(preorder("rin-2027", unitPriceCents=20_000))
    shop.add_product(in_stock("nendo-1", unitPriceCents=5_500))
    shop.add_product(in_stock("nendo-2", unitPriceCents=4_000))
    for product_id in ("miku-2027", "rin-2027", "nendo-1", "nendo-2"):
        add(shop, alice, product_id)

    answer = view(shop, alice)

    assert answer.body["orderCount"] == 3
    assert sorted((o["kind"], [line["productId"] for line in o["lines"]]) for o in answer.body["orders"]) == [
        ("IN_STOCK", ["nendo-1", "nendo-2"]),
        ("PREORDER", ["miku-2027"]),
        ("PREORDER", ["rin-2027"]),
    ]
    assert {order["shippingFeeCents"] for order in answer.body["orders"]} == {1_800}
    totals = answer.body["itemsTotalCents"], answer.body["shippingFeeCents"], answer.body["grandTotalCents"]
    assert totals == (44_500, 5_400, 49_900)
    assert answer.body["readyForCheckout"] is True


def test_the_cart_lists_every_problem_that_would_stop_checkout_now(shop: Shop, alice: Member) -> None:
    # rule C3, rule O2, rule O6, rule O7
    shop.add_product(in_stock("nendo-1", stock=5))
    shop.add_product(preorder("miku-2027", reservationLimit=3))
    shop.add_product(preorder("rin-2027", blockedRegions=["US"]))
    shop.add_product(preorder("len-2027", preorderClosesAt=shop.now() + timedelta(hours=1)))
    add(shop, alice, "nendo-1", 2)
    add(shop, alice, "miku-2027", 3)
    add(shop, alice, "rin-2027")
    add(shop, alice, "len-2027")
    change_product("nendo-1", stock=0)
    change_product("miku-2027", reservationLimit=2)
    shop.clock.advance(timedelta(hours=2))

    answer = view(shop, alice, country="US")

    assert problem_codes(answer) == [
        ("LICENCE_BLOCKED", "rin-2027"),
        ("OVER_RESERVATION_LIMIT", "miku-2027"),
        ("PREORDER_CLOSED", "len-2027"),
        ("SOLD_OUT", "nendo-1"),
    ]
    assert answer.body["readyForCheckout"] is False


@pytest.mark.parametrize(("country", "name"), [("JP", "Japan"), ("TW", "Taiwan")])
def test_the_cart_reviewed_for_japan_or_taiwan_says_it_cannot_be_shipped(
    shop: Shop, alice: Member, country: str, name: str
) -> None:
    # rule C3, rule O1
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "miku-2027")

    answer = view(shop, alice, country=country)

    (problem,) = answer.body["problems"]
    assert problem["code"] == "DESTINATION_NOT_SERVED"
    assert name in problem["message"]


def test_without_a_country_the_destination_rules_are_left_out(shop: Shop, alice: Member) -> None:
    # rule C3, rule O2: the address is chosen at checkout
    shop.add_product(preorder("rin-2027", blockedRegions=["US"]))
    add(shop, alice, "rin-2027")

    answer = view(shop, alice)

    assert answer.body["problems"] == []


def test_an_empty_cart_says_it_is_empty(shop: Shop, alice: Member) -> None:
    # rule C3
    answer = view(shop, alice)

    assert answer.status == 200
    assert (answer.body["lines"], answer.body["orderCount"]) == ([], 0)
    assert problem_codes(answer) == [("EMPTY_CART", None)]


# ---------------------------------------------------------------- one cart per member, on every device, for a while


def test_the_cart_is_the_same_on_every_device(shop: Shop, alice: Member) -> None:
    # rule C3: kept on the server, per member
    shop.add_product(preorder("miku-2027"))
    phone = Member(alice.member_id, alice.email)

    add(shop, phone, "miku-2027", 2)

    assert quantities(view(shop, alice)) == {"miku-2027": 2}


def test_another_members_cart_is_their_own(shop: Shop, alice: Member, bob: Member) -> None:
    # rule C3
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "miku-2027")

    answer = view(shop, bob)

    assert answer.body["lines"] == []


def test_a_cart_unchanged_for_the_expiry_period_is_empty(shop: Shop, alice: Member) -> None:
    # rule C3: moto keeps the item (TTL is never applied there); the read path treats it as gone
    shop.add_product(in_stock("nendo-1"))
    add(shop, alice, "nendo-1")
    shop.clock.advance(CART_IDLE_EXPIRY)

    answer = view(shop, alice)

    assert carts.get_cart(alice.member_id) is not None
    assert answer.body["lines"] == []


def test_a_change_keeps_the_whole_cart_for_another_expiry_period(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1")
    shop.clock.advance(CART_IDLE_EXPIRY - timedelta(days=1))
    add(shop, alice, "miku-2027")
    shop.clock.advance(timedelta(days=2))

    answer = view(shop, alice)

    assert quantities(answer) == {"nendo-1": 1, "miku-2027": 1}
    assert answer.body["expiresAt"] == "2027-01-29T09:00:00.000Z"  # 30 days after the last change, on day 29


def test_adding_to_an_expired_cart_starts_a_new_one(shop: Shop, alice: Member) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1", 3)
    shop.clock.advance(CART_IDLE_EXPIRY + timedelta(hours=1))

    answer = add(shop, alice, "miku-2027")

    assert quantities(answer) == {"miku-2027": 1}


def test_the_cart_item_carries_the_tables_ttl_attribute(shop: Shop, alice: Member) -> None:
    # rule C3: DynamoDB deletes it once expired
    shop.add_product(in_stock("nendo-1"))
    add(shop, alice, "nendo-1")
    ttl = shop.session.client("dynamodb").describe_time_to_live(TableName=shop.stack.ref("ShopTable"))

    item = shop.session.client("dynamodb").get_item(
        TableName=shop.stack.ref("ShopTable"), Key=carts.cart_key(alice.member_id)
    )

    attribute = ttl["TimeToLiveDescription"]["AttributeName"]
    assert int(item["Item"][attribute]["N"]) == int((shop.now() + CART_IDLE_EXPIRY).timestamp())


# ---------------------------------------------------------------- two devices at the same moment


def between_read_and_write(monkeypatch, other_device: Callable[[], Answer]) -> list[Answer]:
    """Runs the other device's request right after the next cart read, before that request writes."""
    real_get = carts.get_cart
    answers: list[Answer] = []

    def read_then_let_the_other_device_in(member_id: str) -> Any:
        kept = real_get(member_id)
        if not answers:
            answers.append(Answer(0, None, {}))
            answers[0] = other_device()
        return kept

    monkeypatch.setattr(carts, "get_cart", read_then_let_the_other_device_in)
    return answers


def test_two_devices_adding_different_products_at_once_keep_both_lines(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule C3: no line is lost
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    add(shop, alice, "nendo-1")
    other = between_read_and_write(monkeypatch, lambda: add(shop, alice, "miku-2027"))

    answer = put(shop, alice, "nendo-1", 4)

    assert (answer.status, other[0].status) == (200, 200)
    assert quantities(view(shop, alice)) == {"nendo-1": 4, "miku-2027": 1}


def test_two_devices_starting_a_cart_at_once_keep_both_lines(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(preorder("miku-2027"))
    other = between_read_and_write(monkeypatch, lambda: add(shop, alice, "miku-2027"))

    answer = add(shop, alice, "nendo-1")

    assert (answer.status, other[0].status) == (200, 200)
    assert quantities(view(shop, alice)) == {"nendo-1": 1, "miku-2027": 1}


def test_two_devices_adding_the_same_product_at_once_add_both_quantities(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule C3: the same line is written only over the quantity read
    shop.add_product(in_stock("nendo-1", reservationLimit=5))
    add(shop, alice, "nendo-1", 1)
    other = between_read_and_write(monkeypatch, lambda: add(shop, alice, "nendo-1", 2))

    answer = add(shop, alice, "nendo-1", 1)

    assert (answer.status, other[0].status) == (200, 200)
    assert quantities(view(shop, alice)) == {"nendo-1": 4}


def test_a_line_removed_on_another_device_meanwhile_is_added_again_not_raised(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule C3
    shop.add_product(in_stock("nendo-1", reservationLimit=5))
    add(shop, alice, "nendo-1", 3)
    between_read_and_write(monkeypatch, lambda: shop.call("DELETE", "/cart/items/nendo-1", member=alice))

    add(shop, alice, "nendo-1", 1)

    assert quantities(view(shop, alice)) == {"nendo-1": 1}


def test_a_member_who_withdraws_leaves_no_cart(shop: Shop) -> None:
    # rule C3, rule M5
    member = signed_up(shop, "yuki@example.com", name="Yuki Tanaka")
    shop.add_product(preorder("miku-2027"))
    add(shop, member, "miku-2027")

    assert shop.call("DELETE", "/account", member=member).status == 200

    assert carts.get_cart(member.member_id) is None
