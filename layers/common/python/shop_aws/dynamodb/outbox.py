"""The outbox: emails, bus events and queue jobs, written in the transaction of the change that decided them.

The outbox dispatcher delivers them from the table's stream once the transaction has committed, so a
failing SES or bus never undoes a change and a change never happens without its message. The entries
expire after OUTBOX_RETENTION (the table's TTL), long after their delivery.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shop.clock import iso
from shop.emails import Email
from shop_aws.dynamodb.transactions import put_new

OUTBOX_RETENTION = timedelta(days=30)


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
            **attributes,
        }
    )


def put_outbox(entry: OutboxEntry) -> dict[str, Any]:
    """The entry as an item of the transaction that decided it."""
    return put_new(entry.attributes)
