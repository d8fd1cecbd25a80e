"""The shop's single DynamoDB table: how products, members, orders and the outbox are stored.

Item layout and access patterns are written down in docs/data-model.md. Every state change is a
conditional write on the state it leaves; anything that must happen with it (stock, outbox, index
entries) is in the same transaction.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shop.account import erased
from shop.catalogue import Product
from shop.clock import iso, parse_iso
from shop.emails import Email
from shop.errors import (
    AccountWithdrawn,
    Conflict,
    DefectAlreadyRecorded,
    EmailTaken,
    IllegalTransition,
    InvalidInput,
    NotFound,
    ShopError,
    SoldOut,
    StateConflict,
)
from shop.members import NewMember
from shop.order_numbers import listing_key
from shop.orders import ERASED, OPEN_STATES, WITHDRAWN_MEMBER, Order, OrderState, check_transition
from shop_aws.clients import client
from shop_aws.settings import settings

RESETTLEMENT_INDEX = "ResettlementDeadlines"
PRODUCT_ORDERS_INDEX = "ProductOpenOrders"
LISTINGS_INDEX = "Listings"
OUTBOX_RETENTION = timedelta(days=30)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(_deserializer.deserialize(value)) for key, value in item.items()}


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the shop only stores integers (cents, counts)."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _table() -> str:
    return settings().table_name


def _order_key(order_number: str) -> dict[str, Any]:
    return {"PK": {"S": f"ORDER#{order_number}"}, "SK": {"S": "ORDER"}}


def _product_key(product_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"PRODUCT#{product_id}"}, "SK": {"S": "PRODUCT"}}


def encode_cursor(key: Mapping[str, Any] | None) -> str | None:
    """An opaque page cursor for clients, from DynamoDB's LastEvaluatedKey."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str | None, key_names: frozenset[str]) -> dict[str, Any] | None:
    """The LastEvaluatedKey a cursor stands for, or a 400 if it is not one this query could have given."""
    if not cursor:
        return None
    refused = InvalidInput("The page cursor is not valid; start again from the first page.", field="cursor")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise refused from error
    well_formed = (
        isinstance(decoded, dict)
        and set(decoded) == key_names
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in decoded.values())
    )
    if not well_formed:
        raise refused
    return decoded


def _query_page(
    query: dict[str, Any], cursor: str | None, index_prefix: str
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of an index query, resumed from a client's cursor (checked to be one of this index's keys)."""
    start = decode_cursor(cursor, frozenset({"PK", "SK", f"{index_prefix}PK", f"{index_prefix}SK"}))
    if start:
        query["ExclusiveStartKey"] = start
    response = client("dynamodb").query(**query)
    return list(response["Items"]), encode_cursor(response.get("LastEvaluatedKey"))


# ---------------------------------------------------------------- outbox


@dataclass(frozen=True)
class OutboxEntry:
    """Something to deliver after the transaction that decided it commits: an email or a bus event."""

    attributes: dict[str, Any]

    @property
    def outbox_id(self) -> str:
        return str(self.attributes["outboxId"])


def outbox_email(email: Email, now: datetime) -> OutboxEntry:
    return _outbox_entry(
        now,
        kind="EMAIL",
        emailKind=email.kind,
        to=email.to,
        subject=email.subject,
        text=email.text,
        html=email.html,
        orderNumber=email.order_number,
    )


def outbox_event(detail_type: str, detail: Mapping[str, Any], now: datetime) -> OutboxEntry:
    return _outbox_entry(now, kind="EVENT", detailType=detail_type, detail=json.dumps(detail, sort_keys=True))


def outbox_job(job: Mapping[str, Any], now: datetime) -> OutboxEntry:
    """Work for the shipping-date queue (C2 fan-out), decided in the same transaction as what caused it."""
    return _outbox_entry(now, kind="JOB", body=json.dumps(job, sort_keys=True))


def _outbox_entry(now: datetime, **attributes: Any) -> OutboxEntry:
    outbox_id = uuid.uuid4().hex
    return OutboxEntry(
        {
            "PK": f"OUTBOX#{outbox_id}",
            "SK": "OUTBOX",
            "outboxId": outbox_id,
            "createdAt": iso(now),
            "expiresAt": int((now + OUTBOX_RETENTION).timestamp()),
            **attributes,
        }
    )


def _put_outbox(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": _table(),
            "Item": to_attributes(entry.attributes),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def record_email_sent(outbox_id: str, order_number: str | None, subject: str, kind: str, sent_at: datetime) -> None:
    """M6: the order's history lists every email sent about it (subject, time)."""
    if order_number is None:
        return
    client("dynamodb").put_item(
        TableName=_table(),
        Item=to_attributes(
            {
                "PK": f"ORDER#{order_number}",
                "SK": f"EMAIL#{iso(sent_at)}#{outbox_id}",
                "type": "EMAIL_SENT",
                "subject": subject,
                "emailKind": kind,
                "sentAt": iso(sent_at),
            }
        ),
    )


