"""Putting the shop's own events on its bus."""

from __future__ import annotations

from shop_aws.clients import client
from shop_aws.settings import settings

SHOP_EVENT_SOURCE = "preorder.shop"


class EventNotDelivered(Exception):
    """EventBridge accepted the call but refused the entry; the outbox retries it."""


def put(detail_type: str, detail_json: str, source: str = SHOP_EVENT_SOURCE) -> str:
    response = client("events").put_events(
        Entries=[
            {
                "Source": source,
                "DetailType": detail_type,
                "Detail": detail_json,
                "EventBusName": settings().event_bus_name,
            }
        ]
    )
    entry = response["Entries"][0]
    if response.get("FailedEntryCount", 0) or "EventId" not in entry:
        raise EventNotDelivered(f"{detail_type} not delivered: {entry.get('ErrorCode')} {entry.get('ErrorMessage')}")
    return str(entry["EventId"])
