"""DELETE /account: a member withdraws (rule M5); refused while any order is unshipped, listing them."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases.withdrawal import withdraw as withdraw_member

from shop.errors import Forbidden
from shop_aws.api import caller, handler_for, resolver

app = resolver()

MESSAGE = "Your account has been deleted and your personal data erased. A last email is on its way."


class Withdrawn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "WITHDRAWN"
    message: str = MESSAGE
    orders_kept: int = Field(alias="ordersKept")


@app.delete(
    "/account",
    summary="Delete my account (withdrawal)",
    description=(
        "M5: erases the member's personal data and closes the account; refused (409) while an order is "
        "unshipped. Orders are kept for the accounts without name, address or email. The final email goes to "
        "the registered address (M6)."
    ),
    operation_id="withdrawAccount",
)
def withdraw() -> Response[Withdrawn]:
    member = caller(app)
    if member.is_staff:
        raise Forbidden("Staff accounts are closed by an administrator, not from My Account.")
    return Response(200, "application/json", Withdrawn(orders_kept=withdraw_member(member.member_id)))


lambda_handler = handler_for(app)
