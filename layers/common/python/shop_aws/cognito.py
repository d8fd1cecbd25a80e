"""The member user pool: creating and removing sign-in identities."""

from __future__ import annotations

from botocore.exceptions import ClientError

from shop.errors import EmailTaken, PasswordRejected
from shop_aws.clients import client
from shop_aws.settings import settings


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
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
    except ClientError as error:
        delete_sign_in(email)
        if error.response["Error"]["Code"] == "InvalidPasswordException":
            raise PasswordRejected(
                "The password does not meet the rules.",
                violations=[{"rule": "SIGN_IN_SERVICE", "message": error.response["Error"]["Message"]}],
            ) from error
        raise
    return member_id


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
