"""The emails the shop sends, rendered from the templates in email_templates/ (text and HTML).

Rendering lives in the rules layer because what a member is told is part of the rules (L4 states the
deadline in UTC, O10 one email per order number). Sending is the outbox's job.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from string import Template

from shop.clock import as_utc
from shop.orders import Address, Order, masked_token
from shop.payments import reason_in_words

SHOP_NAME = "Preorder Figure Shop"

SUBJECTS = {
    "welcome": "Welcome to $shop",
    "order_confirmation": "Order confirmation $order_number",
    "shipping_date_confirmed": "Shipping date confirmed for order $order_number",
    "payment_failed": "Payment failed for order $order_number: please re-settle by $deadline",
    "order_cancelled": "Order $order_number has been cancelled",
    "shipping_date_changed": "Shipping date changed for order $order_number: now $shipping_date",
    "release_date_changed": "New release date for order $order_number: $release_date",
    "resettlement_reminder": "Reminder: re-settle order $order_number by $deadline",
    "order_shipped": "Order $order_number has shipped",
    "replacement_shipment": "Replacement for order $original_order_number: order $order_number",
    "address_changed": "Shipping address changed for order $order_number",
    "payment_method_changed": "Payment method changed for order $order_number",
    "account_withdrawn": "Your $shop account has been deleted",
    "support_answer": "Customer support answered your request $request_id $about",
    "email_verification": "Confirm your email address for $shop",
    "password_reset": "Your $shop password reset code",
    "password_changed": "Your $shop password was changed",
}


@dataclass(frozen=True)
class Email:
    kind: str
    to: str
    subject: str
    text: str
    html: str
    order_number: str | None = None


@cache
def _template(name: str) -> Template:
    return Template(resources.files("shop.email_templates").joinpath(name).read_text(encoding="utf-8"))


def render(kind: str, to: str, values: dict[str, str], order_number: str | None = None) -> Email:
    """Fill the kind's subject, text and HTML templates; values are HTML-escaped in the HTML body."""
    values = {"shop": SHOP_NAME, **values}
    return Email(
        kind=kind,
        to=to,
        subject=Template(SUBJECTS[kind]).substitute(values),
        text=_template(f"{kind}.txt").substitute(values),
        html=_template(f"{kind}.html").substitute({k: html.escape(v) for k, v in values.items()}),
        order_number=order_number,
    )


