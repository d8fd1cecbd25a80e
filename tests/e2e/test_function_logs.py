"""Every log line of the local shop says which function wrote it, while many functions run at once."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from local.template import load
from tests.e2e.support import PASSWORD, cart, new_member, new_product

REQUESTS = 30


def services() -> dict[str, str]:
    """Each function's service name, as template.yaml sets it (POWERTOOLS_SERVICE_NAME)."""
    return {name: spec.environment["POWERTOOLS_SERVICE_NAME"] for name, spec in load().functions().items()}


def log_records(log: Path, start: int) -> list[dict[str, Any]]:
    """The functions' log lines the shop wrote after `start` (not its metrics, not its own messages)."""
    with log.open() as lines:
        lines.seek(start)
        records = [json.loads(line) for line in lines if line.startswith("{")]
    return [record for record in records if "_aws" not in record]


def a_mixed_load(shop: ShopClient, staff_token: str) -> list[Callable[[], Any]]:
    """Calls of many functions: signups, the catalogue, checkouts, My Account, staff, the schedules."""
    product = new_product(shop, staff_token, stock=REQUESTS)["productId"]
    tokens = [token for _, token in (new_member(shop, "logged") for _ in range(4))]
    cards = {token: shop.save_card(token) for token in tokens}
    calls: list[Callable[[], Any]] = []
    for index in range(REQUESTS):
        token = tokens[index % len(tokens)]
        signup = {
            "email": f"logged.{uuid.uuid4().hex[:10]}@example.com",
            "password": PASSWORD,
            "name": "Logged",
            "acceptTerms": True,
            "termsVersion": "1",
        }
        calls += [
            partial(call, shop, "POST", "/members", signup),
            partial(call, shop, "GET", f"/products/{product}"),
            partial(call, shop, "GET", "/orders", token=token),
            partial(
                call,
                shop,
                "POST",
                "/checkout",
                cart((product, 1), card=cards[token]),
                token=token,
                key=str(uuid.uuid4()),
            ),
            partial(call, shop, "PATCH", f"/admin/products/{product}", {"name": f"Logged {index}"}, token=staff_token),
        ]
        if index % 10 == 0:
            calls.append(ShopClient(shop.url).run_schedules)
    random.shuffle(calls)
    return calls


def call(shop: ShopClient, method: str, path: str, body: Any = None, *, token: str | None = None, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return ShopClient(shop.url).call(method, path, body, token=token, headers=headers)


def test_every_line_names_the_function_that_wrote_it_under_concurrent_load(
    shop_of_its_own: tuple[ShopClient, Path],
) -> None:
    # given many functions' calls, in no particular order, on a shop of the test's own (it loads it heavily)
    shop, output = shop_of_its_own
    calls = a_mixed_load(shop, shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD))
    start = output.stat().st_size

    # when sixteen callers make them at once (with the outbox, queues and events delivered meanwhile)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda request: request(), calls))
    shop.wait_for_mail(new_member(shop, "last")[0], "Welcome")

    # then every line carries its own function's name and service
    records = log_records(output, start)
    written_by = {record.get("function_name") for record in records}
    assert len(written_by) >= 5, written_by
    assert [record for record in records if record.get("service") != services().get(record.get("function_name"))] == []
