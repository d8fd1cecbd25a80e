"""M2-M4, M7: a visitor becomes a member, with a sign-in in the user pool, a profile, a welcome email and a
link to verify the address (checkout waits for it)."""

from __future__ import annotations

from dataclasses import dataclass

from shop import emails, members
from shop.members import NewMember
from shop_aws import cognito
from shop_aws.dynamodb import members as member_store
from shop_aws.dynamodb.outbox import outbox_email
from shop_aws.runtime import clock, logger
from use_cases.email_verification import link_to_send


@dataclass(frozen=True)
class SignedUp:
    member_id: str
    member: NewMember


def sign_up(
    *, email: str, password: str, name: str, accepted_terms: bool, terms_version: str, is_minor: bool
) -> SignedUp:
    """Check M2-M4, create the sign-in, then the profile with its email lock (M3), the welcome email and the
    verification link's email (M7).

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
    verification = link_to_send(member_id, member.email, member.name, None, now)
    welcome = outbox_email(emails.welcome(member.email, member.name), now)
    try:
        member_store.create_member(member_id, member, welcome, now, verification)
    except Exception:
        cognito.delete_sign_in(member.email)
        raise
    logger.info("member signed up", extra={"member_id": member_id, "minor": member.is_minor})
    return SignedUp(member_id, member)
