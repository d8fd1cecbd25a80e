"""The mailbox and the API docs render in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from local.client import ShopClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*arguments: str) -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package (make browser)")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(  # noqa: S603 - the system's chromium, on a loopback page
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--window-size=1200,800",
                "--virtual-time-budget=8000",
                *arguments,
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    return result.stdout


def screenshot(url: str, path: Path) -> Image.Image:
    chromium(f"--screenshot={path}", url)
    assert path.exists(), f"chromium wrote no screenshot of {url}"
    return Image.open(path).convert("L")


@pytest.fixture(scope="module")
def member_with_mail(local_shop: ShopClient) -> str:
    email = f"mailbox.{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "Figure#2027a", "name": "Mail Box", "acceptTerms": True, "termsVersion": "1"}
    assert local_shop.call("POST", "/members", body).status == 201
    local_shop.wait_for_mail(email, "Welcome")
    return email


def test_the_mailbox_page_lists_the_email_in_the_browser(local_shop: ShopClient, member_with_mail: str) -> None:
    dom = chromium("--dump-dom", f"{local_shop.url}/_local/mail?to={member_with_mail}")

    assert "Welcome to Preorder Figure Shop" in dom
    assert member_with_mail in dom


def test_the_mailbox_screenshot_shows_a_row_for_the_email(
    local_shop: ShopClient, member_with_mail: str, tmp_path: Path
) -> None:
    # given the same page with no matching mail, and with the member's mail
    empty = screenshot(f"{local_shop.url}/_local/mail?to=nobody@example.com", tmp_path / "empty.png")
    listed = screenshot(f"{local_shop.url}/_local/mail?to={member_with_mail}", tmp_path / "listed.png")

    # then the pictures differ where the list's rows are: dark text drawn below the table header
    width, height = listed.size
    rows = (0, int(height * 0.25), width, int(height * 0.6))
    difference = ImageChops.difference(empty.crop(rows), listed.crop(rows))
    changed = sum(difference.histogram()[65:])
    assert changed > 200, f"only {changed} pixels differ where the email row should be"


def test_an_email_opens_as_the_member_sees_it(local_shop: ShopClient, member_with_mail: str) -> None:
    mail = local_shop.mail(member_with_mail)[0]

    dom = chromium("--dump-dom", f"{local_shop.url}/_local/mail/{mail['id']}")

    assert "Dear Mail Box," in dom


def test_the_api_docs_render_every_operation_in_swagger_ui(local_shop: ShopClient, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", f"{local_shop.url}/_local/docs")

    assert 'class="swagger-ui' in dom
    assert "/checkout" in dom
    assert "/orders/{orderNumber}/resettlement" in dom


def test_the_api_docs_screenshot_is_not_blank(local_shop: ShopClient, tmp_path: Path) -> None:
    page = screenshot(f"{local_shop.url}/_local/docs", tmp_path / "docs.png")

    darkest, lightest = page.getextrema()
    assert lightest - darkest > 100
