"""How the shop's values become DynamoDB attributes and back, and the keys of its items."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from shop.clock import iso
from shop_aws.settings import settings

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def table() -> str:
    return settings().table_name


def to_attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB's typed attributes; None means "no attribute", as the shop never stores nulls."""
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


def stored(model: BaseModel) -> dict[str, Any]:
    """A model's fields as stored: by alias, nothing for None, times as sortable ISO-8601 UTC text."""
    return {key: storable(value) for key, value in model.model_dump(by_alias=True, exclude_none=True).items()}


def storable(value: Any) -> Any:
    """One value as stored. Times keep one text format, which conditions and indexes compare as text."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [storable(v) for v in value]
    if isinstance(value, dict):
        return {k: storable(v) for k, v in value.items() if v is not None}
    return value


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def order_key(order_number: str) -> dict[str, Any]:
    return key(f"ORDER#{order_number}", "ORDER")


def product_key(product_id: str) -> dict[str, Any]:
    return key(f"PRODUCT#{product_id}", "PRODUCT")


def profile_key(member_id: str) -> dict[str, Any]:
    return key(f"MEMBER#{member_id}", "PROFILE")


def email_lock_key(email: str) -> dict[str, Any]:
    return key(f"EMAIL#{email}", "EMAIL")
