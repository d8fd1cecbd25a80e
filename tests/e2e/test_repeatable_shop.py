"""A repeatable local shop: `make demo` again and again on one running shop, `reset` and `clock reset`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.client import ShopClient, ShopError
from local.seed import STAFF_EMAIL, STAFF_PASSWORD, demo_catalogue
from tests.e2e.conftest import free_port
from tests.e2e.support import PASSWORD, cart, new_member

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def local_shop(shop_of_its_own: tuple[ShopClient, Path]) -> ShopClient:
    """A shop of this module's own: its tests empty it and move its clock."""
    return shop_of_its_own[0]


def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI against the test's loopback shop
        [sys.executable, "-m", "local", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        check=False,
    )


def demo(shop: ShopClient) -> subprocess.CompletedProcess[str]:
    return cli("demo", "--port", shop.url.rsplit(":", 1)[1])


def embedded_aws(shop: ShopClient, service: str) -> Any:
    """A client of the shop's embedded AWS, to look at what the API does not show."""
    return boto3.client(
        service,
        endpoint_url=shop.config["awsEndpoint"],
        region_name=shop.config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def items_in(shop: ShopClient, table: str) -> int:
    return int(embedded_aws(shop, "dynamodb").scan(TableName=table, Select="COUNT")["Count"])


def messages_waiting(shop: ShopClient) -> dict[str, int]:
    sqs = embedded_aws(shop, "sqs")
    counts = {}
    for url in sqs.list_queues()["QueueUrls"]:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        counts[url.rsplit("/", 1)[1]] = sum(int(count) for count in attributes.values())
    return counts


def members(shop: ShopClient) -> list[str]:
    users = embedded_aws(shop, "cognito-idp").list_users(UserPoolId=shop.config["userPoolId"])["Users"]
    return sorted(
        attribute["Value"] for user in users for attribute in user["Attributes"] if attribute["Name"] == "email"
    )


def test_make_demo_passes_three_times_in_a_row_on_one_running_shop(local_shop: ShopClient) -> None:
    runs = [demo(local_shop) for _ in range(3)]

    assert [run.returncode for run in runs] == [0, 0, 0], [run.stdout[-2000:] + run.stderr for run in runs]
    assert all("has shipped" in run.stdout and "My Account lists every email" in run.stdout for run in runs)
    # rule C3, rule S1: each walk previews the cart, empties it by checking out, and is helped by support
    assert all("2 order numbers, shipping $36.00" in run.stdout for run in runs)
    assert all("lines left in the cart: 0" in run.stdout for run in runs)
    assert all("Customer support answered your request SR-" in run.stdout for run in runs)
    walkers = {re.search(r"Alice signs up as (\S+) ", run.stdout).group(1) for run in runs}  # type: ignore[union-attr]
    assert len(walkers) == 3


def test_with_no_shop_running_the_demo_walks_on_one_of_its_own_and_stops_it() -> None:
    api_port, aws_port = free_port(), free_port()

    result = cli("demo", "--port", str(api_port), "--aws-port", str(aws_port))

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert f"No shop runs at port {api_port}: starting one for the walk" in result.stdout
    assert "has shipped" in result.stdout
    with pytest.raises(ShopError, match="no local shop answers"):
        ShopClient(f"http://127.0.0.1:{api_port}").config  # noqa: B018 - the walk's shop has stopped


def test_the_demo_leaves_the_rest_of_the_shop_as_it_was(local_shop: ShopClient) -> None:
    # given a member of the user's own with an order from the seeded catalogue
    email, token = new_member(local_shop, "owner")
    placed = local_shop.call(
        "POST",
        "/checkout",
        cart(("nendoroid-saber", 1), card=local_shop.save_card(token)),
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    number = placed.body["orders"][0]["orderNumber"]
    local_shop.wait_for_mail(email, f"Order confirmation {number}")
    seeded = [product.product_id for product in demo_catalogue(datetime.now(UTC))]
    catalogue = [local_shop.call("GET", f"/products/{product}").body for product in seeded]
    order = local_shop.order(number, token)
    mail = local_shop.mail(email)

    # when
    result = demo(local_shop)

    # then
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert local_shop.order(number, token) == order
    assert local_shop.mail(email) == mail
    assert [local_shop.call("GET", f"/products/{product}").body for product in seeded] == catalogue


def test_reset_leaves_nothing_but_the_seed_data_and_the_real_time(local_shop: ShopClient) -> None:
    # given a shop lived in: members, orders, emails, idempotency records, a moved clock, a parked message
    assert demo(local_shop).returncode == 0
    sqs = embedded_aws(local_shop, "sqs")
    parked = sqs.get_queue_url(QueueName="PaymentEventsDeadLetterQueue")["QueueUrl"]
    sqs.send_message(QueueUrl=parked, MessageBody="{}")

    # when
    result = cli("--url", local_shop.url, "reset")

    # then
    assert result.returncode == 0, result.stderr
    assert "The shop is as new" in result.stdout
    seeded = sorted(product.product_id for product in demo_catalogue(datetime.now(UTC)))
    listed = local_shop.call("GET", "/products", headers={}).body["products"]
    assert sorted(product["productId"] for product in listed) == seeded
    assert items_in(local_shop, "ShopTable") == len(seeded)
    assert items_in(local_shop, "IdempotencyTable") == 0
    assert set(messages_waiting(local_shop).values()) == {0}
    assert members(local_shop) == [STAFF_EMAIL]
    assert local_shop.mail() == []
    assert local_shop.control("GET", "/_local/config")["clockOffsetSeconds"] == 0


def test_after_a_reset_the_shop_works_as_new(local_shop: ShopClient) -> None:
    # given a member and her emails, then a reset
    email, _ = new_member(local_shop, "returning")
    local_shop.wait_for_mail(email, "Welcome")
    local_shop.reset()

    # when she signs up again with the same address
    body = {"email": email, "password": PASSWORD, "name": "Returning", "acceptTerms": True, "termsVersion": "1"}
    signed_up = local_shop.call("POST", "/members", body)

    # then she is a new member, welcomed once and asked once to verify the address (rule M7), and nothing
    # from before the reset is delivered again
    assert signed_up.status == 201
    local_shop.wait_for_mail(email, "Welcome")
    local_shop.wait_for_mail(email, "Confirm your email address")
    local_shop.run_schedules()
    assert sorted((mail["subject"], tuple(mail["to"])) for mail in local_shop.mail()) == [
        ("Confirm your email address for Preorder Figure Shop", (email,)),
        ("Welcome to Preorder Figure Shop", (email,)),
    ]
    assert local_shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD)


def test_clock_reset_puts_the_shops_clock_back_to_the_real_time(local_shop: ShopClient) -> None:
    local_shop.advance_clock("7d")

    result = cli("--url", local_shop.url, "clock", "reset")

    assert result.returncode == 0, result.stderr
    assert "offset 0.00 days" in result.stdout
    shop_time = datetime.fromisoformat(local_shop.now())
    assert abs((shop_time - datetime.now(UTC)).total_seconds()) < 60
