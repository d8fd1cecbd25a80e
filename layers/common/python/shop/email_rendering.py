"""Rendering an email: its subject, its text part and its HTML part, from the templates in email_templates/.

Jinja2 renders the templates, with autoescape on for HTML (a member's name, an address, a support answer
cannot add markup to an email), and css-inline copies the layout's CSS into style attributes, as many mail
clients ignore a <style> element; the element stays for the small-screen rules (@media). Only the outbox
dispatcher imports this module: rendering costs it about 95 ms of cold import (docs/performance.md), which
the functions that decide emails do not pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from shop.emails import SHOP_NAME, Email

# Plain text (no escaping): a subject is a header, not HTML.
SUBJECTS = {
    "welcome": "Welcome to {{ shop }}",
    "order_confirmation": "Order confirmation {{ order.number }}",
    "shipping_date_confirmed": "Shipping date confirmed for order {{ order.number }}",
    "payment_failed": "Payment failed for order {{ order.number }}: please re-settle by {{ deadline }}",
    "order_cancelled": "Order {{ order.number }} has been cancelled",
    "shipping_date_changed": "Shipping date changed for order {{ order.number }}: now {{ shipping_date }}",
    "release_date_changed": "New release date for order {{ order.number }}: {{ release_date }}",
    "resettlement_reminder": "Reminder: re-settle order {{ order.number }} by {{ deadline }}",
    "order_shipped": "Order {{ order.number }} has shipped",
    "replacement_shipment": "Replacement for order {{ original_order_number }}: order {{ order.number }}",
    "address_changed": "Shipping address changed for order {{ order.number }}",
    "payment_method_changed": "Payment method changed for order {{ order.number }}",
    "account_withdrawn": "Your {{ shop }} account has been deleted",
    "support_answer": "Customer support answered your request {{ request_id }} {{ about }}",
    "email_verification": "Confirm your email address for {{ shop }}",
    "password_reset": "Your {{ shop }} password reset code",
    "password_changed": "Your {{ shop }} password was changed",
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("shop", "email_templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=True)


def render(email: Email, front_end_url: str) -> RenderedEmail:
    """The email as sent. Links to My Account start at front_end_url (template.yaml's FrontEndUrl)."""
    base = front_end_url.rstrip("/")
    values: dict[str, Any] = {"shop": SHOP_NAME, "my_account_url": f"{base}/account", **email.values}
    if "order" in values:
        values["order_url"] = f"{base}/account/orders/{quote(values['order']['number'], safe='')}"
    environment = _environment()
    subject = environment.from_string(SUBJECTS[email.kind]).render(values)
    text = environment.get_template(f"{email.kind}.txt").render(values)
    html = _inliner().inline(environment.get_template(f"{email.kind}.html").render(values))
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """No runs of blank lines where an optional part was left out, and one newline at the end."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"
