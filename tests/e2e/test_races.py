"""Expiry racing re-settlement over HTTP (rule L6), in rounds with randomised timing.

Each round: orders whose payment failed, the shop's clock moved to a second before their deadline,
then members re-settling at random moments while the schedule runs over and over across the deadline.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest

from local.client import ShopClient
from tests.e2e.support import cart, new_member, new_product
from tests.support.stripe import DECLINED_AT_CHARGE

ROUNDS = 3
ORDERS_PER_ROUND = 6
RACE_SECONDS = 3.0


def failed_orders(shop: ShopClient, staff_token: str, token: str) -> list[str]:
    products = [
        new_product(shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt="2030-01-01T00:00:00Z")
        for _ in range(ORDERS_PER_ROUND)
    ]
    placed = shop.call(
        "POST",
        "/checkout",
        cart(*((p["productId"], 1) for p in products), card=shop.save_card(token, DECLINED_AT_CHARGE)),
        token=token,
        headers={"Idempotency-Key": str(random.random())},
    )
    assert placed.status == 201, placed
    numbers = [order["orderNumber"] for order in placed.body["orders"]]
    for number in numbers:
        reply = shop.call(
            "POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2030-06-01"}, token=staff_token
        )
        assert reply.status == 202, reply
    for number in numbers:
        shop.wait_for_state(number, token, "PAYMENT_FAILED")
    return numbers


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_resettled_order_is_never_cancelled_and_a_cancelled_one_never_charged(
    local_shop: ShopClient, staff_token: str, round_number: int
) -> None:
    # rule L5, rule L6
    rng = random.Random(round_number)
    _, token = new_member(local_shop, f"racer{round_number}")
    numbers = failed_orders(local_shop, staff_token, token)
    deadlines = [datetime.fromisoformat(local_shop.order(n, token)["resettlementDeadline"]) for n in numbers]
    now = datetime.fromisoformat(ShopClient(local_shop.url).config["now"])
    local_shop.advance_clock(f"{int((min(deadlines) - now).total_seconds()) - 1}s")
    replies: dict[str, Any] = {}
    new_cards = dict(zip(numbers, (local_shop.save_card(token) for _ in numbers), strict=True))
    stop = threading.Event()

    def schedule_keeps_running() -> None:
        while not stop.is_set():
            ShopClient(local_shop.url).run_schedules()
            time.sleep(rng.uniform(0.01, 0.2))

    def member_resettles(number: str) -> None:
        time.sleep(rng.uniform(0, RACE_SECONDS))
        client = ShopClient(local_shop.url)
        replies[number] = client.call(
            "POST", f"/orders/{number}/resettlement", {"paymentMethodId": new_cards[number]}, token=token
        )

    scheduler = threading.Thread(target=schedule_keeps_running)
    scheduler.start()
    with ThreadPoolExecutor(max_workers=ORDERS_PER_ROUND) as pool:
        list(pool.map(member_resettles, numbers))
    stop.set()
    scheduler.join()
    local_shop.advance_clock("1s")
    local_shop.run_schedules()

    for number in numbers:
        reply = replies[number]
        if reply.status == 202:
            final = local_shop.wait_for_state(number, token, "PAID")
        else:
            assert reply.status == 409, reply
            final = local_shop.wait_for_state(number, token, "CANCELLED")
        assert final["state"] in {"PAID", "CANCELLED"}
    time.sleep(0.5)
    states = {number: local_shop.order(number, token)["state"] for number in numbers}
    resettled = {n for n in numbers if replies[n].status == 202}
    assert all(states[n] == "PAID" for n in resettled)
    assert all(states[n] == "CANCELLED" for n in set(numbers) - resettled)
    print(f"round {round_number}: {len(resettled)} re-settled and paid, {len(numbers) - len(resettled)} cancelled")
