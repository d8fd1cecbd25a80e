"""What staff and the warehouse do to orders: ship (L7), cancel for support (L8), replace a defective
shipment (L10), and bring the old shop's orders over (L11); and the orders as staff list them. Nothing here
refunds or splits an order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shop import emails
from shop.errors import DefectAlreadyRecorded, ImportRefused
from shop.imports import ImportRequest, check_batch, imported_order
from shop.members import normalise_email
from shop.order_numbers import OrderNumbers, parse_any_order_number
from shop.orders import Order, OrderState
from shop.support import (
    CancellationRequest,
    DefectReport,
    Shipment,
    cancelled_by_support,
    check_shipment,
    check_support_cancellation,
    plan_replacement,
    shipped,
)
from shop.support_requests import summary
from shop.views import OrderDetailView, StaffOrderPage, StaffOrderView
from shop_aws.dynamodb import members, order_changes, orders, support_requests
from shop_aws.dynamodb.indexes import orders_by_deadline
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.dynamodb.sent_emails import email_history
from shop_aws.dynamodb.undeliverable import undeliverable, undeliverable_among
from shop_aws.runtime import clock, logger, metrics

order_numbers = OrderNumbers(clock())
# What else an action writes in its transaction, given the order it made (the support request it answers, S1).
AlsoWritten = Callable[[Order], Sequence[dict[str, Any]]]


def _nothing_else(_: Order) -> Sequence[dict[str, Any]]:
    return ()


def detail(order_number: str) -> OrderDetailView:
    """The order with every email sent about it (M6) and the support requests about it (S1)."""
    about = [summary(request) for request in support_requests.about_order(order_number)]
    order = orders.require_order(order_number)
    return OrderDetailView.of_order(order, email_history(order_number), about, undeliverable(order.email))


def failed_payments(limit: int, cursor: str | None) -> StaffOrderPage:
    """The orders whose payment failed, earliest re-settlement deadline first (L4, L5, L6), a page at a time."""
    numbers, next_cursor = orders_by_deadline(limit, cursor)
    found = [orders.get_order(number) for number in numbers]
    return _staff_page([order for order in found if order is not None], next_cursor)


def in_state(state: OrderState, limit: int, cursor: str | None, *, newest_first: bool) -> StaffOrderPage:
    """The orders in one state, by time of order, a page at a time (the console's lists)."""
    found, next_cursor = orders.orders_in_state(state, limit, cursor, newest_first=newest_first)
    return _staff_page(found, next_cursor)


def _staff_page(found: list[Order], next_cursor: str | None) -> StaffOrderPage:
    """Each order flagged when SES reported its member's address undeliverable (E1): they miss its emails."""
    unreachable = undeliverable_among(order.email for order in found if not order.is_erased)
    views = [
        StaffOrderView.of_order(order, email_undeliverable=order.email.strip().lower() in unreachable)
        for order in found
    ]
    return StaffOrderPage(orders=views, next_cursor=next_cursor)


def ship(order_number: str, shipment: Shipment) -> OrderDetailView:
    """L7: PAID -> SHIPPED with carrier and tracking number; the shipping announcement goes out once."""
    order = orders.require_order(parse_any_order_number(order_number))
    if check_shipment(order, shipment):
        logger.info("shipment reported again", extra={"order_number": order.order_number})
        return detail(order.order_number)
    now = clock().now()
    email = emails.order_shipped(order, shipment.carrier, shipment.tracking_number)
    order_changes.record_shipment(order, shipped(order, shipment, now), [outbox_email(email, now)])
    metrics.add_metric(name="OrdersShipped", unit="Count", value=1)
    logger.info("order shipped", extra={"order_number": order.order_number, "carrier": shipment.carrier})
    return detail(order.order_number)


def cancel_for_support(
    order_number: str, request: CancellationRequest, also: AlsoWritten = _nothing_else
) -> OrderDetailView:
    """L8: only before payment, with a reason code; never because the release date changed (C2)."""
    order = orders.require_order(parse_any_order_number(order_number))
    reason_text = check_support_cancellation(order, request.reason)
    now = clock().now()
    email = emails.order_cancelled(order, reason_text)
    cancelled = cancelled_by_support(order, request, now)
    order_changes.cancel_order(order, cancelled, [outbox_email(email, now)], also=also(cancelled))
    metrics.add_metric(name="OrdersCancelledBySupport", unit="Count", value=1)
    logger.info("order cancelled by support", extra={"order_number": order.order_number, "reason": request.reason})
    return detail(order.order_number)


@dataclass(frozen=True)
class Replacement:
    detail: OrderDetailView
    created: bool  # False: this support ticket's replacement was recorded before


def report_defect(order_number: str, report: DefectReport, also: AlsoWritten = _nothing_else) -> Replacement:
    """L10: a replacement shipment at no charge, linked both ways to the original; never a refund."""
    original = orders.require_order(parse_any_order_number(order_number))
    now = clock().now()
    replacement = plan_replacement(original, report, order_numbers.next(), now)
    email = outbox_email(emails.replacement_shipment(replacement), now)
    try:
        orders.record_replacement(original, replacement, [email], also=also(replacement))
    except DefectAlreadyRecorded as already:
        existing = already.details.get("replacementOrderNumber")
        if not existing:
            raise
        logger.info("defect reported again", extra={"order_number": original.order_number, "ticket": existing})
        return Replacement(detail(str(existing)), created=False)
    metrics.add_metric(name="ReplacementsSent", unit="Count", value=1)
    logger.info(
        "replacement created", extra={"order_number": original.order_number, "replacement": replacement.order_number}
    )
    return Replacement(detail(replacement.order_number), created=True)


@dataclass(frozen=True)
class Imported:
    imported: list[str]
    already_imported: list[str]


def import_orders(request: ImportRequest) -> Imported:
    """L11: old-shop orders keep their number, items, address and state; each belongs to a signed-up member."""
    check_batch(request, clock().now())
    owners: dict[str, tuple[str, str]] = {}
    unknown = []
    for old in request.orders:
        email = normalise_email(old.member_email)
        member_id = members.member_id_for_email(email)
        if member_id is None:
            unknown.append(email)
        else:
            owners[old.order_number] = (member_id, email)
    if unknown:
        listed = sorted(set(unknown))
        raise ImportRefused(
            "No member has signed up with " + ", ".join(listed) + "; they sign up in the new shop first. "
            "Nothing was imported.",
            memberEmails=listed,
        )
    imported: list[str] = []
    already: list[str] = []
    for old in request.orders:
        member_id, email = owners[old.order_number]
        written = orders.import_order(imported_order(old, member_id, email))
        (imported if written else already).append(old.order_number)
    metrics.add_metric(name="OrdersImported", unit="Count", value=len(imported))
    logger.info("old-shop orders imported", extra={"imported": len(imported), "already": len(already)})
    return Imported(imported=imported, already_imported=already)
