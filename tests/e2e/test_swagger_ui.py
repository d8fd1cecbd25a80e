"""A client developer goes through the shop in Swagger UI (issue 14): sign up, sign in, authorize with the
token the API gave, check out with an Idempotency-Key, read My Account, and, as staff, confirm the order's
shipping date. Every call is made from the page, in Debian's chromium; the answers are read from the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser

from local.client import ShopClient, wait_for
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from tests.e2e.support import ADDRESS, PASSWORD, new_product
from tests.support.browser import SwaggerUi, chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def test_a_member_signs_up_checks_out_and_staff_confirm_the_shipping_date_from_swagger_ui(
    local_shop: ShopClient, staff_token: str, browser: Browser
) -> None:
    # given a pre-order figure on sale, and Swagger UI open on the shop's API docs
    shop_today = date.fromisoformat(local_shop.now()[:10])
    figure = new_product(
        local_shop,
        staff_token,
        kind="PREORDER",
        releaseDate=(shop_today + timedelta(days=200)).isoformat()[:7],
        preorderClosesAt=f"{shop_today + timedelta(days=60)}T15:00:00Z",
        stock=None,
    )
    email = f"swagger.{uuid.uuid4().hex[:8]}@example.com"
    docs = SwaggerUi(browser.new_page(), local_shop.url)

    # when she signs up, opens the emailed link and signs in, all from the page
    signup = {"email": email, "password": PASSWORD, "name": "Alice Martin", "acceptTerms": True, "termsVersion": "1"}
    assert docs.try_it("POST", "/members", body=signup).status == 201
    link = local_shop.link_in_mail(email, "verify-email")
    assert docs.try_it("POST", "/members/verification", body={"token": link["token"]}).status == 200
    session = docs.try_it("POST", "/sessions", body={"email": email, "password": PASSWORD})
    assert session.status == 201

    # and authorizes the page with the ID token the API answered, then checks out with an Idempotency-Key
    docs.authorize(session.body["idToken"])
    cart = {
        "items": [{"productId": figure["productId"], "quantity": 1}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentMethodId": local_shop.save_card(session.body["idToken"]),
    }
    placed = docs.try_it("POST", "/checkout", body=cart, parameters={"Idempotency-Key": uuid.uuid4().hex})

    # then the checkout placed one order, which My Account lists
    assert placed.status == 201
    (order,) = placed.body["orders"]
    mine = docs.try_it("GET", "/orders")
    assert mine.status == 200
    assert [o["orderNumber"] for o in mine.body["orders"]] == [order["orderNumber"]]

    # when staff sign in and confirm its shipping date from the page
    staff = docs.try_it("POST", "/sessions", body={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    docs.authorize(staff.body["idToken"])
    confirmed = docs.try_it(
        "POST",
        "/admin/orders/{orderNumber}/shipping-date",
        parameters={"orderNumber": order["orderNumber"]},
        body={"shippingDate": (shop_today + timedelta(days=90)).isoformat()},
    )

    # then the shop accepts it, and the order gets the date (rule L1)
    assert confirmed.status == 202
    expected = (shop_today + timedelta(days=90)).isoformat()
    wait_for(
        lambda: local_shop.order(order["orderNumber"], session.body["idToken"]),
        lambda seen: seen["shippingDate"] == expected,
        timeout=20,
        what=f"order {order['orderNumber']} to get its shipping date",
    )
