"""M7: verification links (kept as digests of their tokens), the emails that carry them, and the verified address.

A link's item outlives its validity by LINK_RECORD_KEPT (the table's TTL then removes it), so a link used
or expired lately gets that answer rather than "not valid".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shop.clock import iso, parse_iso
from shop.credentials import SendLog, VerificationLink
from shop.errors import AccountWithdrawn, Conflict, EmailAlreadyVerified, VerificationLinkUsed
from shop_aws.clients import client
from shop_aws.dynamodb.items import from_attributes, key, profile_key, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.transactions import TransactionRefused, put_new, transact

LINK_RECORD_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class LinkToSend:
    """A new link: its token's digest, what it proves, its email, and the member's log of such emails."""

    token_digest: str
    link: VerificationLink
    email: OutboxEntry
    sends: SendLog


def _link_key(token_digest: str) -> dict[str, Any]:
    return key(f"VERIFICATION#{token_digest}", "VERIFICATION")


def link_items(sending: LinkToSend, now: datetime) -> list[dict[str, Any]]:
    """The link and its email, as items of the transaction that decided to send them."""
    link = sending.link
    record = {
        "PK": f"VERIFICATION#{sending.token_digest}",
        "SK": "VERIFICATION",
        "type": "EMAIL_VERIFICATION",
        "memberId": link.member_id,
        "email": link.email,
        "createdAt": iso(now),
        "validUntil": iso(link.expires_at),
        "expiresAt": int((link.expires_at + LINK_RECORD_KEPT).timestamp()),
    }
    return [put_new(record), put_outbox(sending.email)]


def send_log_fields(log: SendLog) -> dict[str, Any]:
    """How many verification emails went out lately, as the profile keeps it (rate limit of the resends)."""
    return {
        "verificationWindowStartedAt": iso(log.window_started_at),
        "verificationEmailsInWindow": log.sent_in_window,
        "verificationEmailLastSentAt": iso(log.last_sent_at),
    }


def send_log(profile: dict[str, Any]) -> SendLog | None:
    if "verificationEmailLastSentAt" not in profile:
        return None
    return SendLog(
        window_started_at=parse_iso(profile["verificationWindowStartedAt"]),
        sent_in_window=int(profile["verificationEmailsInWindow"]),
        last_sent_at=parse_iso(profile["verificationEmailLastSentAt"]),
    )


def send_again(member_id: str, previous: SendLog | None, sending: LinkToSend, now: datetime) -> None:
    """A new link for a member still unverified, if nobody sent one since `previous` was read."""
    fields = send_log_fields(sending.sends)
    names = {f"#{name}": name for name in fields}
    values = to_attributes({f":{name}": value for name, value in fields.items()})
    condition = "attribute_exists(PK) AND attribute_not_exists(withdrawnAt) AND attribute_not_exists(emailVerifiedAt)"
    if previous is None:
        condition += " AND attribute_not_exists(verificationEmailLastSentAt)"
    else:
        condition += " AND verificationEmailLastSentAt = :previous"
        values[":previous"] = {"S": iso(previous.last_sent_at)}
    profile = {
        "Update": {
            "TableName": table(),
            "Key": profile_key(member_id),
            "UpdateExpression": "SET " + ", ".join(f"#{name} = :{name}" for name in fields),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    try:
        transact([profile, *link_items(sending, now)])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            current = refused.item(0)
            if "withdrawnAt" in current:
                raise AccountWithdrawn("This account has been deleted.") from refused
            if "emailVerifiedAt" in current:
                raise EmailAlreadyVerified("Your email address is verified already.") from refused
        raise Conflict("Another verification email was sent meanwhile; check your inbox.") from refused


def get_link(token_digest: str) -> VerificationLink | None:
    response = client("dynamodb").get_item(TableName=table(), Key=_link_key(token_digest), ConsistentRead=True)
    if "Item" not in response:
        return None
    item = from_attributes(response["Item"])
    return VerificationLink(
        member_id=str(item["memberId"]),
        email=str(item["email"]),
        expires_at=parse_iso(item["validUntil"]),
        used_at=parse_iso(item["usedAt"]) if "usedAt" in item else None,
    )


def verify(token_digest: str, link: VerificationLink, at: datetime) -> None:
    """The link used and the member's address verified, together; each only from the state it leaves."""
    now = iso(at)
    used = {
        "Update": {
            "TableName": table(),
            "Key": _link_key(token_digest),
            "UpdateExpression": "SET usedAt = :now",
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(usedAt)",
            "ExpressionAttributeValues": {":now": {"S": now}},
        }
    }
    profile = {
        "Update": {
            "TableName": table(),
            "Key": profile_key(link.member_id),
            # A second link sent before the first was used keeps the first verification's time.
            "UpdateExpression": "SET emailVerifiedAt = if_not_exists(emailVerifiedAt, :now)",
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(withdrawnAt) AND email = :email",
            "ExpressionAttributeValues": {":now": {"S": now}, ":email": {"S": link.email}},
        }
    }
    try:
        transact([used, profile])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            raise VerificationLinkUsed("This link has already been used.") from refused
        if refused.condition_failed(1):
            raise AccountWithdrawn("The account this link was sent for has been deleted.") from refused
        raise
