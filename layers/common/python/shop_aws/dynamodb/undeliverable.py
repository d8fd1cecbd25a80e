"""E1: addresses SES reported as bouncing or complaining, one item per address (lower-cased)."""

from __future__ import annotations

import time
from collections.abc import Iterable
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


def undeliverable_among(addresses: Iterable[str]) -> set[str]:
    """Which of the addresses (lower-cased) SES reported undeliverable: one BatchGetItem for a staff list's page.

    DynamoDB may leave keys unprocessed under load; they are asked again after a short wait, as AWS advises.
    """
    wanted = sorted({address.strip().lower() for address in addresses})
    found: set[str] = set()
    for start in range(0, len(wanted), 100):  # BatchGetItem's limit per call
        keys: dict[str, Any] = {
            table(): {"Keys": [_key(address) for address in wanted[start : start + 100]], "ProjectionExpression": "PK"}
        }
        for attempt in range(6):
            response = client("dynamodb").batch_get_item(RequestItems=keys)
            found |= {item["PK"]["S"].removeprefix("UNDELIVERABLE#") for item in response["Responses"].get(table(), [])}
            keys = response.get("UnprocessedKeys") or {}
            if not keys:
                break
            time.sleep(0.05 * 2**attempt)
        else:
            raise RuntimeError("DynamoDB left keys unprocessed after six tries; the list cannot say who is reachable.")
    return found
