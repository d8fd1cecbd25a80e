"""M7: POST /members/verification uses the link emailed to a member; POST /account/verification-email sends
a new one. Checkout waits until the address is verified."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import email_verification

from shop_aws.api import answers, caller, handler_for, resolver

app = resolver()


class VerificationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$", description="from the link")


class Verified(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "VERIFIED"
    email: str
    message: str = "Your email address is verified. You can check out."


class VerificationSent(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "SENT"
    email: str
    message: str = "A new link is on its way; it works once, within 24 hours."


@app.post(
    "/members/verification",
    summary="Verify the email address with the emailed link",
    operation_id="verifyEmail",
    description=(
        "M7: the token of the link emailed at signup (or on request) verifies the address it was sent to, once, "
        "within 24 hours; checkout needs it. The user pool then records email_verified."
    ),
    responses=answers(
        200,
        "The address is verified",
        {
            400: "Not a link the shop sent (mistyped, cut short, altered)",
            403: "The account the link was sent for has been deleted",
            409: "The link has been used already",
            410: "The link expired; ask for a new one",
        },
    ),
)
def verify(request: VerificationRequest) -> Response[Verified]:
    return Response(200, "application/json", Verified(email=email_verification.verify_email(request.token)))


@app.post(
    "/account/verification-email",
    status_code=202,
    summary="Send the verification link again",
    operation_id="sendVerificationEmailAgain",
    description="M7: a new link to the registered address, at most one a minute and five a day.",
    responses=answers(
        202,
        "A new link is on its way",
        {
            404: "This sign-in has no member account (staff)",
            409: "The address is verified already",
            429: "A link was sent a minute ago or five today; the Retry-After header says when",
        },
    ),
)
def send_again() -> Response[VerificationSent]:
    email = email_verification.send_verification_again(caller(app).member_id)
    return Response(202, "application/json", VerificationSent(email=email))


lambda_handler = handler_for(app)
