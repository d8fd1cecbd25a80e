"""M6: every email sent about an order, kept under the order so My Account can list it (subject, time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop.clock import iso
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, table, to_attributes


def record_email_sent(outbox_id: str, order_number: str | None, subject: str, kind: str, sent_at: datetime) -> None:
    """Written by the dispatcher once SES accepted the email; emails about no order are not listed."""
    if order_number is None:
        return
    client("dynamodb").put_item(
        TableName=table(),
        Item=to_attributes(
            {
                "PK": f"ORDER#{order_number}",
                "SK": f"EMAIL#{iso(sent_at)}#{outbox_id}",
                "type": "EMAIL_SENT",
                "subject": subject,
                "emailKind": kind,
                "sentAt": iso(sent_at),
            }
        ),
    )


def email_history(order_number: str) -> list[dict[str, Any]]:
    response = client("dynamodb").query(
        TableName=table(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :email)",
        ExpressionAttributeValues={":pk": {"S": f"ORDER#{order_number}"}, ":email": {"S": "EMAIL#"}},
    )
    return [from_attributes(item) for item in response["Items"]]