def email_history(order_number: str) -> list[dict[str, Any]]:
    response = client("dynamodb").query(
        TableName=_table(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :email)",
        ExpressionAttributeValues={":pk": {"S": f"ORDER#{order_number}"}, ":email": {"S": "EMAIL#"}},
    )
    return [from_attributes(item) for item in response["Items"]]


# ---------------------------------------------------------------- products


def _product_item(product: Product, version: int) -> dict[str, Any]:
    body = product.model_dump(mode="json", by_alias=True)
    body["blockedRegions"] = sorted(product.blocked_regions)
    return {
        "PK": f"PRODUCT#{product.product_id}",
        "SK": "PRODUCT",
        "type": "PRODUCT",
        "GSI1PK": "CATALOGUE",
        "GSI1SK": product.product_id,
        "version": version,
        **body,
    }


_PRODUCT_FIELDS = frozenset(Product.model_fields[name].alias or name for name in Product.model_fields)


def _product_from(item: Mapping[str, Any]) -> tuple[Product, int]:
    values = from_attributes(item)
    return Product.model_validate({k: v for k, v in values.items() if k in _PRODUCT_FIELDS}), int(values["version"])


def create_product(product: Product) -> None:
    try:
        client("dynamodb").put_item(
            TableName=_table(),
            Item=to_attributes(_product_item(product, version=1)),
            ConditionExpression="attribute_not_exists(PK)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise Conflict(f"Product {product.product_id} already exists.", productId=product.product_id) from error
        raise


def replace_product(product: Product, expected_version: int) -> int:
    """Write staff's changes if nobody (a checkout included) changed the product since it was read."""
    new_version = expected_version + 1
    try:
        client("dynamodb").put_item(
            TableName=_table(),
            Item=to_attributes(_product_item(product, version=new_version)),
            ConditionExpression="version = :read",
            ExpressionAttributeValues={":read": {"N": str(expected_version)}},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise Conflict(
                f"Product {product.product_id} changed while you edited it; read it again and retry.",
                productId=product.product_id,
            ) from error
        raise
    return new_version


def change_release_date(product: Product, expected_version: int, outbox: list[OutboxEntry]) -> int:
    """C2: the product's new release date and the fan-out that tells its open orders, together."""
    new_version = expected_version + 1
    try:
        client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": to_attributes(_product_item(product, version=new_version)),
                        "ConditionExpression": "version = :read",
                        "ExpressionAttributeValues": {":read": {"N": str(expected_version)}},
                    }
                },
                *(_put_outbox(entry) for entry in outbox),
            ]
        )
    except ClientError as error:
        if _cancelled_by_condition(error, 0) or _is_conflict(error):
            raise Conflict(
                f"Product {product.product_id} changed while you edited it; read it again and retry.",
                productId=product.product_id,
            ) from error
        raise
    return new_version


def get_product(product_id: str) -> tuple[Product, int] | None:
    response = client("dynamodb").get_item(TableName=_table(), Key=_product_key(product_id), ConsistentRead=True)
    return _product_from(response["Item"]) if "Item" in response else None


