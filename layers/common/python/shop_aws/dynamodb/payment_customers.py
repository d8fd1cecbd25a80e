"""P1: each member's customer at the payment processor, made once, kept in the member's partition.

A separate item (PK MEMBER#<id>, SK PAYMENT_CUSTOMER) rather than an attribute of the profile: staff
accounts made by an administrator have no profile, and an update would create a partial one.

M5: a withdrawal asks for the customer's erasure in its own transaction (an outbox event); the item is
deleted once the processor has deleted the customer, so until then it says that an erasure is owed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.clock import iso
from shop.payments import CUSTOMER_ERASURE_REQUESTED, CustomerErasure
from shop_aws.clients import client
from shop_aws.dynamodb.items import table, to_attributes
from shop_aws.dynamodb.outbox import outbox_event, put_outbox
from shop_aws.dynamodb.transactions import TransactionRefused, transact


def _key(member_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"MEMBER#{member_id}"}, "SK": {"S": "PAYMENT_CUSTOMER"}}


_ABSENT = {"ConditionExpression": "attribute_not_exists(PK)"}


def _naming(customer_id: str) -> dict[str, Any]:
    """The condition that the item is there and names this customer."""
    return {
        "ConditionExpression": "customerId = :customer",
        "ExpressionAttributeValues": {":customer": {"S": customer_id}},
    }


def payment_customer(member_id: str) -> str | None:
    """The member's customer id at the processor, if one was made."""
    response = client("dynamodb").get_item(TableName=table(), Key=_key(member_id), ConsistentRead=True)
    return str(response["Item"]["customerId"]["S"]) if "Item" in response else None


def keep_payment_customer(member_id: str, customer_id: str, now: datetime) -> str:
    """Keep the first customer made for the member; a concurrent second one loses and the first is returned."""
    item = {
        "PK": f"MEMBER#{member_id}",
        "SK": "PAYMENT_CUSTOMER",
        "type": "PAYMENT_CUSTOMER",
        "memberId": member_id,
        "customerId": customer_id,
        "createdAt": iso(now),
    }
    try:
        client("dynamodb").put_item(
            TableName=table(), Item=to_attributes(item), ConditionExpression="attribute_not_exists(PK)"
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        kept = payment_customer(member_id)
        if kept is None:
            raise
        return kept
    return customer_id


def erasure_items(member_id: str, customer_id: str | None, now: datetime) -> list[dict[str, Any]]:
    """M5, for the withdrawal's transaction: the erasure event of the customer read before it, on condition
    that the item still names it; with none read, the condition that none was made meanwhile."""
    if customer_id is None:
        return [{"ConditionCheck": {"TableName": table(), "Key": _key(member_id), **_ABSENT}}]
    erasure = CustomerErasure(member_id=member_id, customer_id=customer_id)
    return [
        {"ConditionCheck": {"TableName": table(), "Key": _key(member_id), **_naming(customer_id)}},
        put_outbox(outbox_event(CUSTOMER_ERASURE_REQUESTED, erasure.model_dump(), now)),
    ]


def request_erasure(member_id: str, customer_id: str, now: datetime) -> None:
    """M5: ask again for the erasure of a customer still kept (a withdrawal repeated before it was done)."""
    try:
        transact(erasure_items(member_id, customer_id, now))
    except TransactionRefused as refused:
        if not refused.condition_failed(0):
            raise
        # The item went meanwhile: the erasure was done.


def forget_payment_customer(erasure: CustomerErasure) -> bool:
    """M5: the item goes once the processor deleted the customer; False when it had gone already."""
    try:
        client("dynamodb").delete_item(TableName=table(), Key=_key(erasure.member_id), **_naming(erasure.customer_id))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True
