"""Carts (C3): one item per member holding a map of lines, kept for CART_IDLE_EXPIRY after its last change.

Each change writes one line of the map (`lines.<productId>`) with an update expression, never the whole
cart read before: two devices changing different lines at once both keep their change, and a change of
the same line is written only over the quantity that was read (otherwise CartChanged, read again). The
cart's `expiresAt` is the table's TTL attribute; DynamoDB deletes an expired cart some time after it, so
readers also treat it as empty (shop.cart.as_of).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.cart import Cart, CartItem, LineChange, expiry
from shop.clock import iso, parse_iso
from shop.errors import CartChanged
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, key, table, to_attributes


def cart_key(member_id: str) -> dict[str, Any]:
    return key(f"MEMBER#{member_id}", "CART")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _changed_meanwhile() -> CartChanged:
    return CartChanged("Your cart changed on another device at the same moment; read it again and retry.")


def get_cart(member_id: str) -> Cart | None:
    """The cart as kept, expired or not (None: the member never had one, or DynamoDB deleted it)."""
    response = client("dynamodb").get_item(TableName=table(), Key=cart_key(member_id), ConsistentRead=True)
    if "Item" not in response:
        return None
    values = from_attributes(response["Item"])
    items = [
        CartItem(product_id=product_id, quantity=line["quantity"], added_at=parse_iso(line["addedAt"]))
        for product_id, line in values.get("lines", {}).items()
    ]
    return Cart(
        items=tuple(sorted(items, key=lambda item: (item.added_at, item.product_id))),
        expires_at=datetime.fromtimestamp(values["expiresAt"], UTC),
    )


def write_line(member_id: str, kept: Cart | None, change: LineChange, now: datetime) -> None:
    """C3: one line as the rules changed it, only if it is still as it was read; the cart is kept longer.

    A cart that was absent or expired when read starts again with this line, only if it still is.
    """
    line = {"quantity": change.after.quantity, "addedAt": iso(change.after.added_at)}
    if kept is None or kept.expires_at is None or not kept.is_live(now):
        _start_cart(member_id, change.after.product_id, line, kept.expires_at if kept else None, now)
    else:
        _change_line(member_id, change, line, now)


def _start_cart(member_id: str, product_id: str, line: dict[str, Any], expired: datetime | None, now: datetime) -> None:
    item = {
        "PK": f"MEMBER#{member_id}",
        "SK": "CART",
        "type": "CART",
        "memberId": member_id,
        "lines": {product_id: line},
        "updatedAt": iso(now),
        "expiresAt": _epoch(expiry(now)),
    }
    request: dict[str, Any] = {"TableName": table(), "Item": to_attributes(item)}
    if expired is None:
        request["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        request["ConditionExpression"] = "expiresAt = :read"
        request["ExpressionAttributeValues"] = to_attributes({":read": _epoch(expired)})
    _conditional("put_item", request)


def _change_line(member_id: str, change: LineChange, line: dict[str, Any], now: datetime) -> None:
    values: dict[str, Any] = {":expires": _epoch(expiry(now)), ":at": iso(now), ":now": _epoch(now)}
    if change.before is None:
        assignment, condition = "#lines.#product = :line", "attribute_not_exists(#lines.#product)"
        values[":line"] = line
    else:
        assignment, condition = "#lines.#product.quantity = :quantity", "#lines.#product.quantity = :read"
        values |= {":quantity": change.after.quantity, ":read": change.before.quantity}
    _conditional(
        "update_item",
        {
            "TableName": table(),
            "Key": cart_key(member_id),
            "UpdateExpression": f"SET {assignment}, expiresAt = :expires, updatedAt = :at",
            "ConditionExpression": f"expiresAt > :now AND {condition}",
            "ExpressionAttributeNames": {"#lines": "lines", "#product": change.after.product_id},
            "ExpressionAttributeValues": to_attributes(values),
        },
    )


def remove_line(member_id: str, product_id: str, now: datetime) -> None:
    """C3: the line leaves the cart, whatever its quantity; a cart that is not live has nothing to remove."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=cart_key(member_id),
            UpdateExpression="REMOVE #lines.#product SET expiresAt = :expires, updatedAt = :at",
            ConditionExpression="attribute_exists(#lines) AND expiresAt > :now",
            ExpressionAttributeNames={"#lines": "lines", "#product": product_id},
            ExpressionAttributeValues=to_attributes(
                {":expires": _epoch(expiry(now)), ":at": iso(now), ":now": _epoch(now)}
            ),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def empty_cart(member_id: str) -> None:
    """C3: every line leaves the cart."""
    client("dynamodb").delete_item(TableName=table(), Key=cart_key(member_id))


def remove_ordered_lines(member_id: str, ordered: Mapping[str, int], now: datetime) -> dict[str, Any]:
    """C3: for the checkout's transaction, the lines it ordered leave the cart, only if each still holds
    the quantity ordered (a line changed meanwhile on another device cancels the checkout: CartChanged)."""
    names: dict[str, str] = {"#lines": "lines"}
    values: dict[str, Any] = {":at": iso(now)}
    removals, conditions = [], []
    for index, (product_id, quantity) in enumerate(ordered.items()):
        names[f"#p{index}"] = product_id
        values[f":q{index}"] = quantity
        removals.append(f"#lines.#p{index}")
        conditions.append(f"#lines.#p{index}.quantity = :q{index}")
    return {
        "Update": {
            "TableName": table(),
            "Key": cart_key(member_id),
            "UpdateExpression": "REMOVE " + ", ".join(removals) + " SET updatedAt = :at",
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_attributes(values),
        }
    }


def cart_changed_during_checkout() -> CartChanged:
    return CartChanged(
        "Your cart changed on another device while you checked out; nothing was ordered. "
        "Look at your cart again and confirm."
    )


def _conditional(operation: str, request: dict[str, Any]) -> None:
    try:
        getattr(client("dynamodb"), operation)(**request)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise _changed_meanwhile() from error
        raise