def get_products(product_ids: Iterable[str]) -> dict[str, Product]:
    """One BatchGetItem for a whole cart (at most 20 products), retrying only what DynamoDB left over."""
    keys = [_product_key(pid) for pid in dict.fromkeys(product_ids)]
    found: dict[str, Product] = {}
    request: dict[str, Any] = {_table(): {"Keys": keys, "ConsistentRead": True}}
    while keys and request:
        response = client("dynamodb").batch_get_item(RequestItems=request)
        for item in response["Responses"].get(_table(), []):
            product, _ = _product_from(item)
            found[product.product_id] = product
        request = response.get("UnprocessedKeys") or {}
    return found


def list_products(limit: int, cursor: str | None) -> tuple[list[Product], str | None]:
    query: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": LISTINGS_INDEX,
        "KeyConditionExpression": "GSI1PK = :catalogue",
        "ExpressionAttributeValues": {":catalogue": {"S": "CATALOGUE"}},
        "Limit": limit,
    }
    items, next_cursor = _query_page(query, cursor, "GSI1")
    products = [_product_from(item)[0] for item in items]
    return products, next_cursor


# ---------------------------------------------------------------- members


def create_member(member_id: str, member: NewMember, welcome: OutboxEntry, now: datetime) -> None:
    """Profile, email lock (M3: one member per address whatever its case) and welcome email, together."""
    profile = {
        "PK": f"MEMBER#{member_id}",
        "SK": "PROFILE",
        "type": "MEMBER",
        "memberId": member_id,
        "email": member.email,
        "name": member.name,
        "termsVersion": member.terms_version,
        "termsAcceptedAt": iso(member.terms_accepted_at),
        "isMinor": member.is_minor,
        "guardianConsentAssumed": member.guardian_consent_assumed,
        "createdAt": iso(now),
    }
    lock = {"PK": f"EMAIL#{member.email}", "SK": "EMAIL", "type": "EMAIL_LOCK", "memberId": member_id}
    try:
        client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": to_attributes(lock),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": to_attributes(profile),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                _put_outbox(welcome),
            ]
        )
    except ClientError as error:
        if _cancelled_by_condition(error, 0):
            raise EmailTaken(f"A member with the email address {member.email} already exists.") from error
        raise


def get_member(member_id: str) -> dict[str, Any] | None:
    response = client("dynamodb").get_item(
        TableName=_table(), Key={"PK": {"S": f"MEMBER#{member_id}"}, "SK": {"S": "PROFILE"}}
    )
    return from_attributes(response["Item"]) if "Item" in response else None


def member_id_for_email(email: str) -> str | None:
    """The member who signed up with this (normalised) address, if any (M3)."""
    response = client("dynamodb").get_item(
        TableName=_table(), Key={"PK": {"S": f"EMAIL#{email}"}, "SK": {"S": "EMAIL"}}, ConsistentRead=True
    )
    return str(response["Item"]["memberId"]["S"]) if "Item" in response else None


def _profile_key(member_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"MEMBER#{member_id}"}, "SK": {"S": "PROFILE"}}


# At most this many writes go into one transaction (DynamoDB's limit is 100).
TRANSACTION_LIMIT = 100


def withdraw_member(
    member_id: str, registered_email: str, orders: list[Order], final_email: OutboxEntry, now: datetime
) -> None:
    """M5: erase the profile, free the address, send the final email and unlink the orders.

    The first transaction holds the profile, the email lock, the final email and as many orders as fit;
    it commits only if the member has not withdrawn already. Orders that did not fit follow in
    further transactions; were one to fail, a repeated withdrawal finishes them (erase_orders).
    """
    profile = {
        "Update": {
            "TableName": _table(),
            "Key": _profile_key(member_id),
            "UpdateExpression": (
                "SET email = :erased, #name = :erased, withdrawnAt = :now, #status = :withdrawn "
                "REMOVE isMinor, guardianConsentAssumed"
            ),
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(withdrawnAt)",
            "ExpressionAttributeNames": {"#name": "name", "#status": "status"},
            "ExpressionAttributeValues": to_attributes(
                {":erased": ERASED, ":now": iso(now), ":withdrawn": WITHDRAWN_MEMBER}
            ),
        }
    }
    lock = {
        "Delete": {
            "TableName": _table(),
            "Key": {"PK": {"S": f"EMAIL#{registered_email}"}, "SK": {"S": "EMAIL"}},
            "ConditionExpression": "attribute_not_exists(PK) OR memberId = :member",
            "ExpressionAttributeValues": {":member": {"S": member_id}},
        }
    }
    first = [profile, lock, _put_outbox(final_email)]
    room = TRANSACTION_LIMIT - len(first)
    try:
        client("dynamodb").transact_write_items(
            TransactItems=first + [_erase_order(order, member_id, now) for order in orders[:room]]
        )
    except ClientError as error:
        if _cancelled_by_condition(error, 0):
            raise AccountWithdrawn("This account has already been deleted.") from error
        if _is_conflict(error) or _reasons(error):
            raise Conflict("Your account or one of its orders changed meanwhile; please try again.") from error
        raise
    erase_orders(member_id, orders[room:], now)


