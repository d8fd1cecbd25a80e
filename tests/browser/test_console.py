"""Staff in the console, on the same API as the storefront, in a real browser (issue 15)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from tests.browser.axe import assert_accessible
from tests.e2e.support import cart, new_member, new_product


def sign_in_to_the_console(page: Page, shop: ShopClient, email: str, password: str) -> None:
    page.goto(f"{shop.url}/console/#/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_staff_confirm_a_products_shipping_date_and_watch_the_fan_out_finish(
    page: Page, shop: ShopClient, staff_token: str
) -> None:
    # rule L1
    # given a new pre-order figure with three orders from two members
    product = new_product(
        shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt="2027-01-31T15:00:00Z", releaseDate="2027-06"
    )
    orders = []
    for label, quantity in (("first", 1), ("second", 2)):
        _, token = new_member(shop, label)
        for key in range(quantity):
            body = cart((product["productId"], 1))
            placed = shop.call("POST", "/checkout", body, token=token, headers={"Idempotency-Key": f"{label}-{key}"})
            assert placed.status == 201, placed
            orders += [order["orderNumber"] for order in placed.body["orders"]]

    # when staff sign in to the console and confirm the product's shipping date
    sign_in_to_the_console(page, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{shop.url}/console/#/product/{product['productId']}")
    page.get_by_label("Shipping date").fill("2027-06-20")
    page.get_by_role("button", name="Confirm the shipping date").click()

    # then the console polls the run until every open order is dated, emailed and sent to be charged
    expect(page.locator("#run-status")).to_have_text("Finished: 3 of 3 open orders have 2027-06-20.", timeout=30_000)
    for count in ("orders", "dated", "emailed", "settlementRequested"):
        expect(page.locator(f'[data-count="{count}"]')).to_have_text("3")
    assert_accessible(page)


def test_a_member_who_is_not_staff_is_refused_by_the_api_and_the_console_says_so(page: Page, shop: ShopClient) -> None:
    # given a member outside the staff group
    email, _ = new_member(shop, "notstaff")

    # when the member signs in to the console
    sign_in_to_the_console(page, shop, email, "Figure#2027a")

    # then the console shows the API's refusal and keeps the member out
    expect(page.get_by_role("alert")).to_contain_text("not a staff account")
    expect(page.get_by_role("link", name="Products")).to_have_count(0)
    assert_accessible(page)
