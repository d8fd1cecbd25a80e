"""Load and races over real HTTP: a popular figure's launch minute, and members who click twice."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from local.client import Reply, ShopClient
from tests.e2e.support import cart, new_member, new_members, new_product

BUYERS = 50
STOCK = 10
SAME_KEY_SUBMISSIONS = 20


# The races check what is sold, not how fast: fifty checkouts queue behind the embedded AWS, which answers one
# request at a time, so the last may wait well past a person's patience on a slow machine (make bench times it).
PATIENCE = 180


def checkout(shop: ShopClient, token: str, body: dict[str, Any], key: str) -> Reply:
    return ShopClient(shop.url).call(
        "POST", "/checkout", body, token=token, headers={"Idempotency-Key": key}, timeout=PATIENCE
    )


def test_fifty_members_racing_for_ten_units_buy_exactly_ten(local_shop: ShopClient, staff_token: str) -> None:
    # rule O7: never oversold, even under concurrent checkouts
    # given
    product = new_product(local_shop, staff_token, name="Nendoroid Launch Day", stock=STOCK)
    members = new_members(local_shop, BUYERS, "buyer")
    with ThreadPoolExecutor(max_workers=8) as pool:
        cards = list(pool.map(lambda member: ShopClient(local_shop.url).save_card(member[1]), members))

    # when all of them confirm at once
    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        replies = list(
            pool.map(
                lambda paying: checkout(
                    local_shop, paying[0][1], cart((product["productId"], 1), card=paying[1]), str(uuid.uuid4())
                ),
                zip(members, cards, strict=True),
            )
        )

    # then
    statuses = sorted(reply.status for reply in replies)
    assert statuses.count(201) == STOCK
    refused = [reply for reply in replies if reply.status != 201]
    assert {reply.status for reply in refused} == {422}, [r.body for r in refused if r.status != 422]
    assert all(
        problem["code"] == "SOLD_OUT" and problem["productId"] == product["productId"]
        for reply in refused
        for problem in reply.body["problems"]
    )
    assert all("Nendoroid Launch Day" in reply.body["message"] for reply in refused)
    stock = local_shop.call("GET", f"/products/{product['productId']}").body["stock"]
    assert stock == 0


def test_twenty_submissions_of_one_checkout_place_it_once(local_shop: ShopClient, staff_token: str) -> None:
    # rule O8: confirm once, however often the button is pressed
    product = new_product(local_shop, staff_token, stock=50)
    email, token = new_member(local_shop, "clicker")
    body = cart((product["productId"], 2), card=local_shop.save_card(token))
    key = str(uuid.uuid4())

    with ThreadPoolExecutor(max_workers=SAME_KEY_SUBMISSIONS) as pool:
        replies = list(pool.map(lambda _: checkout(local_shop, token, body, key), range(SAME_KEY_SUBMISSIONS)))

    placed = [reply for reply in replies if reply.status == 201]
    in_progress = [reply for reply in replies if reply.status == 409]
    assert len(placed) + len(in_progress) == SAME_KEY_SUBMISSIONS
    assert all(reply.body["code"] == "IN_PROGRESS" for reply in in_progress)
    assert len({reply.body["checkoutId"] for reply in placed}) == 1
    # a retry of an in-progress answer gets the very same result
    retried = checkout(local_shop, token, body, key)
    assert retried.status == 201
    assert retried.body == placed[0].body if placed else retried.status == 201
    stock = local_shop.call("GET", f"/products/{product['productId']}").body["stock"]
    assert stock == 48
    number = retried.body["orders"][0]["orderNumber"]
    confirmation = local_shop.wait_for_mail(email, f"Order confirmation {number}")
    assert [m["subject"] for m in local_shop.mail(email)].count(confirmation["subject"]) == 1


def test_the_same_key_with_another_cart_is_refused_and_writes_nothing(local_shop: ShopClient, staff_token: str) -> None:
    # rule O8
    product = new_product(local_shop, staff_token, stock=20)
    _, token = new_member(local_shop, "reuser")
    key = str(uuid.uuid4())
    card = local_shop.save_card(token)
    assert checkout(local_shop, token, cart((product["productId"], 1), card=card), key).status == 201

    reply = checkout(local_shop, token, cart((product["productId"], 3), card=card), key)

    assert reply.status == 422
    assert reply.body["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert local_shop.call("GET", f"/products/{product['productId']}").body["stock"] == 19
