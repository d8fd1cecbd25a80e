"""M8: PUT /account/password changes the password (the current one checked again); POST /members/password-reset
and POST /members/password-reset/confirm reset a forgotten one with a code emailed to the address."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import passwords

from shop.views import SessionView
from shop_aws.api import caller, handler_for, refusals, resolver
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
    responses=refusals(
        {
            403: "The current password is not right, or the account was deleted",
            429: "Paused after repeated wrong passwords; the Retry-After header says when to try again",
        }
    ),
)
def change(request: PasswordChange) -> Response[SessionView]:
    """M8: the new password obeys every M2 rule (all broken ones listed); every other session is signed out and
    the member is emailed. Answers a new session for this device."""
    member = caller(app)
    tokens = passwords.change_password(member.member_id, member.email, request.current_password, request.new_password)
    session = SessionView.of(tokens.member_id, tokens.id_token, tokens.refresh_token, tokens.expires_in, clock().now())
    return Response(200, "application/json", session)


@app.post("/members/password-reset", status_code=202, summary="Ask for a password reset code")
def ask(request: ResetAsked) -> Response[ResetAnswer]:
    """M8: the same answer, after the same work, whether or not the address is registered; a code is emailed if
    it is (single-use, one hour, five tries)."""
    passwords.request_password_reset(request.email)
    return Response(202, "application/json", ResetAnswer())


@app.post(
    "/members/password-reset/confirm",
    summary="Set a new password with the emailed code",
    responses=refusals({403: "The account was deleted"}),
)
def confirm(request: ResetConfirmed) -> Response[PasswordReset]:
    """M8: the code and a new password obeying every M2 rule (all broken ones listed); every session is signed
    out and the member is emailed."""
    passwords.reset_password(request.email, request.code, request.new_password)
    return Response(200, "application/json", PasswordReset())


lambda_handler = handler_for(app)
