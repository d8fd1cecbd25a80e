"""Members' accounts driven as a member drives them: sign in, read the mailbox, follow the link, type the code."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.support.shop import Answer, Shop

VERIFICATION_SUBJECT = "Confirm your email address"
RESET_SUBJECT = "Your Preorder Figure Shop password reset code"


def sign_in(shop: Shop, email: str, password: str) -> Answer:
    return shop.call("POST", "/sessions", {"email": email, "password": password})


def latest_email(shop: Shop, address: str, subject_start: str) -> Any:
    """The newest email to the address whose subject starts so, after delivering the outbox."""
    shop.deliver_outbox()
    found = [m for m in shop.emails_to(address) if m.subject.startswith(subject_start)]
    assert found, f"no email to {address} starting {subject_start!r}"
    return found[-1]


def link_in(message: Any, page: str) -> dict[str, str]:
    """The query of the first link in the email's HTML to the front end's page (verify-email, reset-password)."""
    for href in re.findall(r'href="([^"]+)"', message.body):
        url = urlparse(html.unescape(href))
        if url.path.endswith(f"/{page}"):
            return {name: values[0] for name, values in parse_qs(url.query).items()}
    raise AssertionError(f"no link to {page} in {message.subject!r}")


def verification_token(shop: Shop, address: str) -> str:
    return link_in(latest_email(shop, address, VERIFICATION_SUBJECT), "verify-email")["token"]


def verify_email(shop: Shop, address: str) -> Answer:
    """Open the latest verification link sent to the address (M7)."""
    return shop.call("POST", "/members/verification", {"token": verification_token(shop, address)})


def reset_code(shop: Shop, address: str) -> str:
    return link_in(latest_email(shop, address, RESET_SUBJECT), "reset-password")["code"]
