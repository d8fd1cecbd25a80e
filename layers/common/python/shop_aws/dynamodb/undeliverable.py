"""E1: addresses SES reported as bouncing or complaining, one item per address (lower-cased)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.clock import iso
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, table, to_attributes


def _key(address: str) -> dict[str, Any]:
    return to_attributes({"PK": f"UNDELIVERABLE#{address.strip().lower()}", "SK": "ADDRESS"})


def mark_undeliverable(
    address: str, reason: str, email_kind: str | None, order_number: str | None, now: datetime
) -> bool:
    """Records the address as undeliverable; False when it already was (the first report is kept)."""
    item = {
        "type": "UNDELIVERABLE_ADDRESS",
        "reason": reason,
        "since": iso(now),
        "emailKind": email_kind or "unknown",
        **({"orderNumber": order_number} if order_number else {}),
    }
    try:
        client("dynamodb").put_item(
            TableName=table(),
            Item={**_key(address), **to_attributes(item)},
            ConditionExpression="attribute_not_exists(PK)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True


def undeliverable(address: str) -> dict[str, Any] | None:
    item = client("dynamodb").get_item(TableName=table(), Key=_key(address)).get("Item")
    return from_attributes(item) if item else None
