"""DELETE /account: a member withdraws (rule M5).

Refused while any order is unshipped, listing them. Otherwise the profile's personal data is erased,
the orders are kept for the accounts but no longer linked to the person, a final email goes to the
registered address, and the sign-in is deleted from the user pool. The database part commits first
(the profile is marked withdrawn in the same transaction), so a request that fails after it is simply
repeated: it finishes the orders left and the sign-in, and sends no second email.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from shop import emails
from shop.account import check_withdrawal
from shop.errors import Forbidden, NotFound
from shop_aws import cognito, dynamodb
from shop_aws.api import caller, handler_for, resolver
from shop_aws.runtime import clock, logger, metrics

app = resolver()

MESSAGE = "Your account has been deleted and your personal data erased. A last email is on its way."


class Withdrawn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "WITHDRAWN"
    message: str = MESSAGE
    orders_kept: int = Field(alias="ordersKept")


@app.delete("/account")
def withdraw() -> Response[Withdrawn]:
    member = caller(app)
    if member.is_staff:
        raise Forbidden("Staff accounts are closed by an administrator, not from My Account.")
    profile = dynamodb.get_member(member.member_id)
    if profile is None:
        raise NotFound("There is no account for this sign-in.")
    now = clock().now()
    if "withdrawnAt" in profile:
        # A withdrawal that stopped after its first transaction: finish it, tell nobody twice.
        left = dynamodb.all_member_orders(member.member_id)
        dynamodb.erase_orders(member.member_id, left, now)
        cognito.delete_member(member.member_id)
        logger.info("withdrawal finished", extra={"member_id": member.member_id, "orders": len(left)})
        return Response(200, "application/json", Withdrawn(ordersKept=len(left)))
    orders = dynamodb.all_member_orders(member.member_id)
    check_withdrawal(orders)
    registered = str(profile["email"])
    final = dynamodb.outbox_email(emails.account_withdrawn(registered, str(profile.get("name", ""))), now)
    dynamodb.withdraw_member(member.member_id, registered, orders, final, now)
    cognito.delete_member(member.member_id)
    metrics.add_metric(name="MembersWithdrawn", unit="Count", value=1)
    logger.info("member withdrew", extra={"member_id": member.member_id, "orders": len(orders)})
    return Response(200, "application/json", Withdrawn(ordersKept=len(orders)))


lambda_handler = handler_for(app)
