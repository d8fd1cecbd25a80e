"""M7: a member proves they read mail at their registered address by opening a link sent there.

Signup sends the first link (use_cases.signup); a signed-in member may ask for another, a few times a day.
Opening one marks the profile verified, which checkout requires, and tells the user pool (email_verified).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from shop import emails
from shop.credentials import (
    VERIFICATION_EMAILS,
    VERIFICATION_LINK_VALIDITY,
    SendLog,
    VerificationLink,
    check_verification_link,
    digest,
    new_link_token,
    record_send,
)
from shop.errors import AccountWithdrawn, EmailAlreadyVerified, NotFound, VerificationLinkInvalid
from shop_aws import cognito
from shop_aws.dynamodb import members, verifications
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.dynamodb.verifications import LinkToSend
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings


def link_to_send(member_id: str, email: str, name: str, previous: SendLog | None, now: datetime) -> LinkToSend:
    """A new link for the member's address and its email; TooManyRequests if they were sent too often."""
    sends = record_send(VERIFICATION_EMAILS, previous, now)
    token = new_link_token()
    link = VerificationLink(member_id=member_id, email=email, expires_at=now + VERIFICATION_LINK_VALIDITY)
    url = f"{settings().front_end_url.rstrip('/')}/verify-email?{urlencode({'token': token})}"
    message = emails.email_verification(email, name, url, link.expires_at)
    return LinkToSend(token_digest=token_digest(token), link=link, email=outbox_email(message, now), sends=sends)


def token_digest(token: str) -> str:
    return digest("verification-link", token)


def verify_email(token: str) -> str:
    """Use the link: the address it was sent to becomes verified, here and in the user pool. Returns it."""
    now = clock().now()
    found = verifications.get_link(token_digest(token))
    if found is None:
        raise VerificationLinkInvalid(
            "This link is not one we sent: check that it was copied whole, or ask for a new one from My Account."
        )
    check_verification_link(found, now)
    profile = members.get_member(found.member_id)
    if profile is None or "withdrawnAt" in profile:
        raise AccountWithdrawn("The account this link was sent for has been deleted.")
    cognito.mark_email_verified(found.member_id)
    verifications.verify(token_digest(token), found, now)
    metrics.add_metric(name="EmailsVerified", unit="Count", value=1)
    logger.info("email verified", extra={"member_id": found.member_id})
    return found.email


def send_verification_again(member_id: str) -> str:
    """A new link to the member's registered address (the earlier ones keep working until they expire)."""
    profile = members.get_member(member_id)
    if profile is None:
        raise NotFound("This sign-in has no member account with an address to verify.")
    if "withdrawnAt" in profile:
        raise AccountWithdrawn("This account has been deleted.")
    if "emailVerifiedAt" in profile:
        raise EmailAlreadyVerified("Your email address is verified already: you can check out.")
    now = clock().now()
    previous = verifications.send_log(profile)
    email = str(profile["email"])
    sending = link_to_send(member_id, email, str(profile["name"]), previous, now)
    verifications.send_again(member_id, previous, sending, now)
    logger.info("verification email sent again", extra={"member_id": member_id})
    return email
