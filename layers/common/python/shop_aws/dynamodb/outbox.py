"""The outbox: emails, bus events and queue jobs, written in the transaction of the change that decided them.

The outbox dispatcher delivers them from the table's stream once the transaction has committed, so a
failing SES or bus never undoes a change and a change never happens without its message. The entries
expire after OUTBOX_RETENTION (the table's TTL), long after their delivery.

Until it is delivered an entry sits in the sparse PendingOutbox index (GSI5PK = OUTBOX#PENDING, by creation
time); delivery removes it from the index, so the sweeper's reads follow the pending count, not the table.
An entry that fails every sweep is parked (GSI5PK = OUTBOX#PARKED) until an operator redrives it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shop.clock import iso
from shop.emails import Email
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, table, to_attributes
from shop_aws.dynamodb.transactions import put_new

OUTBOX_RETENTION = timedelta(days=30)
PENDING_INDEX = "PendingOutbox"
PENDING = "OUTBOX#PENDING"
PARKED = "OUTBOX#PARKED"


@dataclass(frozen=True)
class OutboxEntry:
    """Something to deliver after the transaction that decided it commits."""

    attributes: dict[str, Any]

    @property
    def outbox_id(self) -> str:
        return str(self.attributes["outboxId"])


def outbox_email(email: Email, now: datetime) -> OutboxEntry:
    """The email's kind, recipient and values: the dispatcher renders them when it sends (issue 14), so the
    function deciding the email imports no template engine."""
    return _entry(
        now,
        kind="EMAIL",
        emailKind=email.kind,
        to=email.to,
        values=json.dumps(email.values, sort_keys=True),
        orderNumber=email.order_number,
    )


def email_of(entry: Mapping[str, Any]) -> Email:
    """The email an outbox entry holds, as outbox_email wrote it."""
    return Email(
        kind=str(entry["emailKind"]),
        to=str(entry["to"]),
        values=json.loads(str(entry["values"])),
        order_number=entry.get("orderNumber"),
    )


def outbox_event(detail_type: str, detail: Mapping[str, Any], now: datetime) -> OutboxEntry:
    """An event for the shop's bus (SettlementRequested for the payment processor)."""
    return _entry(now, kind="EVENT", detailType=detail_type, detail=json.dumps(detail, sort_keys=True))


def outbox_job(job: Mapping[str, Any], now: datetime) -> OutboxEntry:
    """Work for the shipping-date queue (C2 fan-out), decided in the same transaction as what caused it."""
    return _entry(now, kind="JOB", body=json.dumps(job, sort_keys=True))


def _entry(now: datetime, **attributes: Any) -> OutboxEntry:
    outbox_id = uuid.uuid4().hex
    return OutboxEntry(
        {
            "PK": f"OUTBOX#{outbox_id}",
            "SK": "OUTBOX",
            "outboxId": outbox_id,
            "createdAt": iso(now),
            "expiresAt": int((now + OUTBOX_RETENTION).timestamp()),
            "GSI5PK": PENDING,
            "GSI5SK": f"{iso(now)}#{outbox_id}",
            **attributes,
        }
    )


def put_outbox(entry: OutboxEntry) -> dict[str, Any]:
    """The entry as an item of the transaction that decided it."""
    return put_new(entry.attributes)


def _key(outbox_id: str) -> dict[str, Any]:
    return to_attributes({"PK": f"OUTBOX#{outbox_id}", "SK": "OUTBOX"})


def mark_delivered(outbox_id: str, now: datetime) -> bool:
    """The entry was delivered: it leaves the pending index. False when it already had (the other path won)."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=_key(outbox_id),
            UpdateExpression="SET deliveredAt = :now REMOVE GSI5PK, GSI5SK",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(deliveredAt)",
            ExpressionAttributeValues=to_attributes({":now": iso(now)}),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True


def entries_in(partition: str, created_before: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Pending (or parked) entries, oldest first, page by page from the sparse index."""
    condition = "GSI5PK = :pk"
    values: dict[str, Any] = {":pk": partition}
    if created_before is not None:
        condition += " AND GSI5SK < :before"
        values[":before"] = iso(created_before)
    request: dict[str, Any] = {
        "TableName": table(),
        "IndexName": PENDING_INDEX,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": to_attributes(values),
    }
    while True:
        page = client("dynamodb").query(**request)
        yield from (from_attributes(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def record_failed_sweep(entry: dict[str, Any], error: str, park: bool, now: datetime) -> None:
    """One more failed sweep of a pending entry; parked (out of the sweeper's reach) when park is true."""
    attempts = int(entry.get("sweepAttempts", 0))
    update = "SET sweepAttempts = :next, lastError = :error, lastSweptAt = :now"
    values: dict[str, Any] = {":next": attempts + 1, ":error": error[:500], ":now": iso(now), ":pending": PENDING}
    if park:
        update += ", GSI5PK = :parked, parkedAt = :now"
        values[":parked"] = PARKED
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=_key(entry["outboxId"]),
            UpdateExpression=update,
            ConditionExpression="GSI5PK = :pending AND attribute_not_exists(deliveredAt)",
            ExpressionAttributeValues=to_attributes(values),
        )
    except ClientError as failure:
        if failure.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def redrive_parked(outbox_id: str, now: datetime) -> bool:
    """An operator sends a parked entry back to the sweeper, with its attempts reset. False if it is not parked."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=_key(outbox_id),
            UpdateExpression="SET GSI5PK = :pending, sweepAttempts = :zero, redrivenAt = :now REMOVE parkedAt",
            ConditionExpression="GSI5PK = :parked",
            ExpressionAttributeValues=to_attributes(
                {":pending": PENDING, ":parked": PARKED, ":zero": 0, ":now": iso(now)}
            ),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True
