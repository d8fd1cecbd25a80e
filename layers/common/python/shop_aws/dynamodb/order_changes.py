"""Every change to a placed order, by the name the rules give it.

The rules decide (shop.orders, shop.shipping_dates, shop.support, shop.account, shop.release_dates): each
change takes the order as it was read and the order as the rules made it, and writes the difference in
one transaction with what goes with it (index entries, stock, outbox). The write is conditional on the
order still being in the state it was read in, plus the condition each change names below; when that
no longer holds, the answer is a 409 naming the state the order is in now.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from shop.account import ADDRESS_CHANGE_STATES, PAYMENT_METHOD_CHANGE_STATES
from shop.catalogue import ProductKind
from shop.clock import iso
from shop.errors import Conflict, IllegalTransition, ShopError, StateConflict
from shop.orders import OPEN_STATES, Order, OrderState
from shop.shipping_dates import DATED_STATES
from shop_aws.dynamodb.indexes import (
    RESETTLEMENT_INDEX_ATTRIBUTES,
    close_product_index_entries,
    resettlement_index_values,
    state_index_values,
)
from shop_aws.dynamodb.items import order_key, storable, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.products import return_stock
from shop_aws.dynamodb.transactions import TransactionRefused, transact

Outbox = Sequence[OutboxEntry]

# ---------------------------------------------------------------- moves from one state to the next


def confirm_shipping_date(order: Order, dated: Order, outbox: Outbox, also: Sequence[dict[str, Any]] = ()) -> None:
    """L1: RESERVED -> SHIPPING_DATE_CONFIRMED with the date, and its email (and its fan-out's count, `also`)."""
    _transition(order, dated, ["shippingDate"], outbox=outbox, also=also)


def request_settlement(order: Order, settling: Order, outbox: Outbox, also: Sequence[dict[str, Any]] = ()) -> None:
    """L1: SHIPPING_DATE_CONFIRMED -> SETTLEMENT_PENDING with the SettlementRequested event.

    Only with the payment method that was read: one replaced meanwhile (O13) is read again and charged.
    """
    _transition(
        order,
        settling,
        ["settlementAttempt"],
        condition="paymentToken = :token",
        values={":token": order.payment_token},
        outbox=outbox,
        also=also,
    )


def mark_paid(order: Order, paid: Order) -> None:
    """L3: SETTLEMENT_PENDING or PAYMENT_FAILED -> PAID; the order leaves the deadline index."""
    _transition(order, paid, ["paidAt", "paidSettlementId", "resettlementDeadline"])


def record_payment_failure(order: Order, failed: Order, outbox: Outbox) -> None:
    """L4: SETTLEMENT_PENDING -> PAYMENT_FAILED with the deadline (indexed for L5a and L6) and its email.

    Only for the settlement attempt that was read: a late failure of an earlier attempt changes nothing.
    """
    _transition(
        order,
        failed,
        ["resettlementDeadline", "paymentFailedAt", "paymentFailureReason"],
        condition="settlementAttempt = :attempt",
        values={":attempt": order.settlement_attempt},
        outbox=outbox,
    )


def request_resettlement(order: Order, settling: Order, now: datetime, outbox: Outbox) -> None:
    """L5: PAYMENT_FAILED -> SETTLEMENT_PENDING with the new payment method, before the deadline.

    The expiry (L6) races this: whichever writes first wins, the other finds the state moved.
    """
    _transition(
        order,
        settling,
        ["paymentToken", "paymentCard", "settlementAttempt", "resettlementDeadline", "reminderSentAt"],
        condition="resettlementDeadline > :now",
        values={":now": iso(now)},
        outbox=outbox,
    )


def cancel_order(order: Order, cancelled: Order, outbox: Outbox, also: Sequence[dict[str, Any]] = ()) -> None:
    """L6, L8: -> CANCELLED; the order leaves the product and deadline indexes and its stock goes back.

    Only for the settlement attempt that was read: an order re-settled meanwhile is not the one judged.
    Old-shop orders (L11) never took this shop's stock, so they return none. `also`: what else the
    cancellation writes (the support request it answers, S1).
    """
    returned = order.kind is ProductKind.IN_STOCK and not order.imported
    _transition(
        order,
        cancelled,
        ["cancelledAt", "cancellationReason", "cancelledBy", "cancellationNote", "resettlementDeadline"],
        condition="settlementAttempt = :attempt",
        values={":attempt": order.settlement_attempt},
        also=close_product_index_entries(order)
        + ([return_stock(line.product_id, line.quantity) for line in order.lines] if returned else [])
        + list(also),
        outbox=outbox,
    )


def record_shipment(order: Order, shipped: Order, outbox: Outbox) -> None:
    """L7: PAID -> SHIPPED with carrier and tracking number; the order leaves the product index."""
    _transition(
        order,
        shipped,
        ["carrier", "trackingNumber", "shippedAt"],
        also=close_product_index_entries(order),
        outbox=outbox,
    )


# ---------------------------------------------------------------- changes within a state


def change_shipping_date(order: Order, redated: Order, outbox: Outbox, also: Sequence[dict[str, Any]] = ()) -> None:
    """L2: a confirmed date changes, written only over the date that was read, so each change is told once."""
    if order.shipping_date is None:
        condition, values = "attribute_not_exists(shippingDate)", {}
    else:
        condition, values = "shippingDate = :previous", {":previous": order.shipping_date}
    _change(
        order,
        DATED_STATES,
        redated,
        ["shippingDate"],
        "the shipping date",
        condition=condition,
        values=values,
        outbox=outbox,
        also=also,
    )


def change_shipping_address(order: Order, readdressed: Order, outbox: Outbox) -> None:
    """L9, L11: a new address for this order number, until its shipping date is confirmed."""
    _change(order, ADDRESS_CHANGE_STATES, readdressed, ["shippingAddress"], "the shipping address", outbox=outbox)


def change_payment_method(order: Order, changed: Order, outbox: Outbox) -> None:
    """O13: a new payment method, until the order is charged."""
    fields = ["paymentToken", "paymentCard"]
    _change(order, PAYMENT_METHOD_CHANGE_STATES, changed, fields, "the payment method", outbox=outbox)


def mark_reminded(order: Order, reminded: Order, outbox: Outbox) -> None:
    """L5a: the reminder and its mark, once per failed payment: never twice, never for a moved deadline."""
    deadline = order.resettlement_deadline
    if deadline is None:  # reminder_due lets no such order through; refuse rather than write a bad condition
        raise StateConflict(f"Order {order.order_number} has no re-settlement deadline to remind of.")
    _change(
        order,
        frozenset({OrderState.PAYMENT_FAILED}),
        reminded,
        ["reminderSentAt"],
        "the reminder mark",
        condition="attribute_not_exists(reminderSentAt) AND resettlementDeadline = :deadline",
        values={":deadline": iso(deadline)},
        outbox=outbox,
    )


def announce_release_date(order: Order, line_index: int, told: Order, outbox: Outbox) -> None:
    """C2: the order's line shows the product's new release date; written once, with its email."""
    line, path = order.lines[line_index], f"#lines[{line_index}]"
    _change(
        order,
        OPEN_STATES,
        told,
        [],
        "the release date",
        condition=f"{path}.#productId = :product AND {path}.#releaseDate = :previous",
        values={":product": line.product_id, ":previous": line.release_date},
        outbox=outbox,
        paths={f"{path}.#releaseDate": told.lines[line_index].release_date},
        names={"#lines": "lines", "#releaseDate": "releaseDate", "#productId": "productId"},
    )


# ---------------------------------------------------------------- the one conditional update


def _transition(
    order: Order,
    moved: Order,
    fields: list[str],
    *,
    condition: str = "",
    values: Mapping[str, Any] | None = None,
    also: Sequence[dict[str, Any]] = (),
    outbox: Outbox = (),
) -> None:
    target = moved.state.value

    def refused(current: str) -> ShopError:
        return IllegalTransition(
            f"Order {order.order_number} is {current} now and cannot become {target}.",
            orderNumber=order.order_number,
            currentState=current,
            requestedState=target,
        )

    _update(
        order,
        {"state": target, **state_index_values(moved), **_fields_of(moved, fields)},
        "#state = :from" + (f" AND ({condition})" if condition else ""),
        {":from": order.state.value, **(values or {})},
        also=also,
        outbox=outbox,
        refused=refused,
    )


def _change(
    order: Order,
    allowed_states: Collection[OrderState],
    changed: Order,
    fields: list[str],
    what: str,
    *,
    condition: str = "",
    values: Mapping[str, Any] | None = None,
    outbox: Outbox = (),
    paths: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    also: Sequence[dict[str, Any]] = (),
) -> None:
    states = sorted(state.value for state in allowed_states)

    def refused(current: str) -> ShopError:
        return StateConflict(
            f"Order {order.order_number} changed meanwhile (it is {current} now); {what} was not changed.",
            orderNumber=order.order_number,
            currentState=current,
        )

    in_states = "#state IN (" + ", ".join(f":st{index}" for index in range(len(states))) + ")"
    _update(
        order,
        _fields_of(changed, fields),
        in_states + (f" AND ({condition})" if condition else ""),
        {**{f":st{index}": state for index, state in enumerate(states)}, **(values or {})},
        outbox=outbox,
        refused=refused,
        paths=paths,
        names=names,
        also=also,
    )


def _fields_of(order: Order, fields: list[str]) -> dict[str, Any]:
    """The named attributes as the changed order holds them (None: removed), and its deadline index entry."""
    stored = order.model_dump(by_alias=True)
    written = {name: storable(stored[name]) for name in fields}
    if "resettlementDeadline" in fields:
        deadline = order.resettlement_deadline
        failed = order.state is OrderState.PAYMENT_FAILED and deadline is not None
        entry = resettlement_index_values(deadline, order.order_number) if failed and deadline else {}
        written |= {name: entry.get(name) for name in RESETTLEMENT_INDEX_ATTRIBUTES}
    return written


def _update(
    order: Order,
    set_values: Mapping[str, Any],
    condition: str,
    values: Mapping[str, Any],
    *,
    refused: Callable[[str], ShopError],
    also: Sequence[dict[str, Any]] = (),
    outbox: Outbox = (),
    paths: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """One conditional update of the order (its version bumped), with what goes with it, in one transaction.

    `refused` builds the 409 when the condition no longer holds, given the state the order is in now.
    """
    all_names = {"#state": "state", "#version": "version", **(names or {})}
    all_values: dict[str, Any] = {":one": 1, ":zero": 0, **values}
    assignments, removals = ["#version = if_not_exists(#version, :zero) + :one"], []
    for index, (name, value) in enumerate(set_values.items()):
        all_names[f"#a{index}"] = name
        if value is None:
            removals.append(f"#a{index}")
        else:
            all_values[f":a{index}"] = value
            assignments.append(f"#a{index} = :a{index}")
    for index, (path, value) in enumerate((paths or {}).items()):
        all_values[f":p{index}"] = value
        assignments.append(f"{path} = :p{index}")
    expression = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
    update = {
        "Update": {
            "TableName": table(),
            "Key": order_key(order.order_number),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": all_names,
            "ExpressionAttributeValues": to_attributes(all_values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    try:
        transact([update, *also, *(put_outbox(entry) for entry in outbox)])
    except TransactionRefused as refusal:
        if refusal.condition_failed(0):
            raise refused(str(refusal.item(0).get("state", "unknown"))) from refusal
        if refusal.conflict or any(refusal.condition_failed(index) for index in range(1, len(refusal.reasons))):
            # Another request got there first: the order, or what changes with it (a support request).
            raise Conflict(f"Order {order.order_number} is being changed by another request; try again.") from refusal
        raise
