"""M7: POST /members/verification uses the link emailed to a member; POST /account/verification-email sends
a new one. Checkout waits until the address is verified."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import email_verification

from shop_aws.api import caller, handler_for, refusals, resolver

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
    responses=refusals(
        {
            403: "The account the link was sent for has been deleted",
            410: "The link expired; ask for a new one",
        }
    ),
)
def verify(request: VerificationRequest) -> Response[Verified]:
    """M7: the token from the link; it works once, within 24 hours. The user pool then says email_verified."""
    return Response(200, "application/json", Verified(email=email_verification.verify_email(request.token)))


@app.post(
    "/account/verification-email",
    status_code=202,
    summary="Send the verification link again",
    responses=refusals({429: "A link was sent a minute ago or five today; the Retry-After header says when"}),
)
def send_again() -> Response[VerificationSent]:
    """M7: a new link to the registered address, at most once a minute and five times a day."""
    email = email_verification.send_verification_again(caller(app).member_id)
    return Response(202, "application/json", VerificationSent(email=email))


lambda_handler = handler_for(app)
