"""Members: the profile, the lock that keeps one member per address (M3), and withdrawal (M5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shop.account import erased
from shop.clock import iso
from shop.errors import AccountWithdrawn, Conflict, EmailTaken
from shop.members import NewMember
from shop.orders import ERASED, WITHDRAWN_MEMBER, Order, OrderState
from shop_aws.clients import client
from shop_aws.dynamodb.items import email_lock_key, from_attributes, order_key, profile_key, table, to_attributes
from shop_aws.dynamodb.outbox import OutboxEntry, put_outbox
from shop_aws.dynamodb.transactions import TRANSACTION_LIMIT, TransactionRefused, put_new, transact
from shop_aws.dynamodb.verifications import LinkToSend, link_items, send_log_fields


def create_member(
    member_id: str, member: NewMember, welcome: OutboxEntry, now: datetime, verification: LinkToSend | None = None
) -> None:
    """Profile, email lock (M3: one member per address whatever its case) and welcome email, together; with
    the verification link and its email when one is sent (M7: the profile has no emailVerifiedAt yet)."""
    profile = {
        "PK": f"MEMBER#{member_id}",
        "SK": "PROFILE",
        "type": "MEMBER",
        "memberId": member_id,
        "email": member.email,
        "name": member.name,
        "termsVersion": member.terms_version,
        "termsAcceptedAt": iso(member.terms_accepted_at),
        "isMinor": member.is_minor,
        "guardianConsentAssumed": member.guardian_consent_assumed,
        "createdAt": iso(now),
    }
    verifying: list[dict[str, Any]] = []
    if verification is not None:
        profile |= send_log_fields(verification.sends)
        verifying = link_items(verification, now)
    lock = {"PK": f"EMAIL#{member.email}", "SK": "EMAIL", "type": "EMAIL_LOCK", "memberId": member_id}
    try:
        transact([put_new(lock), put_new(profile), put_outbox(welcome), *verifying])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            raise EmailTaken(f"A member with the email address {member.email} already exists.") from refused
        raise


def get_member(member_id: str) -> dict[str, Any] | None:
    response = client("dynamodb").get_item(TableName=table(), Key=profile_key(member_id))
    return from_attributes(response["Item"]) if "Item" in response else None


def member_id_for_email(email: str) -> str | None:
    """The member who signed up with this (normalised) address, if any (M3)."""
    response = client("dynamodb").get_item(TableName=table(), Key=email_lock_key(email), ConsistentRead=True)
    return str(response["Item"]["memberId"]["S"]) if "Item" in response else None


def withdraw_member(
    member_id: str,
    registered_email: str,
    orders: list[Order],
    final_email: OutboxEntry,
    now: datetime,
    *,
    also: Sequence[dict[str, Any]] = (),
) -> None:
    """M5: erase the profile, free the address, send the final email and unlink the orders.

    The first transaction holds the profile, the email lock, the final email, what else the withdrawal writes
    (`also`: the support request it answers, S1; the payment customer's erasure event, P1) and as many orders as fit;
    it commits only if the member has not withdrawn already. Orders that did not fit follow in
    further transactions; were one to fail, a repeated withdrawal finishes them (erase_orders).
    """
    profile = {
        "Update": {
            "TableName": table(),
            "Key": profile_key(member_id),
            "UpdateExpression": (
                "SET email = :erased, #name = :erased, withdrawnAt = :now, #status = :withdrawn "
                "REMOVE isMinor, guardianConsentAssumed"
            ),
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(withdrawnAt)",
            "ExpressionAttributeNames": {"#name": "name", "#status": "status"},
            "ExpressionAttributeValues": to_attributes(
                {":erased": ERASED, ":now": iso(now), ":withdrawn": WITHDRAWN_MEMBER}
            ),
        }
    }
    lock = {
        "Delete": {
            "TableName": table(),
            "Key": email_lock_key(registered_email),
            "ConditionExpression": "attribute_not_exists(PK) OR memberId = :member",
            "ExpressionAttributeValues": {":member": {"S": member_id}},
        }
    }
    first = [profile, lock, put_outbox(final_email), *also]
    room = TRANSACTION_LIMIT - len(first)
    try:
        transact(first + [_erase_order(order, member_id, now) for order in orders[:room]])
    except TransactionRefused as refused:
        if refused.condition_failed(0):
            raise AccountWithdrawn("This account has already been deleted.") from refused
        raise Conflict("Your account or one of its orders changed meanwhile; please try again.") from refused
    erase_orders(member_id, orders[room:], now)


def erase_orders(member_id: str, orders: list[Order], now: datetime) -> None:
    """M5: unlink shipped and cancelled orders from a withdrawn member, a transaction per batch."""
    for start in range(0, len(orders), TRANSACTION_LIMIT):
        batch = orders[start : start + TRANSACTION_LIMIT]
        try:
            transact([_erase_order(order, member_id, now) for order in batch])
        except TransactionRefused as refused:
            raise Conflict("One of your orders changed meanwhile; please try again.") from refused


def _erase_order(order: Order, member_id: str, now: datetime) -> dict[str, Any]:
    """The order keeps its number, lines, amounts and state for the accounts; nothing names the person."""
    kept = erased(order)
    return {
        "Update": {
            "TableName": table(),
            "Key": order_key(order.order_number),
            "UpdateExpression": (
                "SET memberId = :withdrawn, email = :erased, shippingAddress = :shipping, "
                "billingAddress = :billing, paymentToken = :erased, erasedAt = :now, "
                "#version = if_not_exists(#version, :zero) + :one REMOVE GSI1PK, GSI1SK, paymentCard"
            ),
            "ConditionExpression": "memberId = :member AND #state IN (:shipped, :cancelled)",
            "ExpressionAttributeNames": {"#state": "state", "#version": "version"},
            "ExpressionAttributeValues": to_attributes(
                {
                    ":withdrawn": kept.member_id,
                    ":erased": ERASED,
                    ":shipping": kept.shipping_address.model_dump(mode="json", by_alias=True, exclude_none=True),
                    ":billing": kept.billing_address.model_dump(mode="json", by_alias=True, exclude_none=True),
                    ":now": iso(now),
                    ":zero": 0,
                    ":one": 1,
                    ":member": member_id,
                    ":shipped": OrderState.SHIPPED.value,
                    ":cancelled": OrderState.CANCELLED.value,
                }
            ),
        }
    }
