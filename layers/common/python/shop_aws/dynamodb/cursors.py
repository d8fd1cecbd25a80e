"""The page cursors clients resume a listing from: DynamoDB's LastEvaluatedKey, opaque to them."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from shop.errors import InvalidInput
from shop_aws.clients import client


def encode_cursor(last_key: Mapping[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode()


def decode_cursor(cursor: str | None, key_names: frozenset[str]) -> dict[str, Any] | None:
    """The LastEvaluatedKey a cursor stands for, or a 400 if it is not one this query could have given."""
    if not cursor:
        return None
    refused = InvalidInput("The page cursor is not valid; start again from the first page.", field="cursor")
    try:
        decoded: Any = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise refused from error
    well_formed = (
        isinstance(decoded, dict)
        and set(decoded) == key_names
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in decoded.values())
    )
    if not well_formed:
        raise refused
    return dict(decoded)


def query_page(query: dict[str, Any], cursor: str | None, index_prefix: str) -> tuple[list[dict[str, Any]], str | None]:
    """One page of an index query, resumed from a client's cursor (checked to be one of this index's keys)."""
    start = decode_cursor(cursor, frozenset({"PK", "SK", f"{index_prefix}PK", f"{index_prefix}SK"}))
    if start:
        query["ExclusiveStartKey"] = start
    response = client("dynamodb").query(**query)
    return list(response["Items"]), encode_cursor(response.get("LastEvaluatedKey"))
