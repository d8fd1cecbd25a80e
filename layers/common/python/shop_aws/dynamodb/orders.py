"""Orders: placing them (O3-O7, O11), importing them (L11), replacing them (L10), and reading them (M6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shop.clock import iso
from shop.errors import (
    AccountWithdrawn,
    Conflict,
    DefectAlreadyRecorded,
    EmailNotVerified,
    IllegalTransition,
    NotFound,
    SoldOut,
)
from shop.order_numbers import listing_key
from shop.orders import OPEN_STATES, Order, OrderState
from shop_aws.clients import client
from shop_aws.dynamodb import carts
from shop_aws.dynamodb.cursors import query_page
from shop_aws.dynamodb.indexes import STATE_INDEX, product_index_entry, state_index_key, state_index_values
from shop_aws.dynamodb.items import from_attributes, order_key, profile_key, stored, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.products import LISTINGS_INDEX, take_stock
from shop_aws.dynamodb.transactions import TransactionRefused, put_new, transact

_FIELDS = frozenset(Order.model_fields[name].alias or name for name in Order.model_fields)


def order_item(order: Order) -> dict[str, Any]:
    """The order as stored: listed under its state for staff, and under its member for My Account unless the
    member withdrew (M5)."""
    listing = (
        {}
        if order.is_erased
        else {"GSI1PK": f"MEMBER#{order.member_id}", "GSI1SK": listing_key(order.order_number, order.created_at)}
    )
    return {
        "PK": f"ORDER#{order.order_number}",
        "SK": "ORDER",
        "type": "ORDER",
        **listing,
        **state_index_values(order),
        **stored(order),
    }


def order_from(item: Mapping[str, Any]) -> Order:
    values = from_attributes(item)
    return Order.model_validate({k: v for k, v in values.items() if k in _FIELDS})


def get_order(order_number: str) -> Order | None:
    response = client("dynamodb").get_item(TableName=table(), Key=order_key(order_number), ConsistentRead=True)
    return order_from(response["Item"]) if "Item" in response else None


def require_order(order_number: str) -> Order:
    """The order, or a 404 naming it."""
    order = get_order(order_number)
    if order is None:
        raise NotFound(f"There is no order {order_number}.", orderNumber=order_number)
    return order


def member_orders(member_id: str, limit: int, cursor: str | None) -> tuple[list[Order], str | None]:
    """One page of the member's own orders, newest first (My Account)."""
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": LISTINGS_INDEX,
        "KeyConditionExpression": "GSI1PK = :member",
        "ExpressionAttributeValues": {":member": {"S": f"MEMBER#{member_id}"}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI1")
    return [order_from(item) for item in items], next_cursor


def orders_in_state(
    state: OrderState, limit: int, cursor: str | None, *, newest_first: bool = False
) -> tuple[list[Order], str | None]:
    """One page of the orders in the state, oldest first unless asked otherwise (staff's lists)."""
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": STATE_INDEX,
        "KeyConditionExpression": "GSI6PK = :state",
        "ExpressionAttributeValues": {":state": {"S": state_index_key(state)}},
        "ScanIndexForward": not newest_first,
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI6")
    return [order_from(item) for item in items], next_cursor


def all_member_orders(member_id: str, page_size: int = 100) -> list[Order]:
    """Every order still linked to the member (withdrawal checks them all, M5)."""
    orders: list[Order] = []
    cursor: str | None = None
    while True:
        page, cursor = member_orders(member_id, page_size, cursor)
        orders.extend(page)
        if cursor is None:
            return orders


def place_checkout(
    orders: list[Order],
    stock_to_take: Mapping[str, int],
    outbox: list[OutboxEntry],
    *,
    cart_lines: Mapping[str, int] | None = None,
) -> None:
    """Every order, index entry, stock decrement and email of one checkout: all or nothing (O7).

    The stock updates come first, so a failed condition's position names the product that sold out. A
    checkout of the member's saved cart (C3) removes the lines it ordered (product: quantity) in the same
    transaction, only if each still holds what was ordered.
    """
    items = [take_stock(product_id, quantity) for product_id, quantity in stock_to_take.items()]
    items += [put_new(order_item(order)) for order in orders]
    items += [
        put_new(product_index_entry(order.order_number, line.product_id)) for order in orders for line in order.lines
    ]
    items += [put_outbox(entry) for entry in outbox]
    cart_index = len(items)
    if orders and cart_lines:
        items.append(carts.remove_ordered_lines(orders[0].member_id, cart_lines, orders[0].created_at))
    if orders:
        # M5: a member who withdrew may still hold a token that has not expired; they order nothing.
        # M7: nor does a member whose address is not verified yet. A sign-in without a member profile (a staff
        # account an administrator made) has no address of its own to verify (docs/decisions.md, M7).
        items.append(
            {
                "ConditionCheck": {
                    "TableName": table(),
                    "Key": profile_key(orders[0].member_id),
                    "ConditionExpression": (
                        "attribute_not_exists(PK) OR "
                        "(attribute_not_exists(withdrawnAt) AND attribute_exists(emailVerifiedAt))"
                    ),
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
        )
    try:
        transact(items)
    except TransactionRefused as refused:
        if orders and refused.condition_failed(len(items) - 1):
            if "withdrawnAt" in refused.item(len(items) - 1):
                raise AccountWithdrawn("This account has been deleted; it can no longer place orders.") from refused
            raise EmailNotVerified(
                f"Please confirm your email address {orders[0].email} first: open the link we emailed you, or ask "
                "for a new one (POST /account/verification-email). Every message about your orders goes to this "
                "address. Nothing was ordered; your cart is unchanged.",
                email=orders[0].email,
            ) from refused
        sold_out = [pid for index, pid in enumerate(stock_to_take) if refused.condition_failed(index)]
        if sold_out:
            raise _sold_out(sold_out, orders) from refused
        if cart_lines and refused.condition_failed(cart_index):
            raise carts.cart_changed_during_checkout() from refused
        if refused.conflict:
            raise Conflict("The shop is busy with the same products; please confirm your order again.") from refused
        raise


def _sold_out(product_ids: list[str], orders: list[Order]) -> SoldOut:
    """O7: another checkout took the last units between reading the catalogue and writing."""
    names = {line.product_id: line.name for order in orders for line in order.lines}
    problems = [{"code": "SOLD_OUT", "message": f"{names[pid]} is sold out.", "productId": pid} for pid in product_ids]
    return SoldOut(
        "The order cannot be placed: " + " ".join(p["message"] for p in problems) + " Nothing was ordered.",
        problems=problems,
    )


def import_order(order: Order) -> bool:
    """L11: an old-shop order as it was; False if its number is already here (a repeated import)."""
    puts = [order_item(order)]
    if order.state in OPEN_STATES:
        puts += [product_index_entry(order.order_number, line.product_id) for line in order.lines]
    try:
        transact([put_new(put) for put in puts])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            return False
        raise
    return True


def record_replacement(
    original: Order, replacement: Order, outbox: list[OutboxEntry], also: Sequence[dict[str, Any]] = ()
) -> None:
    """L10: the replacement order, the defect report and the link both ways, in one transaction.

    The original must still be SHIPPED; the report (one per support ticket) makes a retry harmless.
    `also`: what else the replacement writes (the support request it answers, S1).
    """
    ticket = replacement.support_ticket or ""
    link = {
        "Update": {
            "TableName": table(),
            "Key": order_key(original.order_number),
            "UpdateExpression": (
                "SET replacements = list_append(if_not_exists(replacements, :none), :new), "
                "#version = if_not_exists(#version, :zero) + :one"
            ),
            "ConditionExpression": "#state = :shipped",
            "ExpressionAttributeNames": {"#state": "state", "#version": "version"},
            "ExpressionAttributeValues": to_attributes(
                {":none": [], ":new": [replacement.order_number], ":zero": 0, ":one": 1, ":shipped": "SHIPPED"}
            ),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    report = {
        "PK": f"ORDER#{original.order_number}",
        "SK": f"DEFECT#{ticket}",
        "type": "DEFECT_REPORT",
        "supportTicket": ticket,
        "description": replacement.defect,
        "replacementOrderNumber": replacement.order_number,
        "reportedAt": iso(replacement.created_at),
    }
    # Support ships a replacement itself: product-wide dates (L1, L2, C2) do not reach it.
    entries = [
        product_index_entry(replacement.order_number, line.product_id, indexed=False) for line in replacement.lines
    ]
    items = [link, *(put_new(put, return_old=True) for put in [report, order_item(replacement), *entries])]
    items += [put_outbox(entry) for entry in outbox]
    items += also
    try:
        transact(items)
    except TransactionRefused as refused:
        if refused.condition_failed(1):
            existing = refused.item(1).get("replacementOrderNumber")
            raise DefectAlreadyRecorded(
                f"Support ticket {ticket} is already recorded on order {original.order_number}"
                + (f"; its replacement is order {existing}." if existing else "."),
                orderNumber=original.order_number,
                replacementOrderNumber=existing,
            ) from refused
        if refused.condition_failed(0):
            current = refused.item(0).get("state", "unknown")
            raise IllegalTransition(
                f"Order {original.order_number} is {current} now; a replacement is sent only for a shipped order.",
                orderNumber=original.order_number,
                currentState=current,
            ) from refused
        if refused.conflict or any(refused.condition_failed(index) for index in range(len(refused.reasons))):
            raise Conflict(
                f"Order {original.order_number} is being changed by another request; try again."
            ) from refused
        raise
