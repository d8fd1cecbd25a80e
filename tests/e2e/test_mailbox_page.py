"""The local mailbox in a browser (issue 14): an email shows its sender, recipient, date and subject, and
both parts, one click apart; the list is newest first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from local.client import ShopClient
from tests.e2e.support import PASSWORD
from tests.support.browser import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def newcomer(local_shop: ShopClient) -> str:
    """A member just signed up: the welcome email, then the verification link."""
    email = f"toggle.{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "name": "Rin Tohsaka", "acceptTerms": True, "termsVersion": "1"}
    assert local_shop.call("POST", "/members", body).status == 201
    local_shop.wait_for_mail(email, "Confirm your email address")
    return email


def test_an_email_shows_its_headers_and_switches_between_its_html_and_text_parts(
    local_shop: ShopClient, newcomer: str, browser: Browser
) -> None:
    # given the welcome email open in the mailbox
    mail = next(m for m in local_shop.mail(newcomer) if m["subject"].startswith("Welcome"))
    page = browser.new_page()
    page.goto(f"{local_shop.url}/_local/mail/{mail['id']}")

    # then its headers are shown, and its HTML part first
    assert page.inner_text("#from") == mail["from"]
    assert page.inner_text("#to") == newcomer
    assert page.inner_text("#date") == mail["date"]
    assert page.frame_locator("#html-part").locator("text=Dear Rin Tohsaka,").is_visible()
    assert not page.is_visible("#text-part")

    # when the reader asks for the text part
    page.click("#show-text")

    # then the text part replaces the HTML one
    assert page.is_visible("#text-part")
    assert page.inner_text("#text-part").startswith("Dear Rin Tohsaka,\n")
    assert not page.is_visible("#html-part")


def test_the_list_shows_date_sender_and_subject_newest_first(
    local_shop: ShopClient, newcomer: str, browser: Browser
) -> None:
    page = browser.new_page()
    page.goto(f"{local_shop.url}/_local/mail?to={newcomer}")

    rows = page.locator("#mail tbody tr")
    subjects = [rows.nth(i).locator("td").nth(4).inner_text() for i in range(rows.count())]
    dates = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    # (both come from signup's one transaction, so they may carry the same time)
    assert sorted(subjects) == [
        "Confirm your email address for Preorder Figure Shop",
        "Welcome to Preorder Figure Shop",
    ]
    assert dates == sorted(dates, reverse=True)
    assert rows.first.locator("td").nth(2).inner_text() == local_shop.mail(newcomer)[0]["from"]
