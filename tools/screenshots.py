"""Take the README's screenshots: `python -m tools.screenshots` (needs chromium: make browser).

Starts the local shop in this process, walks the demo (local/demo.py) so the mailbox has its emails, and
photographs, in Debian's chromium through tests/support/browser.py: the order confirmation in the mailbox,
the payment-failed email on a phone-sized screen, and Swagger UI with the checkout operation open.
"""

from __future__ import annotations

from pathlib import Path

from local import demo, mailbox
from local.client import ShopClient
from local.stack import LocalStack
from tests.support.browser import SwaggerUi, chromium

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(api_port=0, aws_port=0).start()
    try:
        client = ShopClient(stack.url)
        member = demo.walk(client)
        mails = mailbox.all_mail(member)
        confirmation = next(m for m in mails if m.subject.startswith("Order confirmation"))
        failed = next(m for m in mails if m.subject.startswith("Payment failed"))
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1000, "height": 1500})
            page.goto(f"{stack.url}/_local/mail/{confirmation.message_id}")
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT / "email-order-confirmation.png"))

            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.set_content(failed.html)
            phone.screenshot(path=str(OUT / "email-payment-failed-phone.png"), full_page=True)

            docs = SwaggerUi(browser.new_page(viewport={"width": 1280, "height": 1400}), stack.url)
            docs.operation("POST", "/checkout")
            docs.page.wait_for_timeout(500)
            docs.page.screenshot(path=str(OUT / "swagger-ui.png"))
    finally:
        stack.stop()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
