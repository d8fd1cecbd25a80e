"""M8: the emails that tell a member their password changed, and password reset requests.

A reset request is one item per address, keyed by a digest of the address.

The item holds the digest of the latest code (never the code), its validity, the tries left and how many
reset emails the address got lately. An address no member holds gets the same item without a code, so
asking for a reset and trying codes cost the same, and answer the same, whether or not it is registered.
No address is stored in the clear: a stranger's address typed into the form leaves nothing readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shop.clock import iso, parse_iso
from shop.credentials import RESET_EMAILS, ResetRequest, SendLog
from shop.errors import AccountWithdrawn, Conflict, ResetCodeInvalid
from shop_aws.clients import client
from shop_aws.dynamodb.items import email_lock_key, from_attributes, key, profile_key, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.transactions import TransactionRefused, transact


def tell_password_changed(member_id: str, email: OutboxEntry) -> None:
    """M8: the email about a change made from My Account, unless the account was deleted meanwhile."""
    still_here = {
        "ConditionCheck": {
            "TableName": table(),
            "Key": profile_key(member_id),
            "ConditionExpression": "attribute_not_exists(withdrawnAt)",
        }
    }
    try:
        transact([still_here, put_outbox(email)])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            raise AccountWithdrawn("This account has been deleted.") from refused
        raise


def _key(address_key: str) -> dict[str, Any]:
    return key(f"PASSWORD_RESET#{address_key}", "PASSWORD_RESET")


def reset_and_member(address_key: str, email: str) -> tuple[ResetRequest | None, SendLog | None, str | None]:
    """The address's latest reset request, its email log, and the member holding the address: one read."""
    keys = [_key(address_key), email_lock_key(email)]
    response = client("dynamodb").batch_get_item(RequestItems={table(): {"Keys": keys, "ConsistentRead": True}})
    found = {str(item["PK"]["S"]): from_attributes(item) for item in response["Responses"].get(table(), [])}
    if response.get("UnprocessedKeys"):
        raise Conflict("The shop is busy; please ask again in a moment.")
    lock = found.get(f"EMAIL#{email}")
    item = found.get(f"PASSWORD_RESET#{address_key}")
    if item is None:
        return None, None, str(lock["memberId"]) if lock else None
    request = ResetRequest(
        expires_at=parse_iso(item["validUntil"]),
        tries_left=int(item["triesLeft"]),
        member_id=item.get("memberId"),
        code_digest=item.get("codeDigest"),
    )
    log = SendLog(
        window_started_at=parse_iso(item["windowStartedAt"]),
        sent_in_window=int(item["sentInWindow"]),
        last_sent_at=parse_iso(item["lastSentAt"]),
    )
    return request, log, str(lock["memberId"]) if lock else None


def request_reset(
    address_key: str, previous: SendLog | None, request: ResetRequest, sends: SendLog, email: OutboxEntry | None
) -> None:
    """The new request replaces the address's last one (its code stops working), with its email if any.

    Written only over the request that was read, so two requests at once cannot both count as the first.
    """
    item = {
        "PK": f"PASSWORD_RESET#{address_key}",
        "SK": "PASSWORD_RESET",
        "type": "PASSWORD_RESET",
        "memberId": request.member_id,
        "codeDigest": request.code_digest,
        "validUntil": iso(request.expires_at),
        "triesLeft": request.tries_left,
        "windowStartedAt": iso(sends.window_started_at),
        "sentInWindow": sends.sent_in_window,
        "lastSentAt": iso(sends.last_sent_at),
        # Kept while its code works and while its emails count against the address's limit.
        "expiresAt": int(max(request.expires_at, sends.window_started_at + RESET_EMAILS.window).timestamp()),
    }
    put: dict[str, Any] = {"TableName": table(), "Item": to_attributes(item)}
    if previous is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "lastSentAt = :previous"
        put["ExpressionAttributeValues"] = {":previous": {"S": iso(previous.last_sent_at)}}
    try:
        transact([{"Put": put}, *([put_outbox(email)] if email else [])])
    except TransactionRefused as refused:
        raise Conflict("Another reset was asked for this address at the same moment.") from refused


def record_wrong_code(address_key: str) -> None:
    """One try fewer, counted in the table itself so that tries made at the same moment all count."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=_key(address_key),
            UpdateExpression="SET triesLeft = triesLeft - :one",
            ConditionExpression="triesLeft > :zero",
            ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def use_code(address_key: str, code_digest: str, now: datetime, email: OutboxEntry) -> None:
    """M8: the code works once: the request is removed, if it still holds this code with tries left, and the
    member is told, in one transaction."""
    remove = {
        "Delete": {
            "TableName": table(),
            "Key": _key(address_key),
            "ConditionExpression": "codeDigest = :digest AND triesLeft > :zero AND validUntil > :now",
            "ExpressionAttributeValues": to_attributes({":digest": code_digest, ":zero": 0, ":now": iso(now)}),
        }
    }
    try:
        transact([remove, put_outbox(email)])
    except TransactionRefused as refused:
        raise ResetCodeInvalid("This code was just used, or replaced by a newer one. Ask for a new one.") from refused
