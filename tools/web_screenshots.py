"""Screenshots of the front ends' main pages for docs/screenshots, taken from a running local shop.

    make run                                   # in another terminal
    PYTHONPATH=.:layers/common/python .venv/bin/python tools/web_screenshots.py [http://127.0.0.1:3000]

Walks the guide's flow as a new member (sign up, verify from the mailbox, a pre-order and an in-stock
figure, confirm), then staff list the orders and confirm the pre-order's shipping date in the console (the
count of open orders first, then the run), in Debian's chromium.
"""

from __future__ import annotations

import html
import re
import shutil
import sys
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "Figure#2027a"  # noqa: S105 - a demo member of the local shop


def shoot(page: Page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=OUT / f"{name}.png", full_page=True)


def main(url: str) -> None:
    shop = ShopClient(url)
    OUT.mkdir(parents=True, exist_ok=True)
    email = f"alice.{uuid.uuid4().hex[:6]}@example.com"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.goto(f"{url}/#/")
        shoot(page, "storefront-catalogue")
        page.goto(f"{url}/#/signup")
        page.get_by_label("Name").fill("Alice Martin")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("I accept the terms of use").check()
        page.get_by_role("button", name="Sign up").click()
        page.get_by_role("status").wait_for()
        mail = shop.wait_for_mail(email, "Confirm")
        link = next(html.unescape(h) for h in re.findall(r'href="([^"]+)"', mail["html"]) if "/verify-email?" in h)
        page.goto(link)
        page.get_by_role("button", name="Confirm my email address").click()
        page.get_by_role("status").wait_for()
        for product in ("Hatsune Miku: Winter Live 2027 (1/7 scale)", "Nendoroid Saber"):
            page.goto(f"{url}/#/")
            card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=product))
            card.get_by_role("button").click()
            card.get_by_role("status").wait_for()
        page.goto(f"{url}/#/cart")
        shoot(page, "storefront-cart")
        page.goto(f"{url}/#/checkout")
        group = page.get_by_role("group", name="Shipping address")
        address = (("Full name", "Alice Martin"), ("City", "Paris"), ("Postal code", "75001"), ("Country", "FR"))
        for label, value in address:
            group.get_by_label(label).fill(value)
        group.get_by_label("Address", exact=True).fill("12 rue de Rivoli")
        # Stripe's test card, typed into the local Stripe's card inputs (named by their placeholders)
        element = page.locator("#checkout-card-element")
        for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30")):
            element.get_by_placeholder(placeholder, exact=True).fill(value)
        element.get_by_placeholder("cvc", exact=True).fill("123")
        element.get_by_placeholder("postal_code", exact=True).fill("75001")
        shoot(page, "storefront-checkout")
        page.get_by_role("button", name="Confirm Order").click()
        page.locator(".order-number").first.wait_for()
        shoot(page, "storefront-success")
        page.get_by_role("link", name="See your orders in My Account").click()
        page.get_by_role("heading", name="My Account").wait_for()
        shoot(page, "storefront-my-account")
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=1)
        phone.goto(f"{url}/#/")
        shoot(phone, "storefront-phone")
        shoot_console(browser.new_page(viewport={"width": 1100, "height": 760}), url)
        browser.close()


def shoot_console(console: Page, url: str) -> None:
    console.goto(f"{url}/console/#/signin")
    console.get_by_label("Email address").fill(STAFF_EMAIL)
    console.get_by_label("Password").fill(STAFF_PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_role("heading", name="Products").wait_for()
    shoot(console, "console-products")
    console.goto(f"{url}/console/#/orders")
    console.locator("#orders-by-state tbody tr").first.wait_for()
    shoot(console, "console-orders")
    console.goto(f"{url}/console/#/product/miku-winter-2027")
    console.locator("#open-orders").wait_for()
    console.get_by_label("Shipping date").fill("2027-06-20")
    shoot(console, "console-shipping-date-confirm")
    console.get_by_role("button", name="Confirm the shipping date").click()
    console.get_by_text("Finished:").wait_for(timeout=30_000)
    shoot(console, "console-shipping-date-run")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000")
