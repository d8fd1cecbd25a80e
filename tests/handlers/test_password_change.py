"""M8: PUT /account/password, against the user pool and table template.yaml declares."""

from __future__ import annotations

import pytest

from tests.support.accounts import latest_email, sign_in
from tests.support.orders import PASSWORD, signed_up
from tests.support.shop import Member, Shop

NEW_PASSWORD = "Nendoroid$2028"


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


def change(shop: Shop, member: Member, current: str, new: str):
    return shop.call("PUT", "/account/password", {"currentPassword": current, "newPassword": new}, member=member)


def rules_broken(answer) -> list[str]:
    return [violation["rule"] for violation in answer.body["violations"]]


def test_a_member_changes_the_password_and_signs_in_with_the_new_one(shop: Shop, member: Member) -> None:
    # rule M8
    answer = change(shop, member, PASSWORD, NEW_PASSWORD)

    assert answer.status == 200
    assert answer.body["memberId"] == member.member_id
    assert sign_in(shop, member.email, NEW_PASSWORD).status == 201
    assert sign_in(shop, member.email, PASSWORD).status == 401


def test_other_sessions_are_signed_out_and_this_one_goes_on(shop: Shop, member: Member) -> None:
    # rule M8
    other_device = sign_in(shop, member.email, PASSWORD).body

    answer = change(shop, member, PASSWORD, NEW_PASSWORD)

    renew = {"memberId": member.member_id}
    old = shop.call("POST", "/sessions/refresh", renew | {"refreshToken": other_device["refreshToken"]})
    this = shop.call("POST", "/sessions/refresh", renew | {"refreshToken": answer.body["refreshToken"]})
    assert (old.status, this.status) == (401, 200)


def test_the_member_is_emailed_that_the_password_changed(shop: Shop, member: Member) -> None:
    # rule M8, rule M6: at the registered address
    change(shop, member, PASSWORD, NEW_PASSWORD)

    message = latest_email(shop, member.email, "Your Preorder Figure Shop password was changed")

    assert "changed from My Account at 2026-12-01 09:00 UTC" in message.body
    assert "https://shop.example.com/reset-password" in message.body


def test_a_wrong_current_password_changes_nothing(shop: Shop, member: Member) -> None:
    # rule M8: the current password is asked again
    answer = change(shop, member, "Figure#2027b", NEW_PASSWORD)

    assert (answer.status, answer.body["code"]) == (403, "CURRENT_PASSWORD_WRONG")
    assert sign_in(shop, member.email, PASSWORD).status == 201
    assert sign_in(shop, member.email, NEW_PASSWORD).status == 401
    shop.deliver_outbox()
    assert [m for m in shop.emails_to(member.email) if "password" in m.subject] == []


@pytest.mark.parametrize(
    ("new", "broken"),
    [
        ("Ｆigure#2027a", ["NO_UPPERCASE", "NOT_ALLOWED_CHARACTER"]),  # a full-width capital does not count
        ("figure#２０２７a", ["NO_UPPERCASE", "NO_DIGIT", "NOT_ALLOWED_CHARACTER"]),
        ("Figure#\u30002027a", ["SPACE"]),  # the ideographic space
        ("Figure2027a", ["NO_SYMBOL"]),
        ("ｆ１", ["TOO_SHORT", "NO_LOWERCASE", "NO_UPPERCASE", "NO_DIGIT", "NO_SYMBOL", "NOT_ALLOWED_CHARACTER"]),
    ],
)
def test_a_new_password_breaking_m2_is_refused_with_every_broken_rule(
    shop: Shop, member: Member, new: str, broken: list[str]
) -> None:
    # rule M2, rule M8
    answer = change(shop, member, PASSWORD, new)

    assert (answer.status, answer.body["code"]) == (400, "PASSWORD_REJECTED")
    assert rules_broken(answer) == broken
    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_the_acute_accent_as_the_only_symbol_is_accepted(shop: Shop, member: Member) -> None:
    # rule M2, rule M8: the guide's acute accent is a symbol, though the user pool does not count it as one
    answer = change(shop, member, PASSWORD, "Figure\u00b42027a")

    assert answer.status == 200
    assert sign_in(shop, member.email, "Figure\u00b42027a").status == 201


def test_changing_the_password_needs_a_signed_in_member(shop: Shop) -> None:
    # rule M1
    answer = shop.call("PUT", "/account/password", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})

    assert answer.status == 401


def test_a_withdrawn_members_token_changes_nothing(shop: Shop, member: Member) -> None:
    # rule M5: an ID token issued before the withdrawal is still valid for up to an hour
    assert shop.call("DELETE", "/account", member=member).status == 200

    answer = change(shop, member, PASSWORD, NEW_PASSWORD)

    assert (answer.status, answer.body["code"]) == (403, "ACCOUNT_WITHDRAWN")
