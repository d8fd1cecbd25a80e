"""What the functions log: never a password, a payment token or a full address; always who wrote it."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from shop_aws import runtime
from tests.handlers.conftest import START
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date
from tests.support.stripe import VISA

PASSWORD = "Secret#Pass2027"
STREET = "221B Baker Street"


def services(shop: Shop) -> dict[str, str]:
    """Each function's service name, as template.yaml gives it (POWERTOOLS_SERVICE_NAME)."""
    return {
        function: environment["POWERTOOLS_SERVICE_NAME"] for function, environment in shop.stack.environments.items()
    }


@contextmanager
def every_function_logging_to(shop: Shop, lines: io.StringIO) -> Iterator[None]:
    """Also write every function's lines to `lines`, as Powertools formats them for CloudWatch."""
    captures = []
    for service in set(services(shop).values()):
        function_logger = runtime.logger_of(service)
        capture = logging.StreamHandler(lines)
        capture.setFormatter(function_logger.registered_formatter)
        function_logger.addHandler(capture)
        captures.append((function_logger, capture))
    try:
        yield
    finally:
        for function_logger, capture in captures:
            function_logger.removeHandler(capture)


def records(lines: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines.splitlines()]


@pytest.fixture
def logged(shop: Shop, alice: Member) -> str:
    """Everything the functions logged during a whole flow."""
    lines = io.StringIO()
    with every_function_logging_to(shop, lines):
        _run_a_whole_flow(shop, alice)
    return lines.getvalue()


def _run_a_whole_flow(shop: Shop, alice: Member) -> None:
    shop.call(
        "POST",
        "/members",
        {
            "email": "logs@example.com",
            "password": PASSWORD,
            "name": "Log Reader",
            "acceptTerms": True,
            "termsVersion": "1",
        },
    )
    shop.call(
        "POST",
        "/members",
        {"email": "weak@example.com", "password": "weak pass", "name": "W", "acceptTerms": True, "termsVersion": "1"},
    )
    shop.add_product(preorder("miku-2027"))
    shop.add_product(in_stock("nendo-1"))
    body = cart(("miku-2027", 1), ("nendo-1", 1), token=VISA)
    body["shippingAddress"]["line1"] = STREET
    body["billingAddress"]["line1"] = STREET
    number = checkout(shop, alice, body).body["orders"][0]["orderNumber"]
    checkout(shop, alice, body | {"shippingAddress": body["shippingAddress"] | {"country": "JP"}}, key="refused")
    confirm_shipping_date(shop, number)
    detail = {"orderNumber": number, "settlementId": f"{number}#1", "reason": "card_declined"}
    shop.invoke("PaymentFailedFunction", shop.payment_event("PaymentFailed", detail))
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(alice)}, member=alice)
    shop.clock.advance(timedelta(days=8))
    shop.invoke("ExpireResettlementsFunction", {})
    shop.deliver_outbox()


def test_the_logs_of_a_whole_flow_were_captured(logged: str) -> None:
    assert "checkout placed" in logged
    assert "re-settlement requested" in logged
    assert "email sent" in logged


def test_no_password_is_logged(logged: str) -> None:
    assert PASSWORD not in logged
    assert "weak pass" not in logged


def test_no_payment_token_is_logged(logged: str) -> None:
    assert "4242424242424242" not in logged


def test_no_street_address_is_logged(logged: str) -> None:
    assert STREET not in logged


def test_every_line_of_a_whole_flow_names_the_function_that_wrote_it_and_its_service(shop: Shop, logged: str) -> None:
    written = records(logged)

    assert {record["function_name"] for record in written} >= {
        "SignupFunction",
        "CheckoutFunction",
        "OrdersFunction",
        "ConfirmShippingDateFunction",
        "ExpireResettlementsFunction",
        "OutboxDispatcherFunction",
    }
    assert [record for record in written if record["service"] != services(shop)[record["function_name"]]] == []


class MeetingClock:
    """A clock whose first reading in each thread waits for the other threads: invocations that overlap."""

    def __init__(self, at: datetime, threads: int) -> None:
        self._at = at
        self._meeting = threading.Barrier(threads, timeout=10)
        self._met = threading.local()

    def now(self) -> datetime:
        if not getattr(self._met, "done", False):
            self._met.done = True
            self._meeting.wait()
        return self._at


def test_functions_running_at_once_in_one_process_each_log_as_themselves(shop: Shop) -> None:
    # given two schedules that both enter their handler before either logs (as under the local gateway's threads)
    runtime.use_clock(MeetingClock(START, threads=2))
    schedules = ["ExpireResettlementsFunction", "RemindResettlementsFunction"]
    lines = io.StringIO()

    # when they run at once
    with every_function_logging_to(shop, lines), ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda function: shop.invoke(function, {}), schedules))

    # then each run's line carries its own function's name and service
    written = {(record["message"], record["function_name"], record["service"]) for record in records(lines.getvalue())}
    assert written == {
        ("expiry run", "ExpireResettlementsFunction", services(shop)["ExpireResettlementsFunction"]),
        ("reminder run", "RemindResettlementsFunction", services(shop)["RemindResettlementsFunction"]),
    }


def test_every_line_of_a_request_carries_api_gateways_request_id_as_its_correlation_id(
    shop: Shop, alice: Member
) -> None:
    # issue 12: one search on the request id API Gateway gave the caller finds everything the request logged
    shop.add_product(preorder("miku-2027"))
    card = shop.card_of(alice)
    lines = io.StringIO()
    with every_function_logging_to(shop, lines):
        answer = checkout(shop, alice, {**cart(("miku-2027", 1)), "paymentMethodId": card})
    logged = records(lines.getvalue())

    assert answer.status == 201
    assert logged
    (request_id,) = {line.get("correlation_id") for line in logged}
    assert request_id == shop.last_request_id
