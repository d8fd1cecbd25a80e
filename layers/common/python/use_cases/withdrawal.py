"""M5: a member withdraws. Refused while any order is unshipped, listing them. Otherwise the profile's
personal data is erased, the orders are kept for the accounts but no longer linked to the person, the support
requests are closed and erased (S1), the cart is deleted (C3), a final email goes to the registered address,
the sign-in is deleted from the user pool, and the member's customer at the payment processor (P1), if one
was made, is deleted (the first transaction's outbox event; forget_payment_customer does it).

The database part commits first (the profile is marked withdrawn in the same transaction), so a request
that fails after it is simply repeated: it finishes the orders left and the sign-in, asks again for the
customer's erasure if it is not done yet, and sends no second email.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shop import emails
from shop.account import check_withdrawal
from shop.errors import NotFound
from shop.support_requests import erased
from shop_aws import cognito
from shop_aws.dynamodb import carts, members, orders, payment_customers, support_requests
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics


def withdraw(member_id: str, also: Sequence[dict[str, Any]] = ()) -> int:
    """Withdraw the member; returns how many orders are kept for the accounts.

    `also`: what else the withdrawal's first transaction writes (the support request it answers, S1).
    """
    profile = members.get_member(member_id)
    if profile is None:
        raise NotFound("There is no account for this sign-in.")
    now = clock().now()
    if "withdrawnAt" in profile:
        # A withdrawal that stopped after its first transaction: finish it, tell nobody twice.
        left = orders.all_member_orders(member_id)
        members.erase_orders(member_id, left, now)
        _erase_the_rest(member_id, now)
        customer = payment_customers.payment_customer(member_id)
        if customer is not None:
            # Still kept: its erasure is on its way or was lost; asking again is harmless (a 404 is done).
            payment_customers.request_erasure(member_id, customer, now)
        cognito.delete_member(member_id)
        logger.info("withdrawal finished", extra={"member_id": member_id, "orders": len(left)})
        return len(left)
    kept = orders.all_member_orders(member_id)
    check_withdrawal(kept)
    registered = str(profile["email"])
    final = outbox_email(emails.account_withdrawn(registered, str(profile.get("name", ""))), now)
    erasure = payment_customers.erasure_items(member_id, payment_customers.payment_customer(member_id), now)
    members.withdraw_member(member_id, registered, kept, final, now, also=[*also, *erasure])
    _erase_the_rest(member_id, now)
    cognito.delete_member(member_id)
    metrics.add_metric(name="MembersWithdrawn", unit="Count", value=1)
    logger.info("member withdrew", extra={"member_id": member_id, "orders": len(kept)})
    return len(kept)


def _erase_the_rest(member_id: str, now: datetime) -> None:
    """M5: the cart goes (C3); the support requests are kept, closed, with nothing that names or quotes them (S1)."""
    carts.empty_cart(member_id)
    kept = support_requests.all_member_requests(member_id)
    support_requests.erase([(request, erased(request, now)) for request in kept])
