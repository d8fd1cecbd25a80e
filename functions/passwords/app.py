"""M8: PUT /account/password changes the password (the current one checked again); POST /members/password-reset
and POST /members/password-reset/confirm reset a forgotten one with a code emailed to the address."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import passwords

from shop.views import SessionView
from shop_aws.api import answers, caller, handler_for, resolver
from shop_aws.runtime import clock

app = resolver()

RESET_ASKED = (
    "If a member signed up with this address, an email with a code is on its way. The code works once, "
    "within the hour; check your spam folder if it does not arrive."
)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    current_password: str = Field(alias="currentPassword", min_length=1, max_length=256)
    # No length here: M2's length (8 to 64) is listed with its other broken rules (shop.members).
    new_password: str = Field(alias="newPassword")


class ResetAsked(BaseModel):
    email: str = Field(min_length=3, max_length=254)

    model_config = ConfigDict(extra="forbid")


class ResetAnswer(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "ACCEPTED"
    message: str = RESET_ASKED


class ResetConfirmed(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: str = Field(min_length=3, max_length=254)
    code: str = Field(min_length=1, max_length=32)
    new_password: str = Field(alias="newPassword")


class PasswordReset(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "PASSWORD_RESET"
    message: str = "Your password has been changed and every session signed out. Sign in with the new password."


@app.put(
    "/account/password",
    summary="Change the password",
    operation_id="changePassword",
    description=(
        "M8: the current password is checked again and the new one must obey every M2 rule (all broken ones "
        "listed, as at signup). Every other session is signed out and the member is emailed; the answer is a new "
        "session for this device."
    ),
    responses=answers(
        200,
        "Changed; a new session for this device",
        {
            403: "The current password is not right, or the account was deleted",
            429: "Paused after repeated wrong passwords; the Retry-After header says when to try again",
        },
    ),
)
def change(request: PasswordChange) -> Response[SessionView]:
    member = caller(app)
    tokens = passwords.change_password(member.member_id, member.email, request.current_password, request.new_password)
    session = SessionView.of(tokens.member_id, tokens.id_token, tokens.refresh_token, tokens.expires_in, clock().now())
    return Response(200, "application/json", session)


@app.post(
    "/members/password-reset",
    status_code=202,
    summary="Ask for a password reset code",
    operation_id="askPasswordReset",
    description=(
        "M8: the same answer, after the same work, whether or not the address is registered; if it is, a code is "
        "emailed (single use, one hour, five tries). More than one request a minute or five an hour for an "
        "address sends nothing more, with the same answer."
    ),
)
def ask(request: ResetAsked) -> Response[ResetAnswer]:
    passwords.request_password_reset(request.email)
    return Response(202, "application/json", ResetAnswer())


@app.post(
    "/members/password-reset/confirm",
    summary="Set a new password with the emailed code",
    operation_id="confirmPasswordReset",
    description=(
        "M8: the emailed code and a new password obeying every M2 rule (all broken ones listed). A wrong code says "
        "how many tries are left; every session is signed out and the member is emailed."
    ),
    responses=answers(
        200,
        "The password is reset",
        {
            400: "A password breaking M2, a wrong code (triesLeft), or a code that cannot be used any more",
            403: "The account was deleted",
        },
    ),
)
def confirm(request: ResetConfirmed) -> Response[PasswordReset]:
    passwords.reset_password(request.email, request.code, request.new_password)
    return Response(200, "application/json", PasswordReset())


lambda_handler = handler_for(app)
