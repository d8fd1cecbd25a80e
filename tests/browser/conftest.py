"""Browser tests: the storefront and the staff console in Debian's headless Chromium, driven by Playwright.

Playwright for Python (pinned in requirements/dev.in) drives /usr/bin/chromium (`make browser` installs it)
through executable_path: Playwright's own browser downloads are never used. axe-core 4.14.1 is vendored
(vendor/axe-core, MPL-2.0) and run on every page the tests visit.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from local.client import ShopClient
from local.process import shop_process
from local.seed import STAFF_EMAIL, STAFF_PASSWORD

DESKTOP = {"width": 1280, "height": 900}
# The shop's background work and the browser share two loaded cores: assertions wait up to 15 s (default 5 s).
expect.set_options(timeout=15_000)
# A common phone: 390 x 844 CSS pixels, touch, mobile viewport meta honoured.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package (make browser)")
    return found


@pytest.fixture(scope="package")
def shop() -> Iterator[ShopClient]:
    """A local shop of the browser tests' own, as `make run` starts it, with the front ends on its origin."""
    output = Path(tempfile.gettempdir()) / f"preorder-shop-browser-{free_port()}.log"
    with shop_process(free_port(), free_port(), output) as client:
        yield client


@pytest.fixture(scope="package")
def staff_token(shop: ShopClient) -> str:
    return shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**options)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop tab: its own storage, so each test signs in as its own member."""
    context = _context(browser, viewport=DESKTOP)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"the page's scripts failed: {errors}"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A fresh tab at phone width."""
    context = _context(browser, **PHONE)
    opened = context.new_page()
    yield opened
    context.close()