def money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def utc_text(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def _order_values(order: Order) -> dict[str, str]:
    lines = "\n".join(
        f"- {line.name} ({line.product_id}) x {line.quantity} at {money(line.unit_price_cents)} = "
        f"{money(line.line_total_cents)}; release {line.release_date}"
        for line in order.lines
    )
    return {
        "name": order.shipping_address.name,
        "order_number": order.order_number,
        "lines": lines,
        "items_total": money(order.items_total_cents),
        "shipping_fee": money(order.shipping_fee_cents),
        "total": money(order.total_cents),
    }


def welcome(to: str, name: str) -> Email:
    return render("welcome", to, {"name": name})


def order_confirmation(order: Order) -> Email:
    """O10: one per order number."""
    return render("order_confirmation", order.email, _order_values(order), order.order_number)


def shipping_date_confirmed(order: Order, shipping_date: str) -> Email:
    """L1: the date, and that payment is now being settled."""
    values = _order_values(order) | {"shipping_date": shipping_date}
    return render("shipping_date_confirmed", order.email, values, order.order_number)


def payment_failed(order: Order, deadline: datetime) -> Email:
    """L4: the deadline, stated in UTC, and why the payment failed, in words (P3: only a decline fails)."""
    values = _order_values(order) | {
        "deadline": utc_text(deadline),
        "why": reason_in_words(order.payment_failure_reason),
    }
    return render("payment_failed", order.email, values, order.order_number)


def order_cancelled(order: Order, reason: str) -> Email:
    values = _order_values(order) | {"reason": reason}
    return render("order_cancelled", order.email, values, order.order_number)


def shipping_date_changed(order: Order, previous_date: str | None, shipping_date: str) -> Email:
    """L2: a confirmed shipping date changes again."""
    values = _order_values(order) | {
        "previous_date": previous_date or "not yet announced",
        "shipping_date": shipping_date,
    }
    return render("shipping_date_changed", order.email, values, order.order_number)


def release_date_changed(order: Order, product_name: str, previous_date: str, release_date: str) -> Email:
    """C2: the new date, the old one, and that the order is not cancelled."""
    values = _order_values(order) | {
        "product_name": product_name,
        "previous_date": previous_date,
        "release_date": release_date,
    }
    return render("release_date_changed", order.email, values, order.order_number)


def resettlement_reminder(order: Order, deadline: datetime) -> Email:
    """L5a: about a day before the re-settlement deadline, stated in UTC like the first email (L4)."""
    values = _order_values(order) | {"deadline": utc_text(deadline)}
    return render("resettlement_reminder", order.email, values, order.order_number)


def order_shipped(order: Order, carrier: str, tracking_number: str) -> Email:
    """L7: the shipping announcement, one per order number."""
    values = _order_values(order) | {"carrier": carrier, "tracking_number": tracking_number}
    return render("order_shipped", order.email, values, order.order_number)


def replacement_shipment(replacement: Order) -> Email:
    """L10: a replacement at no charge, naming the original order and the new one."""
    values = _order_values(replacement) | {
        "original_order_number": replacement.replacement_of or "",
        "support_ticket": replacement.support_ticket or "",
    }
    return render("replacement_shipment", replacement.email, values, replacement.order_number)


def address_text(address: Address) -> str:
    parts = [
        address.name,
        address.line1,
        address.line2,
        " ".join(part for part in (address.postal_code, address.city, address.region) if part),
        address.country,
    ]
    return "\n".join(part for part in parts if part)


def address_changed(order: Order) -> Email:
    """L9: the order's one new address, for every item of it."""
    values = _order_values(order) | {"address": address_text(order.shipping_address)}
    return render("address_changed", order.email, values, order.order_number)


def payment_method_changed(order: Order) -> Email:
    """O13: names the new method only by its last characters."""
    card = order.payment_card
    token_end = card.last4 if card is not None else masked_token(order.payment_token).removeprefix("****")
    values = _order_values(order) | {"token_end": token_end}
    return render("payment_method_changed", order.email, values, order.order_number)


def account_withdrawn(to: str, name: str) -> Email:
    """M5: the final email, to the registered address as it was before erasure."""
    return render("account_withdrawn", to, {"name": name})


def support_answer(to: str, request_id: str, kind_text: str, order_number: str | None, answer: str) -> Email:
    """S1: each answer to a support request; about an order, it joins the order's history (M6)."""
    values = {
        "request_id": request_id,
        "kind_text": kind_text,
        "about": f"about order {order_number}" if order_number else "about your account",
        "answer": answer,
    }
    return render("support_answer", to, values, order_number)


def email_verification(to: str, name: str, link: str, expires_at: datetime) -> Email:
    """M7: the link that proves the member reads mail at the address, sent at signup and on request."""
    return render("email_verification", to, {"name": name, "link": link, "expires": utc_text(expires_at)})


def password_reset(to: str, code: str, link: str, expires_at: datetime) -> Email:
    """M8: a code that works once, within the hour; the link carries it to the shop's reset page."""
    return render("password_reset", to, {"code": code, "link": link, "expires": utc_text(expires_at)})


def password_changed(to: str, *, reset: bool, at: datetime, reset_link: str) -> Email:
    """M8: tells the member, at the registered address, that the password changed and how."""
    how = "reset with a code sent to this address" if reset else "changed from My Account"
    return render("password_changed", to, {"how": how, "when": utc_text(at), "reset_link": reset_link})
