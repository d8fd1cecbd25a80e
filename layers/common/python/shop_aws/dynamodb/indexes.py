"""The indexes orders are found by, so reads follow the work, not the table's size.

- ProductOpenOrders (GSI2): an entry per open order and product; shipping dates (L1, L2) and release-date
  news (C2) fan out from it, and staff see how many orders a date will reach. A shipped or cancelled order
  leaves it.
- ResettlementDeadlines (GSI3): a failed payment's order, by deadline; the expiry (L6) and the reminder
  (L5a) read only it. Re-settled, paid or cancelled orders leave it.
- OrdersByState (GSI6): every order under its current state, by time of order (staff's lists); each
  transition moves it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop.clock import iso
from shop.order_numbers import listing_key
from shop.orders import Order, OrderState
from shop_aws.clients import client
from shop_aws.dynamodb.cursors import query_page
from shop_aws.dynamodb.items import key, table

PRODUCT_ORDERS_INDEX = "ProductOpenOrders"
RESETTLEMENT_INDEX = "ResettlementDeadlines"
RESETTLEMENT_INDEX_ATTRIBUTES = ("GSI3PK", "GSI3SK")
STATE_INDEX = "OrdersByState"


def product_index_entry(order_number: str, product_id: str, *, indexed: bool = True) -> dict[str, Any]:
    """Makes an open order findable from its product.

    Not indexed: the entry exists (so closing it later is harmless) but no product-wide change reaches it.
    """
    entry = {"PK": f"ORDER#{order_number}", "SK": f"PRODUCT#{product_id}", "type": "ORDER_PRODUCT"}
    if indexed:
        entry |= {"GSI2PK": f"PRODUCT#{product_id}", "GSI2SK": order_number}
    return entry


def close_product_index_entries(order: Order) -> list[dict[str, Any]]:
    """A shipped or cancelled order leaves its products' open-order index (in the same transaction)."""
    return [
        {
            "Update": {
                "TableName": table(),
                "Key": key(f"ORDER#{order.order_number}", f"PRODUCT#{line.product_id}"),
                "UpdateExpression": "REMOVE GSI2PK, GSI2SK",
            }
        }
        for line in order.lines
    ]


def product_open_orders(product_id: str, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
    """One page of the product's open order numbers, oldest first."""
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": PRODUCT_ORDERS_INDEX,
        "KeyConditionExpression": "GSI2PK = :product",
        "ExpressionAttributeValues": {":product": {"S": f"PRODUCT#{product_id}"}},
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI2")
    return [item["GSI2SK"]["S"] for item in items], next_cursor


def count_product_open_orders(product_id: str) -> int:
    """How many open orders of the product a shipping date would reach now (L1, L2): counted, not read."""
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": PRODUCT_ORDERS_INDEX,
        "KeyConditionExpression": "GSI2PK = :product",
        "ExpressionAttributeValues": {":product": {"S": f"PRODUCT#{product_id}"}},
        "Select": "COUNT",
    }
    counted = 0
    while True:
        response = client("dynamodb").query(**query)
        counted += int(response["Count"])
        if "LastEvaluatedKey" not in response:
            return counted
        query["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def state_index_key(state: OrderState) -> str:
    return f"ORDERS#{state.value}"


def state_index_values(order: Order) -> dict[str, str]:
    """Lists the order under its state, by time of order; written with the order and with each transition."""
    return {"GSI6PK": state_index_key(order.state), "GSI6SK": listing_key(order.order_number, order.created_at)}


def resettlement_index_values(deadline: datetime, order_number: str) -> dict[str, str]:
    """Puts a failed payment into the sparse deadline index, sorted by deadline."""
    return {"GSI3PK": "RESETTLEMENT", "GSI3SK": f"{iso(deadline)}#{order_number}"}


def orders_past_deadline(now: datetime, limit: int, cursor: str | None = None) -> tuple[list[str], str | None]:
    """One page of order numbers whose re-settlement deadline is at or before now, earliest first (L6)."""
    return _deadlines("GSI3SK <= :until", {":until": {"S": f"{iso(now)}#~"}}, limit, cursor)


def orders_with_deadline_between(
    after: datetime, until: datetime, limit: int, cursor: str | None = None
) -> tuple[list[str], str | None]:
    """One page of order numbers whose deadline is after `after` and at or before `until` (L5a)."""
    bounds = {":after": {"S": f"{iso(after)}#~"}, ":until": {"S": f"{iso(until)}#~"}}
    return _deadlines("GSI3SK BETWEEN :after AND :until", bounds, limit, cursor)


def orders_by_deadline(limit: int, cursor: str | None = None) -> tuple[list[str], str | None]:
    """One page of the order numbers whose payment failed, earliest deadline first (staff's list, L4, L5)."""
    return _deadlines("GSI3SK >= :first", {":first": {"S": " "}}, limit, cursor)


def _deadlines(
    range_condition: str, bounds: dict[str, Any], limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": RESETTLEMENT_INDEX,
        "KeyConditionExpression": f"GSI3PK = :index AND {range_condition}",
        "ExpressionAttributeValues": {":index": {"S": "RESETTLEMENT"}, **bounds},
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI3")
    return [item["PK"]["S"].removeprefix("ORDER#") for item in items], next_cursor
