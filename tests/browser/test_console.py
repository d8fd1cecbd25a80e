"""Staff in the console, on the same API as the storefront, in a real browser (issue 15)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Browser, Page, expect

from local.client import ShopClient, wait_for
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from tests.browser.axe import assert_accessible
from tests.e2e.support import a_dated_preorder, cart, new_member, new_product
from tests.support.stripe import DECLINED_AT_CHARGE, VISA


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
        card = shop.save_card(token, VISA)
        for key in range(quantity):
            body = cart((product["productId"], 1), card=card)
            placed = shop.call("POST", "/checkout", body, token=token, headers={"Idempotency-Key": f"{label}-{key}"})
            assert placed.status == 201, placed
            orders += [order["orderNumber"] for order in placed.body["orders"]]

    # when staff sign in to the console and confirm the product's shipping date
    sign_in_to_the_console(page, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{shop.url}/console/#/product/{product['productId']}")
    expect(page.locator("#open-orders")).to_contain_text("The date will reach 3 open orders")
    page.get_by_label("Shipping date").fill("2027-06-20")
    page.get_by_role("button", name="Confirm the shipping date for 3 open orders").click()

    # then the console, having shown the count first, polls the run until every open order is dated, emailed
    # and sent to be charged
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


def test_a_members_cancellation_request_is_answered_and_acted_on_in_the_console(
    browser: Browser, shop: ShopClient
) -> None:
    # rule S1, rule L8
    # given a member who asked support, in the storefront, to cancel an order not yet charged
    email, token = new_member(shop, "cancelling")
    body = cart(("nendoroid-saber", 1), card=shop.save_card(token, VISA))
    placed = shop.call("POST", "/checkout", body, token=token, headers={"Idempotency-Key": "cancel-me"})
    number = placed.body["orders"][0]["orderNumber"]
    member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    member.goto(f"{shop.url}/#/signin")
    member.get_by_label("Email address").fill(email)
    member.get_by_label("Password").fill("Figure#2027a")
    member.get_by_role("button", name="Sign in").click()
    expect(member.get_by_role("link", name="My Account")).to_be_visible()
    member.goto(f"{shop.url}/#/support?order={number}")
    member.get_by_label("About").select_option("CANCELLATION")
    member.get_by_label("Message").fill("I ordered this twice by mistake.")
    member.get_by_role("button", name="Send to customer support").click()
    expect(member.get_by_role("status")).to_contain_text("Customer support has your request")
    assert_accessible(member)

    # when staff open the request from the console's queue and cancel the order
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_to_the_console(staff, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(staff.get_by_role("heading", name="Products")).to_be_visible()
    staff.get_by_role("link", name="Support queue").click()
    row = staff.get_by_role("row").filter(has_text=number)
    row.get_by_role("link").click()
    expect(staff.get_by_text("I ordered this twice by mistake.")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Cancel the order").click()
    expect(staff.get_by_role("status")).to_contain_text("CLOSED")

    # then the member sees the order cancelled in My Account
    member.goto(f"{shop.url}/#/account/order/{number}")
    expect(member.locator("#order-state")).to_have_text("Cancelled")
    member.context.close()
    staff.context.close()


def test_staff_see_a_failed_payment_listed_with_its_member_and_deadline(
    page: Page, shop: ShopClient, staff_token: str
) -> None:
    # rule L4, rule L5
    # given a member's order whose card was declined once its shipping date was confirmed
    email, token = new_member(shop, "failedlist")
    number = a_dated_preorder(shop, staff_token, token, shop.save_card(token, DECLINED_AT_CHARGE), "failed-list")
    shop.wait_for_state(number, token, "PAYMENT_FAILED")

    # when staff open the console's orders
    sign_in_to_the_console(page, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    page.get_by_role("link", name="Orders").click()

    # then the failed payment is listed with its member and the deadline to pay again
    row = page.locator("#failed-payments").get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(email)
    expect(row).to_contain_text("UTC")
    assert_accessible(page)


def test_staff_list_orders_by_state_with_an_undeliverable_email_flagged(
    page: Page, shop: ShopClient, staff_token: str
) -> None:
    # rule E1: SES's bounce test address, so the member misses the order emails
    # given a member whose address bounces, with a reserved order, and a member whose address works
    bouncing = f"bounce+{uuid.uuid4().hex[:10]}@simulator.amazonses.com"
    body = {"email": bouncing, "password": "Figure#2027a", "name": "Bounce", "acceptTerms": True, "termsVersion": "1"}
    assert shop.call("POST", "/members", body).status == 201
    link = shop.link_in_mail(bouncing, "verify-email")["token"]
    assert shop.call("POST", "/members/verification", {"token": link}).status == 200
    tokens = {"bouncing": shop.sign_in(bouncing, "Figure#2027a"), "working": new_member(shop, "works")[1]}
    numbers = {}
    for label, token in tokens.items():
        placed = shop.call(
            "POST",
            "/checkout",
            cart(("miku-winter-2027", 1), card=shop.save_card(token, VISA)),
            token=token,
            headers={"Idempotency-Key": f"by-state-{label}"},
        )
        assert placed.status == 201, placed
        numbers[label] = placed.body["orders"][0]["orderNumber"]
    wait_for(
        lambda: shop.order(numbers["bouncing"], tokens["bouncing"]),
        lambda order: order.get("emailUndeliverable") is not None,
        20,
        "the bounce to be recorded",
    )

    # when staff open the console's orders, whose list shows the reserved orders, newest first
    sign_in_to_the_console(page, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    page.get_by_role("link", name="Orders").click()

    # then the bouncing member's order is flagged, the other not
    table = page.locator("#orders-by-state")
    expect(table.get_by_role("row").filter(has_text=numbers["bouncing"])).to_contain_text("email undeliverable")
    expect(table.get_by_role("row").filter(has_text=numbers["working"])).not_to_contain_text("undeliverable")
    assert_accessible(page)

    # and the order, opened from the list, says since when and which email was lost
    table.get_by_role("button", name=numbers["bouncing"]).click()
    expect(page.locator("#order-facts")).to_contain_text(f"{bouncing} since")
    expect(page.locator("#order-facts")).to_contain_text("Order emails no longer reach this member.")


def test_an_order_moves_to_its_new_state_in_the_console_list(page: Page, shop: ShopClient, staff_token: str) -> None:
    # rule L7
    # given a member's paid order
    _, token = new_member(shop, "listed")
    number = a_dated_preorder(shop, staff_token, token, shop.save_card(token, VISA), "listed-paid")
    shop.wait_for_state(number, token, "PAID")

    # when staff list the paid orders, then ship the order and list the shipped ones
    sign_in_to_the_console(page, shop, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    page.get_by_role("link", name="Orders").click()
    page.get_by_label("State").select_option("PAID")
    expect(page.locator("#orders-by-state").get_by_role("row").filter(has_text=number)).to_have_count(1)
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("JD014600003999")
    page.get_by_role("button", name="Record the shipment").click()
    expect(page.get_by_role("status").filter(has_text="shipped")).to_be_visible()
    page.get_by_label("State").select_option("SHIPPED")

    # then the order is listed among the shipped orders
    expect(page.locator("#orders-by-state").get_by_role("row").filter(has_text=number)).to_have_count(1)
