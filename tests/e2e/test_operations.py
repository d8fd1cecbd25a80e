"""Issue 12 against the running local shop: SES's bounce test address seen end to end (rule E1), and the
operator's CLI on the local shop."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

from local.client import ShopClient
from tests.e2e.support import PASSWORD, cart, new_product


def test_a_member_whose_address_bounces_sees_it_on_the_order_and_gets_no_order_email(
    local_shop: ShopClient, staff_token: str
) -> None:
    # rule E1: SES's mailbox simulator address bounces locally as on AWS
    email = f"bounce+{uuid.uuid4().hex[:10]}@simulator.amazonses.com"
    body = {"email": email, "password": PASSWORD, "name": "Bounce", "acceptTerms": True, "termsVersion": "1"}
    assert local_shop.call("POST", "/members", body).status == 201
    token = local_shop.link_in_mail(email, "verify-email")["token"]
    assert local_shop.call("POST", "/members/verification", {"token": token}).status == 200
    member = local_shop.sign_in(email, PASSWORD)
    product = new_product(local_shop, staff_token)

    placed = local_shop.call(
        "POST",
        "/checkout",
        cart((product["productId"], 1), card=local_shop.save_card(member)),
        token=member,
        headers={"Idempotency-Key": email},
    )
    number = placed.body["orders"][0]["orderNumber"]
    deadline = time.monotonic() + 20
    order = local_shop.order(number, member)
    while order.get("emailUndeliverable") is None and time.monotonic() < deadline:
        time.sleep(0.2)
        order = local_shop.order(number, member)
    time.sleep(1)  # the outbox has long had its chance to send the confirmation

    assert placed.status == 201, placed
    assert order["emailUndeliverable"]["address"] == email
    assert order["emailUndeliverable"]["reason"] == "Bounce"
    subjects = [m["subject"] for m in local_shop.mail(email)]
    assert not any(subject.startswith("Order confirmation") for subject in subjects)


def test_the_operators_cli_reads_the_local_shop(local_shop: ShopClient) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI on a loopback port
        [sys.executable, "-m", "ops", "--local", local_shop.url, "dlq", "list", "functions"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert all(json.loads(line) for line in result.stdout.splitlines())
