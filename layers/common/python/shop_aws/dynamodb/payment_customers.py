"""P1: each member's customer at the payment processor, made once, kept in the member's partition.

A separate item (PK MEMBER#<id>, SK PAYMENT_CUSTOMER) rather than an attribute of the profile: staff
accounts made by an administrator have no profile, and an update would create a partial one.
"""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from shop.clock import iso
from shop_aws.clients import client
from shop_aws.dynamodb.items import table, to_attributes


def _key(member_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"MEMBER#{member_id}"}, "SK": {"S": "PAYMENT_CUSTOMER"}}


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
