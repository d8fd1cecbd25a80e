"""M8: every password the shop accepts obeys M2, when a member changes it and when they reset a forgotten one.

A change repeats the current password; a reset proves the address with a code sent to it, which works once,
within the hour, and allows five tries. Either way every session is signed out and the member is emailed.
A reset request answers the same, after the same reads and writes, whether or not the address is registered.
"""

from __future__ import annotations

from urllib.parse import urlencode

from shop import emails
from shop.credentials import (
    RESET_CODE_TRIES,
    RESET_CODE_VALIDITY,
    RESET_EMAILS,
    ResetRequest,
    digest,
    new_reset_code,
    record_send,
    redeem_reset_code,
    reset_code_digest,
)
from shop.errors import (
    AccountWithdrawn,
    Conflict,
    CurrentPasswordWrong,
    InvalidCredentials,
    ResetCodeWrong,
    TooManyRequests,
)
from shop.members import check_password, normalise_email
from shop_aws import cognito
from shop_aws.cognito import Tokens
from shop_aws.dynamodb import members, passwords
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings


def _page(path: str, **query: str) -> str:
    return f"{settings().front_end_url.rstrip('/')}/{path}" + (f"?{urlencode(query)}" if query else "")


def change_password(member_id: str, email: str, current: str, new: str) -> Tokens:
    """The current password checked again, the new one under M2; other sessions end, this one gets new tokens."""
    check_password(new)
    profile = members.get_member(member_id)
    if profile is not None and "withdrawnAt" in profile:
        raise AccountWithdrawn("This account has been deleted.")
    try:
        cognito.sign_in(email, current)
    except InvalidCredentials as error:
        raise CurrentPasswordWrong("The current password is not right; the password was not changed.") from error
    cognito.set_password(email, new)
    cognito.sign_out_everywhere(email)
    tokens = cognito.sign_in(email, new)
    now = clock().now()
    notice = emails.password_changed(email, reset=False, at=now, reset_link=_page("reset-password"))
    passwords.tell_password_changed(member_id, outbox_email(notice, now))
    metrics.add_metric(name="PasswordsChanged", unit="Count", value=1)
    logger.info("password changed", extra={"member_id": member_id})
    return tokens


def address_key(address: str) -> str:
    return digest("password-reset-address", address)


def request_password_reset(email: str) -> None:
    """Email a code to the address if a member holds it; otherwise do the same work and send nothing.

    Asked too often (more than once a minute or five times an hour for one address), nothing is sent either;
    the answer stays the same, so it tells nothing about the address.
    """
    address = normalise_email(email)
    key = address_key(address)
    now = clock().now()
    _, log, member_id = passwords.reset_and_member(key, address)
    try:
        sends = record_send(RESET_EMAILS, log, now)
    except TooManyRequests:
        logger.info("password reset asked too often", extra={"address_key": key})
        return
    code = new_reset_code()
    expires_at = now + RESET_CODE_VALIDITY
    request = ResetRequest(expires_at=expires_at, tries_left=RESET_CODE_TRIES)
    email_entry = None
    if member_id is not None:
        request = ResetRequest(
            expires_at=expires_at,
            tries_left=RESET_CODE_TRIES,
            member_id=member_id,
            code_digest=reset_code_digest(key, code),
        )
        link = _page("reset-password", email=address, code=code)
        email_entry = outbox_email(emails.password_reset(address, code, link, expires_at), now)
    try:
        passwords.request_reset(key, log, request, sends, email_entry)
    except Conflict:
        logger.info("two password resets asked at once", extra={"address_key": key})
        return
    logger.info("password reset asked", extra={"address_key": key})


def reset_password(email: str, code: str, new: str) -> None:
    """M8: the code sent to the address sets a new password under M2; every session ends; the member is told."""
    check_password(new)
    address = normalise_email(email)
    key = address_key(address)
    now = clock().now()
    request, _, _ = passwords.reset_and_member(key, address)
    try:
        redeemed = redeem_reset_code(request, key, code, now)
    except ResetCodeWrong:
        passwords.record_wrong_code(key)
        raise
    cognito.set_password(redeemed.member_id, new)
    cognito.sign_out_everywhere(address)
    notice = emails.password_changed(address, reset=True, at=now, reset_link=_page("reset-password"))
    passwords.use_code(key, redeemed.code_digest, now, outbox_email(notice, now))
    metrics.add_metric(name="PasswordsReset", unit="Count", value=1)
    logger.info("password reset", extra={"member_id": redeemed.member_id})