def erase_orders(member_id: str, orders: list[Order], now: datetime) -> None:
    """M5: unlink shipped and cancelled orders from a withdrawn member, a transaction per batch."""
    for start in range(0, len(orders), TRANSACTION_LIMIT):
        batch = orders[start : start + TRANSACTION_LIMIT]
        try:
            client("dynamodb").transact_write_items(
                TransactItems=[_erase_order(order, member_id, now) for order in batch]
            )
        except ClientError as error:
            if _is_conflict(error) or _reasons(error):
                raise Conflict("One of your orders changed meanwhile; please try again.") from error
            raise


def _erase_order(order: Order, member_id: str, now: datetime) -> dict[str, Any]:
    """The order keeps its number, lines, amounts and state for the accounts; nothing names the person."""
    kept = erased(order)
    return {
        "Update": {
            "TableName": _table(),
            "Key": _order_key(order.order_number),
            "UpdateExpression": (
                "SET memberId = :withdrawn, email = :erased, shippingAddress = :shipping, "
                "billingAddress = :billing, paymentToken = :erased, erasedAt = :now, "
                "#version = if_not_exists(#version, :zero) + :one REMOVE GSI1PK, GSI1SK"
            ),
            "ConditionExpression": "memberId = :member AND #state IN (:shipped, :cancelled)",
            "ExpressionAttributeNames": {"#state": "state", "#version": "version"},
            "ExpressionAttributeValues": to_attributes(
                {
                    ":withdrawn": kept.member_id,
                    ":erased": ERASED,
                    ":shipping": kept.shipping_address.model_dump(mode="json", by_alias=True, exclude_none=True),
                    ":billing": kept.billing_address.model_dump(mode="json", by_alias=True, exclude_none=True),
                    ":now": iso(now),
                    ":zero": 0,
                    ":one": 1,
                    ":member": member_id,
                    ":shipped": OrderState.SHIPPED.value,
                    ":cancelled": OrderState.CANCELLED.value,
                }
            ),
        }
    }


# ---------------------------------------------------------------- orders


def _order_item(order: Order) -> dict[str, Any]:
    body = order.model_dump(mode="json", by_alias=True, exclude_none=True)
    body["createdAt"] = iso(order.created_at)
    listing = (
        {}
        if order.is_erased
        else {"GSI1PK": f"MEMBER#{order.member_id}", "GSI1SK": listing_key(order.order_number, order.created_at)}
    )
    return {"PK": f"ORDER#{order.order_number}", "SK": "ORDER", "type": "ORDER", **listing, **body}


def _product_index_entry(order_number: str, product_id: str, *, indexed: bool = True) -> dict[str, Any]:
    """Makes an open order findable from its product (shipping dates, release news).

    Not indexed: the entry exists (so closing it later is harmless) but no product-wide change reaches it.
    """
    entry = {"PK": f"ORDER#{order_number}", "SK": f"PRODUCT#{product_id}", "type": "ORDER_PRODUCT"}
    if indexed:
        entry |= {"GSI2PK": f"PRODUCT#{product_id}", "GSI2SK": order_number}
    return entry


