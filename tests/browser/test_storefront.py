"""The guide's flow as a member does it in the storefront, in a real browser (issue 15)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime

from playwright.sync_api import Page, expect

from local.client import ShopClient
from shop.checkout import SUCCESS_MESSAGE
from tests.browser.axe import assert_accessible
from tests.e2e.support import a_dated_preorder, new_member
from tests.support.stripe import DECLINED_AT_CHARGE, DECLINED_AT_SETUP, VISA

PASSWORD = "Figure#2027a"
PARIS = {"name": "Alice Martin", "line1": "12 rue de Rivoli", "city": "Paris", "postalCode": "75001", "country": "FR"}


def sign_up(page: Page, shop: ShopClient, label: str) -> str:
    email = f"{label}.{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{shop.url}/#/signup")
    page.get_by_label("Name").fill(label.title())
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I accept the terms of use").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome!")
    assert_accessible(page)
    return email


def verify_from_mailbox(page: Page, shop: ShopClient, email: str) -> None:
    """Open the link of the verification email as the member would, and confirm."""
    mail = shop.wait_for_mail(email, "Confirm")
    link = next(html.unescape(href) for href in re.findall(r'href="([^"]+)"', mail["html"]) if "/verify-email?" in href)
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_contain_text("confirmed")
    assert_accessible(page)


def add_from_catalogue(page: Page, shop: ShopClient, product_name: str, button: str) -> None:
    page.goto(f"{shop.url}/#/")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=product_name))
    card.get_by_role("button", name=button).click()
    expect(card.get_by_role("status")).to_contain_text("in your cart")
    assert_accessible(page)


def type_card(page: Page, step: str, number: str) -> None:
    """Type a Stripe test card into the card inputs the local Stripe's Stripe.js stand-in mounts (localstripe
    names each input by its placeholder: number, exp_month, exp_year (two digits), cvc, postal_code)."""
    element = page.locator(f"#{step}-element")
    for placeholder, value in (("number", number), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
        element.get_by_placeholder(placeholder, exact=True).fill(value)
    element.get_by_placeholder("postal_code", exact=True).fill("75001")


def fill_address(page: Page, legend: str, address: dict[str, str]) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Full name").fill(address["name"])
    group.get_by_label("Address", exact=True).fill(address["line1"])
    group.get_by_label("City").fill(address["city"])
    group.get_by_label("Postal code").fill(address["postalCode"])
    group.get_by_label("Country").fill(address["country"])


def test_a_member_signs_up_verifies_fills_the_cart_and_confirms_once_with_a_double_click(
    page: Page, shop: ShopClient
) -> None:
    # given a new member who signed up and confirmed the address from the mailbox's link (M7)
    email = sign_up(page, shop, "guide")
    verify_from_mailbox(page, shop, email)
    # and a pre-order and an in-stock figure in the cart ("Pre-order Now", "Add to Cart")
    add_from_catalogue(page, shop, "Hatsune Miku: Winter Live 2027 (1/7 scale)", "Pre-order Now")
    add_from_catalogue(page, shop, "Nendoroid Saber", "Add to Cart")
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("heading", name="Your cart becomes 2 orders")).to_be_visible()  # rule O3, O4
    assert_accessible(page)

    # when the member proceeds, fills the address and double-clicks "Confirm Order"
    page.get_by_role("link", name="Proceed to purchase").click()
    expect(page.get_by_role("heading", name="You are ordering 2 orders")).to_be_visible()
    fill_address(page, "Shipping address", PARIS)
    type_card(page, "checkout-card", VISA)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm Order").dblclick()

    # then the guide's message shows with the two order numbers (rule O9)
    expect(page.get_by_role("status")).to_have_text(SUCCESS_MESSAGE)
    shown = page.locator(".order-number").all_inner_texts()
    assert len(shown) == 2
    assert_accessible(page)
    # and the double click placed one checkout: the member has exactly these two orders (rule O8)
    token = shop.sign_in(email, PASSWORD)
    listed = shop.call("GET", "/orders", token=token).body["orders"]
    assert sorted(order["orderNumber"] for order in listed) == sorted(shown)
    # and My Account lists them
    page.get_by_role("link", name="See your orders in My Account").click()
    for number in shown:
        expect(page.get_by_role("link", name=number)).to_be_visible()
    assert_accessible(page)
    # and each order's page shows its state and the emails sent about it (M6)
    page.get_by_role("link", name=shown[0]).click()
    expect(page.get_by_role("heading", name=f"Order {shown[0]}")).to_be_visible()
    expect(page.get_by_role("heading", name="Emails about this order")).to_be_visible()
    assert_accessible(page)
    # and the link the shop's emails carry to an order (FrontEndUrl/account/orders/<number>) opens the same page
    page.goto(f"{shop.url}/account/orders/{shown[1]}")
    expect(page.get_by_role("heading", name=f"Order {shown[1]}")).to_be_visible()


def test_checkout_refused_by_the_api_shows_its_message_and_the_button_works_again(page: Page, shop: ShopClient) -> None:
    # given a member who signed up but has not confirmed the address yet (rule M7), with a figure in the cart
    sign_up(page, shop, "unverified")
    add_from_catalogue(page, shop, "Nendoroid Saber", "Add to Cart")

    # when the member confirms the order
    page.goto(f"{shop.url}/#/checkout")
    fill_address(page, "Shipping address", PARIS)
    type_card(page, "checkout-card", VISA)
    page.get_by_role("button", name="Confirm Order").click()

    # then the API's refusal is shown in its words and the button can be pressed again
    expect(page.get_by_role("alert")).to_contain_text("confirm")
    expect(page.get_by_role("button", name="Confirm Order")).to_be_enabled()


def test_a_card_the_bank_refuses_when_saved_shows_stripes_message_and_places_no_order(
    page: Page, shop: ShopClient
) -> None:
    # rule P1: the card is saved with Stripe before the checkout; a card refused there never reaches the shop
    # given a signed-in member with a figure in the cart
    email, token = new_member(shop, "refusedcard")
    page.goto(f"{shop.url}/#/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My Account")).to_be_visible()
    add_from_catalogue(page, shop, "Nendoroid Saber", "Add to Cart")

    # when the member confirms with Stripe's test card that is declined when saved (4000 0000 0000 0002)
    page.goto(f"{shop.url}/#/checkout")
    fill_address(page, "Shipping address", PARIS)
    type_card(page, "checkout-card", DECLINED_AT_SETUP)
    page.get_by_role("button", name="Confirm Order").click()

    # then Stripe's refusal is shown, the button works again, and the member has no order
    expect(page.get_by_role("alert")).to_contain_text("declined")
    expect(page.get_by_role("button", name="Confirm Order")).to_be_enabled()
    assert shop.call("GET", "/orders", token=token).body["orders"] == []


def test_the_pages_without_a_session_pass_axe_core(page: Page, shop: ShopClient) -> None:
    for path in ("/#/", "/#/product/nendoroid-saber", "/#/signin", "/#/forgot", "/reset-password?email=a@b.c&code=1"):
        # given a page a visitor opens
        page.goto(f"{shop.url}{path}")
        expect(page.locator("main h1")).not_to_have_text("Loading the shop…")

        # then axe-core finds no serious or critical violation on it
        assert_accessible(page)


def test_at_phone_width_the_guide_flow_fits_the_screen_and_passes_axe_core(phone: Page, shop: ShopClient) -> None:
    # given a member at phone width (390 CSS pixels) with a figure in the cart
    email = sign_up(phone, shop, "phone")
    verify_from_mailbox(phone, shop, email)
    add_from_catalogue(phone, shop, "Nendoroid Saber", "Add to Cart")

    for path in ("/#/", "/#/cart", "/#/checkout"):
        # when the member opens each page of the flow
        phone.goto(f"{shop.url}{path}")
        expect(phone.locator("main h1")).to_be_visible()
        phone.wait_for_load_state("networkidle")

        # then nothing is wider than the screen, and axe-core finds no serious or critical violation
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow} px wider than the phone's screen"
        assert_accessible(phone)

    # and the order can be confirmed there
    fill_address(phone, "Shipping address", PARIS)
    type_card(phone, "checkout-card", VISA)
    phone.get_by_role("button", name="Confirm Order").tap()
    expect(phone.get_by_role("status")).to_have_text(SUCCESS_MESSAGE)


def test_a_member_sees_the_declined_payment_with_its_deadline_pays_again_and_the_order_ships(
    page: Page, shop: ShopClient, staff_token: str
) -> None:
    # rule L4, rule L5, rule L7
    # given a member's pre-order charged, once staff confirmed its date, with a saved card whose charges the bank
    # declines (Stripe's test card 4000 0000 0000 0341)
    email, token = new_member(shop, "declined")
    number = a_dated_preorder(shop, staff_token, token, shop.save_card(token, DECLINED_AT_CHARGE), "declined-1")
    failed = shop.wait_for_state(number, token, "PAYMENT_FAILED")

    # when the member signs in and opens the order in My Account
    page.goto(f"{shop.url}/#/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My Account")).to_be_visible()
    page.goto(f"{shop.url}/#/account")
    page.get_by_role("link", name=number).click()

    # then the failed payment shows with the deadline the API set
    expect(page.locator("#order-state")).to_contain_text("Payment failed")
    expect(page.locator("#deadline")).to_be_visible()
    assert failed["resettlementDeadline"][:10] in _iso_date_of(page.locator("#deadline").inner_text())
    assert_accessible(page)

    # when the member pays again with a card that works
    type_card(page, "resettle-card", VISA)
    page.get_by_role("button", name="Pay with this card").click()
    expect(page.get_by_role("status")).to_contain_text("requested again")

    # then the order is paid, and once staff ship it the member sees it shipped
    shop.wait_for_state(number, token, "PAID")
    shipped = shop.call(
        "POST",
        f"/admin/orders/{number}/shipment",
        {"carrier": "Yamato", "trackingNumber": "YT-1234-5678"},
        token=staff_token,
    )
    assert shipped.status == 200
    page.reload()
    expect(page.locator("#order-state")).to_have_text("Shipped")
    expect(page.get_by_text("YT-1234-5678")).to_be_visible()


def _iso_date_of(shown: str) -> str:
    """The storefront shows 'May 17, 2027, 8:30 AM UTC'; the date part as YYYY-MM-DD."""
    month_day, year = shown.split(",")[:2]
    return datetime.strptime(f"{month_day},{year}", "%b %d, %Y").date().isoformat()


def test_a_visitors_cart_joins_the_members_saved_cart_at_sign_in(page: Page, shop: ShopClient) -> None:
    # rule C3, rule M1: browsing needs no sign-in; the cart is kept for members
    # given a visitor who put a figure in the cart before signing in
    email, _ = new_member(shop, "visitor")
    add_from_catalogue(page, shop, "Nendoroid Saber", "Add to Cart")
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_text("1 × Nendoroid Saber")).to_be_visible()
    assert_accessible(page)

    # when the visitor signs in from the cart
    page.get_by_role("link", name="Sign in", exact=True).first.click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # then the member's saved cart holds the figure, with the order it becomes
    expect(page.get_by_role("heading", name="Your cart becomes 1 order")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Nendoroid Saber")).to_be_visible()


def test_the_checkout_preview_shows_the_apis_refusal_for_the_shipping_country(page: Page, shop: ShopClient) -> None:
    # rule O2: a figure licensed for Europe only cannot ship to the United States
    # given a signed-in member with the Europe-only figure in the cart
    email, _ = new_member(shop, "licence")
    page.goto(f"{shop.url}/#/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My Account")).to_be_visible()
    add_from_catalogue(page, shop, "Racing Rin 2027 (1/7 scale), licensed for Europe only", "Pre-order Now")

    # when the member gives a US shipping address at checkout
    page.goto(f"{shop.url}/#/checkout")
    fill_address(page, "Shipping address", PARIS | {"country": "US"})
    page.get_by_role("group", name="Shipping address").get_by_label("Country").press("Tab")

    # then the preview shows the API's problem before anything is confirmed
    expect(page.locator("#checkout-preview").get_by_role("alert")).to_contain_text("cannot be shipped to US")
    assert_accessible(page)
