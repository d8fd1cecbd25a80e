"""The member user pool: sign-in identities, sessions and passwords, through the admin API only.

The app client has a secret and allows only the admin password flow and refresh (template.yaml), so no
caller outside these functions can sign in, refresh into an access token, or reach an operation of the
pool that sets a password (M8). Members get an ID token and a refresh token, never an access token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache

from botocore.exceptions import ClientError

from shop.errors import AccountWithdrawn, EmailTaken, InvalidCredentials, PasswordRejected, SessionExpired, SignInLocked
from shop_aws.clients import client
from shop_aws.settings import settings

# The pool does not say how long a lockout lasts: one second after the fifth wrong password, doubling with
# each further one, up to about 15 minutes. A minute covers the first seven; asking during a lockout does not
# lengthen it (docs/decisions.md, "Sign-in").
LOCKOUT_RETRY_AFTER_SECONDS = 60
_LOCKED_OUT = "Password attempts exceeded"
_NOT_SIGNED_IN = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
}


@dataclass(frozen=True)
class Tokens:
    """What a sign-in or a refresh gives the member: never the access token (which reaches ChangePassword)."""

    id_token: str
    expires_in: int
    refresh_token: str | None = None

    @property
    def member_id(self) -> str:
        """The ID token's sub: the pool just issued it, so its payload is read without checking it again."""
        payload = self.id_token.split(".")[1]
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, binascii.Error) as error:
            raise RuntimeError("the user pool issued an ID token that is not a JWT") from error
        return str(claims["sub"])


def create_sign_in(email: str, password: str) -> str:
    """Create a confirmed member who can sign in with email and password; returns their id (sub)."""
    pool = settings().user_pool_id
    cognito = client("cognito-idp")
    try:
        response = cognito.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email}],
            MessageAction="SUPPRESS",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UsernameExistsException":
            raise EmailTaken(f"A member with the email address {email} already exists.") from error
        raise
    attributes = {a["Name"]: a["Value"] for a in response["User"]["Attributes"]}
    member_id = str(attributes.get("sub") or response["User"]["Username"])
    try:
        set_password(email, password)
    except Exception:
        delete_sign_in(email)
        raise
    return member_id


def set_password(username: str, password: str) -> None:
    """A permanent password, set by the shop after it applied M2 (the pool's own policy is weaker)."""
    try:
        client("cognito-idp").admin_set_user_password(
            UserPoolId=settings().user_pool_id, Username=username, Password=password, Permanent=True
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UserNotFoundException":
            raise AccountWithdrawn("This account has been deleted.") from error
        if error.response["Error"]["Code"] == "InvalidPasswordException":
            raise PasswordRejected(
                "The password does not meet the rules.",
                violations=[{"rule": "SIGN_IN_SERVICE", "message": error.response["Error"]["Message"]}],
            ) from error
        raise


def sign_in(email: str, password: str) -> Tokens:
    """Email and password to tokens. A wrong password and an unknown address are the same refusal."""
    try:
        result = client("cognito-idp").admin_initiate_auth(
            UserPoolId=settings().user_pool_id,
            ClientId=settings().user_pool_client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters=_with_secret_hash({"USERNAME": email, "PASSWORD": password}, email),
        )
    except ClientError as error:
        if _locked_out(error):
            raise SignInLocked(
                "Too many wrong passwords: sign-in to this account is paused for a while (from a second up to "
                "about 15 minutes, longer after each wrong password). Try again in a minute, or reset your "
                "password (POST /members/password-reset).",
                retry_after_seconds=LOCKOUT_RETRY_AFTER_SECONDS,
            ) from error
        if error.response["Error"]["Code"] in _NOT_SIGNED_IN:
            raise InvalidCredentials("The email address or the password is not right.") from error
        raise
    if "AuthenticationResult" not in result:
        # A challenge (a new password required, say) only an administrator's console can set up here.
        raise InvalidCredentials("This account cannot sign in with a password; reset it to sign in.")
    return _tokens(result["AuthenticationResult"])


def refresh(member_id: str, refresh_token: str) -> Tokens:
    """A new ID token for a session that is still open (not signed out, not expired, account not deleted)."""
    try:
        result = client("cognito-idp").admin_initiate_auth(
            UserPoolId=settings().user_pool_id,
            ClientId=settings().user_pool_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters=_with_secret_hash({"REFRESH_TOKEN": refresh_token}, member_id),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] in _NOT_SIGNED_IN:
            raise SessionExpired("This session has ended: sign in again.") from error
        raise
    return _tokens(result["AuthenticationResult"])


def sign_out_everywhere(username: str) -> None:
    """Every refresh token of the member stops working; ID tokens already issued live until they expire."""
    try:
        client("cognito-idp").admin_user_global_sign_out(UserPoolId=settings().user_pool_id, Username=username)
    except ClientError as error:
        if error.response["Error"]["Code"] != "UserNotFoundException":
            raise


def mark_email_verified(member_id: str) -> None:
    """M7: the pool records what the shop proved, so its ID tokens say email_verified."""
    try:
        client("cognito-idp").admin_update_user_attributes(
            UserPoolId=settings().user_pool_id,
            Username=member_id,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UserNotFoundException":
            raise AccountWithdrawn("This account has been deleted.") from error
        raise


def delete_sign_in(email: str) -> None:
    """Undo a sign-in created for a signup that could not be completed."""
    try:
        client("cognito-idp").admin_delete_user(UserPoolId=settings().user_pool_id, Username=email)
    except ClientError as error:
        if error.response["Error"]["Code"] != "UserNotFoundException":
            raise


def delete_member(member_id: str) -> None:
    """M5: the member can no longer sign in. The pool's user name is the member id (sub); gone already is fine."""
    try:
        client("cognito-idp").admin_delete_user(UserPoolId=settings().user_pool_id, Username=member_id)
    except ClientError as error:
        if error.response["Error"]["Code"] != "UserNotFoundException":
            raise


def _locked_out(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "NotAuthorizedException" and _LOCKED_OUT in str(
        error.response["Error"].get("Message", "")
    )


def _tokens(result: dict[str, object]) -> Tokens:
    refresh_token = result.get("RefreshToken")
    return Tokens(
        id_token=str(result["IdToken"]),
        expires_in=int(str(result["ExpiresIn"])),
        refresh_token=str(refresh_token) if refresh_token else None,
    )


def _with_secret_hash(parameters: dict[str, str], username: str) -> dict[str, str]:
    """The client's secret proves the call comes from the shop: HMAC-SHA256 of user name and client id.

    For a refresh, the user name is the pool's own (the member id), not the email address.
    """
    secret = _client_secret(settings().user_pool_id, settings().user_pool_client_id)
    if secret is None:
        return parameters
    client_id = settings().user_pool_client_id
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return {**parameters, "SECRET_HASH": base64.b64encode(mac).decode()}


@cache
def _client_secret(pool_id: str, client_id: str) -> str | None:
    """Read once per container from the pool (no copy in the environment or in a second secret store)."""
    described = client("cognito-idp").describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    secret = described["UserPoolClient"].get("ClientSecret")
    return str(secret) if secret else None
