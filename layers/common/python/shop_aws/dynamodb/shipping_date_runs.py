"""A product's shipping-date fan-out and its progress (L1, L2): one item per staff request.

Each count is written once per thing counted: a listed page adds its orders only if that page is not yet
counted (its cursor joins `pagesCounted` in the same conditional update); an order's date, email and
settlement request add to the run in the transaction of the order's own change, so a redelivered job that
changes nothing counts nothing; orders left unchanged or refused join string sets (`unchangedOrders`,
`failedOrders`), which count each order once however often its job runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shop.clock import iso
from shop.errors import NotFound
from shop.shipping_dates import ShippingDateRun
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, key, table, to_attributes

RUN_KEPT = timedelta(days=30)
FIRST_PAGE = "FIRST"


def run_key(run_id: str) -> dict[str, Any]:
    return key(f"SHIPPING_DATE_RUN#{run_id}", "RUN")


def start(run_id: str, product_id: str, shipping_date: str, now: datetime) -> None:
    """The run's item, before its first page is queued."""
    item = {
        "PK": f"SHIPPING_DATE_RUN#{run_id}",
        "SK": "RUN",
        "runId": run_id,
        "productId": product_id,
        "shippingDate": shipping_date,
        "startedAt": iso(now),
        "listingDone": False,
        "orders": 0,
        "dated": 0,
        "emailed": 0,
        "settlementRequested": 0,
        "expiresAt": int((now + RUN_KEPT).timestamp()),
    }
    client("dynamodb").put_item(
        TableName=table(), Item=to_attributes(item), ConditionExpression="attribute_not_exists(PK)"
    )


def count_page(run_id: str, cursor: str | None, orders: int, last: bool) -> None:
    """A listed page's orders, once per page (the page's cursor; the first page has none)."""
    page = cursor or FIRST_PAGE
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=run_key(run_id),
            UpdateExpression="ADD orders :orders, pagesCounted :page" + (" SET listingDone = :done" if last else ""),
            ConditionExpression="attribute_exists(PK) AND NOT contains(pagesCounted, :pageText)",
            ExpressionAttributeValues=to_attributes(
                {":orders": orders, ":page": {page}, ":pageText": page} | ({":done": True} if last else {})
            ),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise  # already counted (a redelivered page), or a run that expired: nothing to add


def counted(run_id: str, *, dated: int = 0, emailed: int = 0, settlement_requested: int = 0) -> dict[str, Any]:
    """The run's counts, as an item of the transaction that makes the order's change they count."""
    return {
        "Update": {
            "TableName": table(),
            "Key": run_key(run_id),
            "UpdateExpression": "ADD dated :dated, emailed :emailed, settlementRequested :settlement",
            "ExpressionAttributeValues": to_attributes(
                {":dated": dated, ":emailed": emailed, ":settlement": settlement_requested}
            ),
        }
    }


def note_order(run_id: str, order_number: str, *, failed: bool) -> None:
    """An order the run left unchanged (it had the date) or could not date (it moved on meanwhile)."""
    attribute = "failedOrders" if failed else "unchangedOrders"
    client("dynamodb").update_item(
        TableName=table(),
        Key=run_key(run_id),
        UpdateExpression=f"ADD {attribute} :order",
        ExpressionAttributeValues=to_attributes({":order": {order_number}}),
    )


def require_run(run_id: str) -> ShippingDateRun:
    response = client("dynamodb").get_item(TableName=table(), Key=run_key(run_id), ConsistentRead=True)
    if "Item" not in response:
        raise NotFound(f"There is no shipping-date run {run_id}.", runId=run_id)
    stored = from_attributes(response["Item"])
    return ShippingDateRun.of(
        stored, failed=sorted(stored.get("failedOrders", set())), unchanged=len(stored.get("unchangedOrders", set()))
    )