def member_orders(member_id: str, limit: int, cursor: str | None) -> tuple[list[Order], str | None]:
    """One page of the member's own orders, newest first (My Account)."""
    query: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": LISTINGS_INDEX,
        "KeyConditionExpression": "GSI1PK = :member",
        "ExpressionAttributeValues": {":member": {"S": f"MEMBER#{member_id}"}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    items, next_cursor = _query_page(query, cursor, "GSI1")
    orders = [order_from(item) for item in items]
    return orders, next_cursor


def all_member_orders(member_id: str, page_size: int = 100) -> list[Order]:
    """Every order still linked to the member (withdrawal checks them all, M5)."""
    orders: list[Order] = []
    cursor: str | None = None
    while True:
        page, cursor = member_orders(member_id, page_size, cursor)
        orders.extend(page)
        if cursor is None:
            return orders


def order_from(item: Mapping[str, Any]) -> Order:
    values = from_attributes(item)
    if "resettlementDeadline" in values:
        values["resettlementDeadline"] = parse_iso(values["resettlementDeadline"])
    values["createdAt"] = parse_iso(values["createdAt"])
    return Order.model_validate({k: v for k, v in values.items() if k in _ORDER_FIELDS})


_ORDER_FIELDS = frozenset(Order.model_fields[name].alias or name for name in Order.model_fields)


def place_checkout(orders: list[Order], stock_to_take: Mapping[str, int], outbox: list[OutboxEntry]) -> None:
    """Every order, index entry, stock decrement and email of one checkout: all or nothing (O7)."""
    stock_updates = [
        {
            "Update": {
                "TableName": _table(),
                "Key": _product_key(product_id),
                "UpdateExpression": "SET stock = stock - :quantity, version = version + :one",
                "ConditionExpression": "attribute_exists(PK) AND kind = :in_stock AND stock >= :quantity",
                "ExpressionAttributeValues": {
                    ":quantity": {"N": str(quantity)},
                    ":one": {"N": "1"},
                    ":in_stock": {"S": "IN_STOCK"},
                },
            }
        }
        for product_id, quantity in stock_to_take.items()
    ]
    puts = [_order_item(order) for order in orders] + [
        _product_index_entry(order.order_number, line.product_id) for order in orders for line in order.lines
    ]
    items = stock_updates + [
        {"Put": {"TableName": _table(), "Item": to_attributes(put), "ConditionExpression": "attribute_not_exists(PK)"}}
        for put in puts
    ]
    items += [_put_outbox(entry) for entry in outbox]
    if orders:
        # M5: a member who withdrew may still hold a token that has not expired; they order nothing.
        items.append(
            {
                "ConditionCheck": {
                    "TableName": _table(),
                    "Key": _profile_key(orders[0].member_id),
                    "ConditionExpression": "attribute_not_exists(withdrawnAt)",
                }
            }
        )
    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as error:
        if orders and _cancelled_by_condition(error, len(items) - 1):
            raise AccountWithdrawn("This account has been deleted; it can no longer place orders.") from error
        sold_out = [
            product_id for index, product_id in enumerate(stock_to_take) if _cancelled_by_condition(error, index)
        ]
        if sold_out:
            names = {line.product_id: line.name for order in orders for line in order.lines}
            problems = [
                {"code": "SOLD_OUT", "message": f"{names[pid]} is sold out.", "productId": pid} for pid in sold_out
            ]
            raise SoldOut(
                "The order cannot be placed: " + " ".join(p["message"] for p in problems) + " Nothing was ordered.",
                problems=problems,
            ) from error
        if _is_conflict(error):
            raise Conflict("The shop is busy with the same products; please confirm your order again.") from error
        raise


def get_order(order_number: str) -> Order | None:
    response = client("dynamodb").get_item(TableName=_table(), Key=_order_key(order_number), ConsistentRead=True)
    return order_from(response["Item"]) if "Item" in response else None


@dataclass
class Transition:
    """One conditional move of an order from the state it is in, with everything that goes with it."""

    order: Order
    target: OrderState
    set_values: dict[str, Any] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    condition: str | None = None
    condition_values: dict[str, Any] = field(default_factory=dict)
    outbox: list[OutboxEntry] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)


