"""M2-M4: a visitor becomes a member, with a sign-in in the user pool, a profile, and a welcome email."""

from __future__ import annotations

from dataclasses import dataclass

from shop import emails, members
from shop.members import NewMember
from shop_aws import cognito
from shop_aws.dynamodb import members as member_store
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger


@dataclass(frozen=True)
class SignedUp:
    member_id: str
    member: NewMember


def sign_up(
    *, email: str, password: str, name: str, accepted_terms: bool, terms_version: str, is_minor: bool
) -> SignedUp:
    """Check M2-M4, create the sign-in, then the profile with its email lock (M3) and welcome email.

    When the profile cannot be stored (the address taken meanwhile, say), the sign-in is removed again,
    so the address can sign up later.
    """
    now = clock().now()
    member = members.sign_up(
        email=email,
        password=password,
        name=name,
        accepted_terms=accepted_terms,
        terms_version=terms_version,
        is_minor=is_minor,
        now=now,
    )
    member_id = cognito.create_sign_in(member.email, password)
    try:
        member_store.create_member(member_id, member, outbox_email(emails.welcome(member.email, member.name), now), now)
    except Exception:
        cognito.delete_sign_in(member.email)
        raise
    logger.info("member signed up", extra={"member_id": member_id, "minor": member.is_minor})
    return SignedUp(member_id, member)
