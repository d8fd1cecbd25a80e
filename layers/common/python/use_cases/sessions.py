"""Signing in through the shop's API: the user pool checks the password, the member gets an ID token and a
refresh token (never the pool's access token), and can end every session at once."""

from __future__ import annotations

from shop.errors import InvalidCredentials, ShopError
from shop.members import normalise_email
from shop_aws import cognito
from shop_aws.cognito import Tokens
from shop_aws.runtime import logger


def sign_in(email: str, password: str) -> Tokens:
    """A wrong password, an unknown address and one that cannot be an address all get the same 401."""
    try:
        address = normalise_email(email)
    except ShopError as error:
        raise InvalidCredentials("The email address or the password is not right.") from error
    tokens = cognito.sign_in(address, password)
    logger.info("signed in", extra={"member_id": tokens.member_id})
    return tokens


def refresh(member_id: str, refresh_token: str) -> Tokens:
    return cognito.refresh(member_id, refresh_token)


def sign_out_everywhere(member_id: str, email: str) -> None:
    """Every refresh token of the member stops working (the ID tokens issued live until they expire)."""
    cognito.sign_out_everywhere(email)
    logger.info("signed out everywhere", extra={"member_id": member_id})
