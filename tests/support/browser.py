"""Driving Debian's chromium (make browser) with Playwright for Python: shared by every browser test.

Playwright's own browser download is not used: `launch` is given the system's chromium, which `make test`
installs. SwaggerUi drives the shop's API docs page as a client developer does: Authorize, Try it out,
fill the parameters and the body, Execute, read the answer.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT_MS = 30_000


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless chromium for the length of the block."""
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class SwaggerUi:
    """The shop's Swagger UI page (/_local/docs) in a browser page."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{url}/_local/docs")
        page.wait_for_selector(".opblock")

    def operation(self, method: str, path: str) -> Locator:
        """The operation's block, opened."""
        block = self.page.locator(
            f".opblock.opblock-{method.lower()}:has(.opblock-summary-path[data-path='{path}'])"
        ).first
        if block.locator(".opblock-body").count() == 0:
            block.locator(".opblock-summary").first.click()
        return block

    def try_it(self, method: str, path: str, *, body: Any = None, parameters: dict[str, str] | None = None) -> Answer:
        """Try it out: fill the parameters (path, query, header) and the JSON body, Execute, read the answer."""
        block = self.operation(method, path)
        try_out = block.get_by_role("button", name="Try it out", exact=True)
        if try_out.count():
            try_out.click()
        for name, value in (parameters or {}).items():
            block.locator(f"tr[data-param-name='{name}'] input").fill(value)
        if body is not None:
            block.locator("textarea.body-param__text").fill(json.dumps(body))
        block.locator("button.execute").click()
        answered = block.locator(".live-responses-table tr.response").first
        answered.wait_for()
        status = answered.locator(".response-col_status")
        shown = answered.locator(".response-col_description pre").first.inner_text()
        answer = Answer(int(status.inner_text().strip()), json.loads(shown) if shown.strip() else None)
        block.locator("button.btn-clear").click()  # the next try starts with no old answer on the page
        return answer

    def authorize(self, token: str) -> None:
        """Authorize with a member's ID token (the bearer scheme), replacing any token given before."""
        self.page.locator(".auth-wrapper button.authorize").click()
        dialog = self.page.locator(".dialog-ux .modal-ux")
        logout = dialog.locator("button:has-text('Logout')")
        if logout.count():
            logout.first.click()
        dialog.locator("input").first.fill(token)
        dialog.locator(".auth-btn-wrapper button.authorize").click()
        dialog.locator("button.btn-done").click()
