"""Products (C1, C2): the catalogue's items, their version for staff edits, and their stock (O7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from shop.catalogue import Product
from shop.errors import Conflict, NotFound
from shop_aws.clients import client
from shop_aws.dynamodb.cursors import query_page
from shop_aws.dynamodb.items import from_attributes, product_key, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.transactions import TransactionRefused, transact

LISTINGS_INDEX = "Listings"
_FIELDS = frozenset(Product.model_fields[name].alias or name for name in Product.model_fields)


def _item(product: Product, version: int) -> dict[str, Any]:
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


def _product_from(item: Mapping[str, Any]) -> tuple[Product, int]:
    values = from_attributes(item)
    return Product.model_validate({k: v for k, v in values.items() if k in _FIELDS}), int(values["version"])


def _changed_meanwhile(product: Product) -> Conflict:
    return Conflict(
        f"Product {product.product_id} changed while you edited it; read it again and retry.",
        productId=product.product_id,
    )


def create_product(product: Product) -> None:
    try:
        client("dynamodb").put_item(
            TableName=table(),
            Item=to_attributes(_item(product, version=1)),
            ConditionExpression="attribute_not_exists(PK)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise Conflict(f"Product {product.product_id} already exists.", productId=product.product_id) from error
        raise


def _replace(product: Product, expected_version: int) -> dict[str, Any]:
    """The product written over the version staff read: a checkout taking stock meanwhile bumps it too."""
    return {
        "Put": {
            "TableName": table(),
            "Item": to_attributes(_item(product, version=expected_version + 1)),
            "ConditionExpression": "version = :read",
            "ExpressionAttributeValues": {":read": {"N": str(expected_version)}},
        }
    }


def replace_product(product: Product, expected_version: int) -> int:
    """Write staff's changes if nobody (a checkout included) changed the product since it was read."""
    try:
        client("dynamodb").put_item(**_replace(product, expected_version)["Put"])
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise _changed_meanwhile(product) from error
        raise
    return expected_version + 1


def change_release_date(product: Product, expected_version: int, outbox: list[OutboxEntry]) -> int:
    """C2: the product's new release date and the fan-out that tells its open orders, together."""
    try:
        transact([_replace(product, expected_version), *(put_outbox(entry) for entry in outbox)])
    except TransactionRefused as refused:
        if refused.condition_failed(0) or refused.conflict:
            raise _changed_meanwhile(product) from refused
        raise
    return expected_version + 1


def get_product(product_id: str) -> tuple[Product, int] | None:
    """The product and the version it was read at, or None."""
    response = client("dynamodb").get_item(TableName=table(), Key=product_key(product_id), ConsistentRead=True)
    return _product_from(response["Item"]) if "Item" in response else None


def require_product(product_id: str) -> tuple[Product, int]:
    """The product and its version, or a 404 naming it."""
    found = get_product(product_id)
    if found is None:
        raise NotFound(f"There is no product {product_id}.", productId=product_id)
    return found


def get_products(product_ids: Iterable[str]) -> dict[str, Product]:
    """One BatchGetItem for a whole cart (at most 20 products), retrying only what DynamoDB left over."""
    keys = [product_key(pid) for pid in dict.fromkeys(product_ids)]
    found: dict[str, Product] = {}
    request: dict[str, Any] = {table(): {"Keys": keys, "ConsistentRead": True}}
    while keys and request:
        response = client("dynamodb").batch_get_item(RequestItems=request)
        for item in response["Responses"].get(table(), []):
            product, _ = _product_from(item)
            found[product.product_id] = product
        request = response.get("UnprocessedKeys") or {}
    return found


def list_products(limit: int, cursor: str | None) -> tuple[list[Product], str | None]:
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": LISTINGS_INDEX,
        "KeyConditionExpression": "GSI1PK = :catalogue",
        "ExpressionAttributeValues": {":catalogue": {"S": "CATALOGUE"}},
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI1")
    return [_product_from(item)[0] for item in items], next_cursor


def take_stock(product_id: str, quantity: int) -> dict[str, Any]:
    """O7: an in-stock product's units leave the shelf only if that many are there (in the checkout's transaction)."""
    return {
        "Update": {
            "TableName": table(),
            "Key": product_key(product_id),
            "UpdateExpression": "SET stock = stock - :quantity, version = version + :one",
            "ConditionExpression": "attribute_exists(PK) AND kind = :in_stock AND stock >= :quantity",
            "ExpressionAttributeValues": {
                ":quantity": {"N": str(quantity)},
                ":one": {"N": "1"},
                ":in_stock": {"S": "IN_STOCK"},
            },
        }
    }


def return_stock(product_id: str, quantity: int) -> dict[str, Any]:
    """L6, L8: a cancelled in-stock order's units go back on the shelf (in the cancellation's transaction)."""
    return {
        "Update": {
            "TableName": table(),
            "Key": product_key(product_id),
            "UpdateExpression": "SET stock = stock + :quantity, version = version + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":quantity": {"N": str(quantity)}, ":one": {"N": "1"}},
        }
    }
