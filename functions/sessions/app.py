"""Sign-in through the shop's API: POST /sessions, POST /sessions/refresh, DELETE /sessions (sign out everywhere).

The user pool checks passwords and issues tokens; members get an ID token and a refresh token, never the
pool's access token, and no client can call the pool itself (M8: no way around the shop's password rules).
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import sessions

from shop.views import SessionView
from shop_aws.api import answers, caller, handler_for, resolver
from shop_aws.cognito import Tokens
from shop_aws.runtime import clock

app = resolver()


class SignInRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    member_id: str = Field(alias="memberId", min_length=1, max_length=128, description="memberId of the sign-in")
    refresh_token: str = Field(alias="refreshToken", min_length=1, max_length=4096)


class SignedOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "SIGNED_OUT"
    message: str = (
        "Every session of this account has ended: refresh tokens no longer work anywhere. ID tokens already "
        "issued stay valid until they expire (at most an hour)."
    )


def _session(tokens: Tokens) -> SessionView:
    return SessionView.of(tokens.member_id, tokens.id_token, tokens.refresh_token, tokens.expires_in, clock().now())


@app.post(
    "/sessions",
    status_code=201,
    summary="Sign in with email and password",
    description=(
        "The address is the sign-in name, whatever its case (M3). Answers an ID token for the Authorization "
        "header, a refresh token and when the ID token expires; never the user pool's access token (M8). A wrong "
        "password and an unknown address get the same 401; while the user pool locks the account after repeated "
        "wrong passwords, 429 with Retry-After."
    ),
    responses=answers(
        201,
        "Signed in",
        {
            401: "The email address or the password is not right (the same answer for an unknown address)",
            429: "Sign-in paused after repeated wrong passwords; the Retry-After header says when to try again",
        },
    ),
)
def sign_in(request: SignInRequest) -> Response[SessionView]:
    return Response(201, "application/json", _session(sessions.sign_in(request.email, request.password)))


@app.post(
    "/sessions/refresh",
    summary="A new ID token for an open session",
    operation_id="refreshSession",
    description=(
        "The refresh token and the memberId of a sign-in give a new ID token (no new refresh token). 401 once the "
        "member signed out everywhere, changed or reset the password (M8), or withdrew (M5)."
    ),
    responses=answers(200, "A new ID token", {401: "The session has ended: signed out, expired, or account deleted"}),
)
def refresh(request: RefreshRequest) -> Response[SessionView]:
    return Response(200, "application/json", _session(sessions.refresh(request.member_id, request.refresh_token)))


@app.delete(
    "/sessions",
    summary="Sign out everywhere",
    description=(
        "Ends every session of the signed-in member: no refresh token of theirs works any more (M8). ID tokens "
        "already issued stay valid until they expire."
    ),
)
def sign_out_everywhere() -> Response[SignedOut]:
    member = caller(app)
    sessions.sign_out_everywhere(member.member_id, member.email)
    return Response(200, "application/json", SignedOut())


lambda_handler = handler_for(app)
