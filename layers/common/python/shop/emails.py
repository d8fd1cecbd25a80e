"""The emails the shop sends: what each tells the member (its kind, its recipient and the values it shows).

What a member is told is part of the rules (L4 states the deadline in UTC, O10 one email per order number), so
the values are decided here, in the function that decides the email, and written to the outbox with it. The
words and the layout are in email_templates/ (Jinja2, text and HTML): the outbox dispatcher renders them
(shop.email_rendering) when it sends, so no other function imports Jinja2 or the CSS inliner (issue 14,
docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shop.catalogue import ProductKind
from shop.clock import as_utc
from shop.orders import Address, Order, masked_token
from shop.payments import reason_in_words

SHOP_NAME = "Preorder Figure Shop"


@dataclass(frozen=True)
class Email:
    """One email to send: its kind (a template), its recipient, and the values its templates show (JSON)."""

    kind: str
    to: str
    values: dict[str, Any] = field(default_factory=dict)
    order_number: str | None = None


def _email(kind: str, to: str, values: dict[str, Any], order_number: str | None = None) -> Email:
    return Email(kind=kind, to=to, values=values, order_number=order_number)


def money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def utc_text(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def address_lines(address: Address) -> list[str]:
    """The address as it is printed on a label, one line each."""
    parts = [
        address.name,
        address.line1,
        address.line2,
        " ".join(part for part in (address.postal_code, address.city, address.region) if part),
        address.country,
    ]
    return [part for part in parts if part]


def _order_values(order: Order) -> dict[str, Any]:
    """What every email about an order shows: its number, lines, money and addresses. A release date is shown
    for a pre-order only (C2: it can move); an in-stock order ships from the warehouse."""
    preorder = order.kind == ProductKind.PREORDER
    return {
        "name": order.shipping_address.name,
        "order": {
            "number": order.order_number,
            "preorder": preorder,
            "lines": [
                {
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": money(line.unit_price_cents),
                    "line_total": money(line.line_total_cents),
                    "release_date": line.release_date if preorder else None,
                }
                for line in order.lines
            ],
            "items_total": money(order.items_total_cents),
            "shipping_fee": money(order.shipping_fee_cents),
            "total": money(order.total_cents),
            "shipping_address": address_lines(order.shipping_address),
            "billing_address": address_lines(order.billing_address),
        },
    }


def welcome(to: str, name: str) -> Email:
    return _email("welcome", to, {"name": name})


def order_confirmation(order: Order) -> Email:
    """O10: one per order number."""
    return _email("order_confirmation", order.email, _order_values(order), order.order_number)


def shipping_date_confirmed(order: Order, shipping_date: str) -> Email:
    """L1: the date, and that payment is now being settled."""
    values = _order_values(order) | {"shipping_date": shipping_date}
    return _email("shipping_date_confirmed", order.email, values, order.order_number)


def payment_failed(order: Order, deadline: datetime) -> Email:
    """L4: the deadline, stated in UTC, and why the payment failed, in words (P3: only a decline fails)."""
    values = _order_values(order) | {
        "deadline": utc_text(deadline),
        "why": reason_in_words(order.payment_failure_reason),
    }
    return _email("payment_failed", order.email, values, order.order_number)


def order_cancelled(order: Order, reason: str) -> Email:
    values = _order_values(order) | {"reason": reason}
    return _email("order_cancelled", order.email, values, order.order_number)


def shipping_date_changed(order: Order, previous_date: str | None, shipping_date: str) -> Email:
    """L2: a confirmed shipping date changes again."""
    values = _order_values(order) | {
        "previous_date": previous_date or "not yet announced",
        "shipping_date": shipping_date,
    }
    return _email("shipping_date_changed", order.email, values, order.order_number)


def release_date_changed(order: Order, product_name: str, previous_date: str, release_date: str) -> Email:
    """C2: the new date, the old one, and that the order is not cancelled."""
    values = _order_values(order) | {
        "product_name": product_name,
        "previous_date": previous_date,
        "release_date": release_date,
    }
    return _email("release_date_changed", order.email, values, order.order_number)


def resettlement_reminder(order: Order, deadline: datetime) -> Email:
    """L5a: about a day before the re-settlement deadline, stated in UTC like the first email (L4)."""
    values = _order_values(order) | {"deadline": utc_text(deadline)}
    return _email("resettlement_reminder", order.email, values, order.order_number)


def order_shipped(order: Order, carrier: str, tracking_number: str) -> Email:
    """L7: the shipping announcement, one per order number."""
    values = _order_values(order) | {"carrier": carrier, "tracking_number": tracking_number}
    return _email("order_shipped", order.email, values, order.order_number)


def replacement_shipment(replacement: Order) -> Email:
    """L10: a replacement at no charge, naming the original order and the new one."""
    values = _order_values(replacement) | {
        "original_order_number": replacement.replacement_of or "",
        "support_ticket": replacement.support_ticket or "",
    }
    return _email("replacement_shipment", replacement.email, values, replacement.order_number)


def address_changed(order: Order) -> Email:
    """L9: the order's one new address, for every item of it."""
    return _email("address_changed", order.email, _order_values(order), order.order_number)


def payment_method_changed(order: Order) -> Email:
    """O13: names the new method only by its last characters."""
    card = order.payment_card
    token_end = card.last4 if card is not None else masked_token(order.payment_token).removeprefix("****")
    values = _order_values(order) | {"token_end": token_end}
    return _email("payment_method_changed", order.email, values, order.order_number)


def account_withdrawn(to: str, name: str) -> Email:
    """M5: the final email, to the registered address as it was before erasure."""
    return _email("account_withdrawn", to, {"name": name})


def support_answer(to: str, request_id: str, kind_text: str, order_number: str | None, answer: str) -> Email:
    """S1: each answer to a support request; about an order, it joins the order's history (M6)."""
    values = {
        "request_id": request_id,
        "kind_text": kind_text,
        "about": f"about order {order_number}" if order_number else "about your account",
        "answer": answer,
    }
    return _email("support_answer", to, values, order_number)


def email_verification(to: str, name: str, link: str, expires_at: datetime) -> Email:
    """M7: the link that proves the member reads mail at the address, sent at signup and on request."""
    return _email("email_verification", to, {"name": name, "link": link, "expires": utc_text(expires_at)})


def password_reset(to: str, code: str, link: str, expires_at: datetime) -> Email:
    """M8: a code that works once, within the hour; the link carries it to the shop's reset page."""
    return _email("password_reset", to, {"code": code, "link": link, "expires": utc_text(expires_at)})


def password_changed(to: str, *, reset: bool, at: datetime, reset_link: str) -> Email:
    """M8: tells the member, at the registered address, that the password changed and how."""
    how = "reset with a code sent to this address" if reset else "changed from My Account"
    return _email("password_changed", to, {"how": how, "when": utc_text(at), "reset_link": reset_link})
