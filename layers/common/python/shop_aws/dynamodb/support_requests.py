"""Support requests (S1): one item per request, a link in the item group of the order it is about, and two
index entries: the member's own requests (Listings) and staff's queue by state, oldest first (SupportQueue).

Every change writes the whole request over the version that was read, with what goes with it: the email
of an answer, or, for a request resolved by an action (L8, L10, M5), the action's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shop.clock import iso
from shop.errors import Conflict, NotFound
from shop.orders import WITHDRAWN_MEMBER
from shop.support_requests import RequestKind, RequestState, SupportRequest
from shop_aws.clients import client
from shop_aws.dynamodb.cursors import query_page
from shop_aws.dynamodb.items import from_attributes, key, stored, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.products import LISTINGS_INDEX
from shop_aws.dynamodb.transactions import TRANSACTION_LIMIT, TransactionRefused, put_new, transact

SUPPORT_QUEUE_INDEX = "SupportQueue"
_FIELDS = frozenset(SupportRequest.model_fields[name].alias or name for name in SupportRequest.model_fields)


def request_key(request_id: str) -> dict[str, Any]:
    return key(f"SUPPORT#{request_id}", "REQUEST")


def _item(request: SupportRequest, version: int) -> dict[str, Any]:
    """The request as stored: queued under its state for staff, listed under its member until they withdraw."""
    order = f"{iso(request.created_at)}#{request.request_id}"
    listed = request.member_id != WITHDRAWN_MEMBER
    listing = {"GSI1PK": member_partition(request.member_id), "GSI1SK": order} if listed else {}
    return {
        "PK": f"SUPPORT#{request.request_id}",
        "SK": "REQUEST",
        "type": "SUPPORT_REQUEST",
        **stored(request),
        "version": version,
        **listing,
        "GSI4PK": f"SUPPORT#{request.state.value}",
        "GSI4SK": order,
    }


def member_partition(member_id: str) -> str:
    return f"MEMBER#{member_id}#SUPPORT"


def _request_from(item: Mapping[str, Any]) -> SupportRequest:
    values = from_attributes(item)
    return SupportRequest.model_validate({k: v for k, v in values.items() if k in _FIELDS})


def open_request(request: SupportRequest) -> None:
    """S1: the request and, when it is about an order, its link in the order's item group (M6 history)."""
    puts = [_item(request, version=1)]
    if request.order_number:
        puts.append(
            {
                "PK": f"ORDER#{request.order_number}",
                "SK": f"SUPPORT#{request.request_id}",
                "type": "SUPPORT_LINK",
                "requestId": request.request_id,
                "createdAt": iso(request.created_at),
            }
        )
    transact([put_new(put) for put in puts])


def get_request(request_id: str) -> SupportRequest | None:
    response = client("dynamodb").get_item(TableName=table(), Key=request_key(request_id), ConsistentRead=True)
    return _request_from(response["Item"]) if "Item" in response else None


def require_request(request_id: str) -> SupportRequest:
    request = get_request(request_id)
    if request is None:
        raise not_found(request_id)
    return request


def not_found(request_id: str) -> NotFound:
    return NotFound(f"There is no support request {request_id}.", requestId=request_id)


def written(before: SupportRequest, after: SupportRequest) -> dict[str, Any]:
    """The changed request, for a transaction: only over the version that was read."""
    return {
        "Put": {
            "TableName": table(),
            "Item": to_attributes(_item(after, version=before.version + 1)),
            "ConditionExpression": "version = :read",
            "ExpressionAttributeValues": {":read": {"N": str(before.version)}},
        }
    }


def record(before: SupportRequest, after: SupportRequest, outbox: Sequence[OutboxEntry] = ()) -> None:
    """S1: a message or an answer, with its email, only over the version read (409 if it changed meanwhile)."""
    try:
        transact([written(before, after), *(put_outbox(entry) for entry in outbox)])
    except TransactionRefused as refused:
        if refused.condition_failed(0) or refused.conflict:
            raise changed_meanwhile(before.request_id) from refused
        raise


def changed_meanwhile(request_id: str) -> Conflict:
    return Conflict(f"Support request {request_id} changed meanwhile; read it again and retry.", requestId=request_id)


def member_requests(member_id: str, limit: int, cursor: str | None) -> tuple[list[SupportRequest], str | None]:
    """S1: one page of the member's own requests, newest first (My Account)."""
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": LISTINGS_INDEX,
        "KeyConditionExpression": "GSI1PK = :member",
        "ExpressionAttributeValues": {":member": {"S": member_partition(member_id)}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    items, next_cursor = query_page(query, cursor, "GSI1")
    return [_request_from(item) for item in items], next_cursor


def queue(
    state: RequestState, kind: RequestKind | None, limit: int, cursor: str | None
) -> tuple[list[SupportRequest], str | None]:
    """S1: staff's requests in one state, oldest first, perhaps of one kind only.

    The kind is a filter on the page read, so a page may hold fewer than `limit` requests; the cursor goes on.
    """
    query: dict[str, Any] = {
        "TableName": table(),
        "IndexName": SUPPORT_QUEUE_INDEX,
        "KeyConditionExpression": "GSI4PK = :state",
        "ExpressionAttributeValues": {":state": {"S": f"SUPPORT#{state.value}"}},
        "Limit": limit,
    }
    if kind is not None:
        query["FilterExpression"] = "kind = :kind"
        query["ExpressionAttributeValues"][":kind"] = {"S": kind.value}
    items, next_cursor = query_page(query, cursor, "GSI4")
    return [_request_from(item) for item in items], next_cursor


def about_order(order_number: str) -> list[SupportRequest]:
    """S1: the requests about an order, from the links in its item group, read as they are now."""
    response = client("dynamodb").query(
        TableName=table(),
        KeyConditionExpression="PK = :order AND begins_with(SK, :support)",
        ExpressionAttributeValues={":order": {"S": f"ORDER#{order_number}"}, ":support": {"S": "SUPPORT#"}},
        ConsistentRead=True,
    )
    return _get_all(request_key(str(item["requestId"]["S"])) for item in response["Items"])


def all_member_requests(member_id: str) -> list[SupportRequest]:
    """Every request still linked to the member, read consistently (withdrawal erases them, M5)."""
    keys: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page, cursor = member_requests(member_id, 100, cursor)
        keys += [request_key(request.request_id) for request in page]
        if cursor is None:
            return _get_all(keys)


def erase(changes: list[tuple[SupportRequest, SupportRequest]]) -> None:
    """M5: the requests of a withdrawn member, erased, a transaction per batch, each over the version read."""
    for start in range(0, len(changes), TRANSACTION_LIMIT):
        try:
            transact([written(before, after) for before, after in changes[start : start + TRANSACTION_LIMIT]])
        except TransactionRefused as refused:
            raise Conflict("One of your support requests changed meanwhile; please try again.") from refused


def _get_all(keys: Iterable[dict[str, Any]]) -> list[SupportRequest]:
    """One consistent BatchGetItem per 100 requests, retrying only what DynamoDB left over; oldest first."""
    wanted = list(keys)
    found: list[SupportRequest] = []
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {table(): {"Keys": wanted[start : start + 100], "ConsistentRead": True}}
        while request:
            response = client("dynamodb").batch_get_item(RequestItems=request)
            found += [_request_from(item) for item in response["Responses"].get(table(), [])]
            request = response.get("UnprocessedKeys") or {}
    return sorted(found, key=lambda request: (request.created_at, request.request_id))