def apply_transition(transition: Transition) -> None:
    """Write the move only if the order is still in the state it was read in; otherwise a 409 naming it."""
    order = transition.order
    check_transition(order.order_number, order.state, transition.target)
    target = transition.target.value

    def refused(current: str) -> ShopError:
        return IllegalTransition(
            f"Order {order.order_number} is {current} now and cannot become {target}.",
            orderNumber=order.order_number,
            currentState=current,
            requestedState=target,
        )

    _write_order_update(
        order,
        set_values={"state": target, **transition.set_values},
        remove=transition.remove,
        condition="#state = :from" + (f" AND ({transition.condition})" if transition.condition else ""),
        values={":from": order.state.value, **transition.condition_values},
        extra=transition.extra,
        outbox=transition.outbox,
        refused=refused,
    )


def _write_order_update(
    order: Order,
    *,
    set_values: Mapping[str, Any],
    remove: list[str],
    condition: str,
    values: Mapping[str, Any],
    extra: list[dict[str, Any]],
    outbox: list[OutboxEntry],
    refused: Callable[[str], ShopError],
    set_paths: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """One conditional update of the order (version bumped) with what goes with it, in one transaction.

    `refused` builds the 409 when the condition no longer holds, given the state the order is in now.
    """
    all_names = {"#state": "state", "#version": "version", **(names or {})}
    all_values: dict[str, Any] = {":one": 1, ":zero": 0, **values}
    set_parts = ["#version = if_not_exists(#version, :zero) + :one"]
    for index, (name, value) in enumerate(set_values.items()):
        all_names[f"#s{index}"] = name
        all_values[f":s{index}"] = value
        set_parts.append(f"#s{index} = :s{index}")
    for index, (path, value) in enumerate((set_paths or {}).items()):
        all_values[f":p{index}"] = value
        set_parts.append(f"{path} = :p{index}")
    expression = "SET " + ", ".join(set_parts)
    if remove:
        all_names.update({f"#r{index}": name for index, name in enumerate(remove)})
        expression += " REMOVE " + ", ".join(f"#r{index}" for index in range(len(remove)))
    update = {
        "Update": {
            "TableName": _table(),
            "Key": _order_key(order.order_number),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": all_names,
            "ExpressionAttributeValues": to_attributes(all_values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    try:
        client("dynamodb").transact_write_items(TransactItems=[update, *extra, *(_put_outbox(e) for e in outbox)])
    except ClientError as error:
        if _cancelled_by_condition(error, 0):
            raise refused(_state_in_cancellation(error) or "unknown") from error
        if _is_conflict(error):
            raise Conflict(f"Order {order.order_number} is being changed by another request; try again.") from error
        raise


def close_product_index_entries(order: Order) -> list[dict[str, Any]]:
    """A shipped or cancelled order leaves its products' open-order index."""
    return [
        {
            "Update": {
                "TableName": _table(),
                "Key": {"PK": {"S": f"ORDER#{order.order_number}"}, "SK": {"S": f"PRODUCT#{line.product_id}"}},
                "UpdateExpression": "REMOVE GSI2PK, GSI2SK",
            }
        }
        for line in order.lines
    ]


def return_stock(order: Order) -> list[dict[str, Any]]:
    """A cancelled in-stock order puts its quantities back on the shelf.

    Not an old-shop order (L11): its items never came from this shop's stock.
    """
    if order.kind.value != "IN_STOCK" or order.imported:
        return []
    return [
        {
            "Update": {
                "TableName": _table(),
                "Key": _product_key(line.product_id),
                "UpdateExpression": "SET stock = stock + :quantity, version = version + :one",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": {":quantity": {"N": str(line.quantity)}, ":one": {"N": "1"}},
            }
        }
        for line in order.lines
    ]


def product_open_orders(product_id: str, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
    """One page of the product's open order numbers, oldest first."""
    query: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": PRODUCT_ORDERS_INDEX,
        "KeyConditionExpression": "GSI2PK = :product",
        "ExpressionAttributeValues": {":product": {"S": f"PRODUCT#{product_id}"}},
        "Limit": limit,
    }
    items, next_cursor = _query_page(query, cursor, "GSI2")
    numbers = [item["GSI2SK"]["S"] for item in items]
    return numbers, next_cursor


def resettlement_index_values(deadline: datetime, order_number: str) -> dict[str, Any]:
    """Puts a failed payment into the sparse deadline index, which the expiry job reads alone."""
    return {"GSI3PK": "RESETTLEMENT", "GSI3SK": f"{iso(deadline)}#{order_number}"}


RESETTLEMENT_INDEX_ATTRIBUTES = ["GSI3PK", "GSI3SK"]


def orders_past_deadline(now: datetime, limit: int, cursor: str | None = None) -> tuple[list[str], str | None]:
    """One page of order numbers whose re-settlement deadline is at or before now, earliest first (L6)."""
    query: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": RESETTLEMENT_INDEX,
        "KeyConditionExpression": "GSI3PK = :index AND GSI3SK <= :now",
        "ExpressionAttributeValues": {":index": {"S": "RESETTLEMENT"}, ":now": {"S": f"{iso(now)}#~"}},
        "Limit": limit,
    }
    items, next_cursor = _query_page(query, cursor, "GSI3")
    numbers = [item["PK"]["S"].removeprefix("ORDER#") for item in items]
    return numbers, next_cursor


def orders_with_deadline_between(
    after: datetime, until: datetime, limit: int, cursor: str | None = None
) -> tuple[list[str], str | None]:
    """One page of order numbers whose re-settlement deadline is after `after` and at or before `until` (L5a)."""
    query: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": RESETTLEMENT_INDEX,
        "KeyConditionExpression": "GSI3PK = :index AND GSI3SK BETWEEN :after AND :until",
        "ExpressionAttributeValues": {
            ":index": {"S": "RESETTLEMENT"},
            ":after": {"S": f"{iso(after)}#~"},
            ":until": {"S": f"{iso(until)}#~"},
        },
        "Limit": limit,
    }
    items, next_cursor = _query_page(query, cursor, "GSI3")
    numbers = [item["PK"]["S"].removeprefix("ORDER#") for item in items]
    return numbers, next_cursor


@dataclass
class OrderChange:
    """A conditional change to an order that stays in its state (an address, a date, a reminder mark).

    Written only while the order is in one of `allowed_states` and `condition` holds; otherwise a 409
    naming the state the order is in now.
    """

    order: Order
    allowed_states: frozenset[OrderState]
    set_values: dict[str, Any] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    condition: str | None = None
    condition_values: dict[str, Any] = field(default_factory=dict)
    outbox: list[OutboxEntry] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    what: str = "the order"
    # Document paths (a list element's attribute) with the #names they use, for changes inside an attribute.
    set_paths: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def apply_change(change: OrderChange) -> None:
    order = change.order
    states = sorted(state.value for state in change.allowed_states)

    def refused(current: str) -> ShopError:
        return StateConflict(
            f"Order {order.order_number} changed meanwhile (it is {current} now); {change.what} was not changed.",
            orderNumber=order.order_number,
            currentState=current,
        )

    condition = "#state IN (" + ", ".join(f":st{index}" for index in range(len(states))) + ")"
    _write_order_update(
        order,
        set_values=change.set_values,
        remove=change.remove,
        condition=condition + (f" AND ({change.condition})" if change.condition else ""),
        values={**{f":st{index}": state for index, state in enumerate(states)}, **change.condition_values},
        extra=change.extra,
        outbox=change.outbox,
        refused=refused,
        set_paths=change.set_paths,
        names=change.names,
    )


def announce_release_date(order: Order, line_index: int, release_date: str, outbox: list[OutboxEntry]) -> None:
    """C2: the order's line shows the product's new release date; written once, with its email."""
    line = order.lines[line_index]
    path = f"#lines[{line_index}]"
    apply_change(
        OrderChange(
            order=order,
            allowed_states=OPEN_STATES,
            set_paths={f"{path}.#releaseDate": release_date},
            names={"#lines": "lines", "#releaseDate": "releaseDate", "#productId": "productId"},
            condition=f"{path}.#productId = :product AND {path}.#releaseDate = :previous",
            condition_values={":product": line.product_id, ":previous": line.release_date},
            outbox=outbox,
            what="the release date",
        )
    )


def record_replacement(original: Order, replacement: Order, outbox: list[OutboxEntry], now: datetime) -> None:
    """L10: the replacement order, the defect report and the link both ways, in one transaction.

    The original must still be SHIPPED; the report (one per support ticket) makes a retry harmless.
    """
    ticket = replacement.support_ticket or ""
    link = {
        "Update": {
            "TableName": _table(),
            "Key": _order_key(original.order_number),
            "UpdateExpression": (
                "SET replacements = list_append(if_not_exists(replacements, :none), :new), "
                "#version = if_not_exists(#version, :zero) + :one"
            ),
            "ConditionExpression": "#state = :shipped",
            "ExpressionAttributeNames": {"#state": "state", "#version": "version"},
            "ExpressionAttributeValues": to_attributes(
                {
                    ":none": [],
                    ":new": [replacement.order_number],
                    ":zero": 0,
                    ":one": 1,
                    ":shipped": OrderState.SHIPPED.value,
                }
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
        "reportedAt": iso(now),
    }
    puts = [
        report,
        _order_item(replacement),
        # Support ships a replacement itself: product-wide dates (L1, L2, C2) do not reach it.
        *(_product_index_entry(replacement.order_number, line.product_id, indexed=False) for line in replacement.lines),
    ]
    items = [link] + [
        {
            "Put": {
                "TableName": _table(),
                "Item": to_attributes(put),
                "ConditionExpression": "attribute_not_exists(PK)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        for put in puts
    ]
    items += [_put_outbox(entry) for entry in outbox]
    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as error:
        if _cancelled_by_condition(error, 1):
            existing = _reasons(error)[1].get("Item", {}).get("replacementOrderNumber", {}).get("S")
            raise DefectAlreadyRecorded(
                f"Support ticket {ticket} is already recorded on order {original.order_number}"
                + (f"; its replacement is order {existing}." if existing else "."),
                orderNumber=original.order_number,
                replacementOrderNumber=existing,
            ) from error
        if _cancelled_by_condition(error, 0):
            current = _state_in_cancellation(error) or "unknown"
            raise IllegalTransition(
                f"Order {original.order_number} is {current} now; a replacement is sent only for a shipped order.",
                orderNumber=original.order_number,
                currentState=current,
            ) from error
        if _is_conflict(error):
            raise Conflict(f"Order {original.order_number} is being changed by another request; try again.") from error
        raise


def import_order(order: Order) -> bool:
    """L11: an old-shop order as it was; False if its number is already here (a repeated import)."""
    open_order = order.state in OPEN_STATES
    puts = [_order_item(order)]
    if open_order:
        puts += [_product_index_entry(order.order_number, line.product_id) for line in order.lines]
    try:
        client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": to_attributes(put),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
                for put in puts
            ]
        )
    except ClientError as error:
        if _cancelled_by_condition(error, 0):
            return False
        raise
    return True


def require_order(order_number: str) -> Order:
    order = get_order(order_number)
    if order is None:
        raise NotFound(f"There is no order {order_number}.", orderNumber=order_number)
    return order


# ---------------------------------------------------------------- errors


def _reasons(error: ClientError) -> list[dict[str, Any]]:
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        return []
    reasons = error.response.get("CancellationReasons")
    if reasons is None:
        reasons = _reasons_from_message(error.response["Error"].get("Message", ""))
    return list(reasons)


def _reasons_from_message(message: str) -> list[dict[str, Any]]:
    """Some SDK paths only carry the reasons in the message: '[ConditionalCheckFailed, None]'."""
    start, end = message.find("["), message.rfind("]")
    if start < 0 or end < start:
        return []
    return [{"Code": code.strip()} for code in message[start + 1 : end].split(",")]


def _cancelled_by_condition(error: ClientError, index: int) -> bool:
    reasons = _reasons(error)
    return index < len(reasons) and reasons[index].get("Code") == "ConditionalCheckFailed"


def _state_in_cancellation(error: ClientError) -> str | None:
    reasons = _reasons(error)
    if reasons and "Item" in reasons[0]:
        return str(reasons[0]["Item"].get("state", {}).get("S"))
    return None


def _is_conflict(error: ClientError) -> bool:
    code = error.response["Error"]["Code"]
    if code in {"TransactionConflictException", "TransactionInProgressException"}:
        return True
    return any(reason.get("Code") == "TransactionConflict" for reason in _reasons(error))
