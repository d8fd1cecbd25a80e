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
from shop.orders import Order

SHOP_NAME = "Preorder Figure Shop"

SUBJECTS = {
    "welcome": "Welcome to $shop",
    "order_confirmation": "Order confirmation $order_number",
    "shipping_date_confirmed": "Shipping date confirmed for order $order_number",
    "payment_failed": "Payment failed for order $order_number: please re-settle by $deadline",
    "order_cancelled": "Order $order_number has been cancelled",
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
    """L4: the deadline, stated in UTC."""
    values = _order_values(order) | {"deadline": utc_text(deadline)}
    return render("payment_failed", order.email, values, order.order_number)


def order_cancelled(order: Order, reason: str) -> Email:
    values = _order_values(order) | {"reason": reason}
    return render("order_cancelled", order.email, values, order.order_number)
