"""What the functions log never holds a password, a payment token or a full address."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest

from shop_aws.runtime import logger
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date

PASSWORD = "Secret#Pass2027"
TOKEN = "tok_card_4242424242424242"
STREET = "221B Baker Street"


@pytest.fixture
def logged(shop: Shop, alice: Member) -> str:
    """Everything the functions logged, as Powertools formats it for CloudWatch, during a whole flow."""
    lines = io.StringIO()
    capture = logging.StreamHandler(lines)
    capture.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(capture)
    try:
        _run_a_whole_flow(shop, alice)
    finally:
        logger._logger.removeHandler(capture)
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
    body = cart(("miku-2027", 1), ("nendo-1", 1), token=TOKEN)
    body["shippingAddress"]["line1"] = STREET
    body["billingAddress"]["line1"] = STREET
    number = checkout(shop, alice, body).body["orders"][0]["orderNumber"]
    checkout(shop, alice, body | {"shippingAddress": body["shippingAddress"] | {"country": "JP"}}, key="refused")
    confirm_shipping_date(shop, number)
    detail = {"orderNumber": number, "settlementId": f"{number}#1", "reason": "card_declined"}
    shop.invoke("PaymentFailedFunction", shop.payment_event("PaymentFailed", detail))
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentToken": TOKEN + "_new"}, member=alice)
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
