"""One TransactWriteItems for each change, and what DynamoDB's refusal of it says.

A cancelled transaction lists a reason per item, in order; the modules that build a transaction know
which item is which and turn a failed condition into the shop's refusal (sold out, state moved, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, table, to_attributes

# At most this many items go into one transaction (DynamoDB's limit is 100).
TRANSACTION_LIMIT = 100

_REFUSALS = {"TransactionCanceledException", "TransactionConflictException", "TransactionInProgressException"}


class TransactionRefused(Exception):
    """DynamoDB cancelled the transaction: a condition failed, or another request held an item."""

    def __init__(self, error: ClientError) -> None:
        super().__init__(str(error))
        self.code = error.response["Error"]["Code"]
        reasons = error.response.get("CancellationReasons")
        if reasons is None and self.code == "TransactionCanceledException":
            reasons = _reasons_from_message(error.response["Error"].get("Message", ""))
        self.reasons: list[dict[str, Any]] = list(reasons or [])

    def condition_failed(self, index: int) -> bool:
        """Whether the condition of the index-th item of the transaction did not hold."""
        return index < len(self.reasons) and self.reasons[index].get("Code") == "ConditionalCheckFailed"

    def item(self, index: int) -> dict[str, Any]:
        """The item as it was when its condition failed (for items written with ReturnValuesOnConditionCheckFailure)."""
        if index >= len(self.reasons):
            return {}
        return from_attributes(self.reasons[index].get("Item", {}))

    @property
    def conflict(self) -> bool:
        """Another request was changing the same items: trying again is the answer."""
        return self.code != "TransactionCanceledException" or any(
            reason.get("Code") == "TransactionConflict" for reason in self.reasons
        )


def _reasons_from_message(message: str) -> list[dict[str, Any]]:
    """Some SDK paths only carry the reasons in the message: '[ConditionalCheckFailed, None]'."""
    start, end = message.find("["), message.rfind("]")
    if start < 0 or end < start:
        return []
    return [{"Code": code.strip()} for code in message[start + 1 : end].split(",")]


def transact(items: list[dict[str, Any]]) -> None:
    """Write every item or none; raises TransactionRefused when DynamoDB cancels."""
    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as error:
        if error.response["Error"]["Code"] in _REFUSALS:
            raise TransactionRefused(error) from error
        raise


def put_new(item: Mapping[str, Any], *, return_old: bool = False) -> dict[str, Any]:
    """A Put that only creates the item; with return_old, a refusal carries the item already there."""
    put: dict[str, Any] = {
        "TableName": table(),
        "Item": to_attributes(item),
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    if return_old:
        put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Put": put}
