"""POST /members through API Gateway events, against the user pool and table from template.yaml."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import sign_in
from tests.support.shop import ApiWithoutAws, Shop, outbox_entries

GOOD_PASSWORD = "Figure#2027a"


def signup_body(**changes: Any) -> dict[str, Any]:
    return {
        "email": "Alice@Example.com",
        "password": GOOD_PASSWORD,
        "name": "Alice Martin",
        "acceptTerms": True,
        "termsVersion": "2026-04",
    } | changes


def test_a_visitor_signs_up_and_can_sign_in_with_the_normalised_email(shop: Shop) -> None:
    # rule M3
    # when
    answer = shop.call("POST", "/members", signup_body())

    # then
    assert answer.status == 201
    assert answer.body["email"] == "alice@example.com"
    signed_in = sign_in(shop, "ALICE@example.com ", GOOD_PASSWORD)
    assert signed_in.status == 201, signed_in
    assert signed_in.body["memberId"] == answer.body["memberId"]


def test_signing_up_stores_the_profile_with_the_accepted_terms_version(shop: Shop) -> None:
    # rule M4
    answer = shop.call("POST", "/members", signup_body())

    profile = shop.session.client("dynamodb").get_item(
        TableName=shop.stack.ref("ShopTable"),
        Key={"PK": {"S": f"MEMBER#{answer.body['memberId']}"}, "SK": {"S": "PROFILE"}},
    )["Item"]
    assert profile["termsVersion"]["S"] == "2026-04"
    assert profile["guardianConsentAssumed"]["BOOL"] is False


def test_a_minor_is_accepted_and_the_record_says_guardian_consent_is_assumed(shop: Shop) -> None:
    # rule M4
    answer = shop.call("POST", "/members", signup_body(isMinor=True))

    assert answer.status == 201
    assert answer.body["guardianConsentAssumed"] is True


def test_signup_without_accepting_the_terms_is_refused(api: ApiWithoutAws) -> None:
    # rule M4
    answer = api.call("POST", "/members", signup_body(acceptTerms=False))

    assert answer.status == 400
    assert answer.body["field"] == "acceptTerms"


def test_a_weak_password_is_refused_with_every_broken_rule_in_one_answer(api: ApiWithoutAws) -> None:
    # rule M2
    answer = api.call("POST", "/members", signup_body(password="short pw"))

    assert answer.status == 400
    assert answer.body["code"] == "PASSWORD_REJECTED"
    rules = {violation["rule"] for violation in answer.body["violations"]}
    assert rules == {"SPACE", "NO_UPPERCASE", "NO_DIGIT", "NO_SYMBOL"}


def test_a_refused_password_creates_no_sign_in(api: ApiWithoutAws) -> None:
    # rule M2: refused before the user pool is asked
    answer = api.call("POST", "/members", signup_body(password="Ｆｉｇｕｒｅ#2027a"))

    assert answer.status == 400
    assert api.aws_calls == []


def test_the_same_email_in_another_case_is_a_409(shop: Shop) -> None:
    # rule M3
    shop.call("POST", "/members", signup_body())

    # when
    again = shop.call("POST", "/members", signup_body(email="ALICE@example.COM"))

    # then
    assert again.status == 409
    assert again.body["code"] == "EMAIL_TAKEN"


def test_signing_up_sends_one_welcome_email_through_the_outbox(shop: Shop) -> None:
    shop.call("POST", "/members", signup_body())

    shop.deliver_outbox()

    welcome = [m.subject for m in shop.emails_to("alice@example.com") if m.subject.startswith("Welcome")]
    assert welcome == ["Welcome to Preorder Figure Shop"]


def test_an_invalid_email_address_is_refused_naming_the_field(api: ApiWithoutAws) -> None:
    answer = api.call("POST", "/members", signup_body(email="alice@@example"))

    assert answer.status == 400
    assert answer.body["field"] == "email"


def test_a_failed_profile_write_removes_the_sign_in_so_the_address_can_sign_up_again(shop: Shop, monkeypatch) -> None:
    # given the table refuses the profile once
    from shop_aws.dynamodb import members as member_store

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(member_store, "create_member", broken)

    # when
    answer = shop.call("POST", "/members", signup_body())

    # then the member is told, and nothing is left behind
    assert answer.status == 500
    users = shop.session.client("cognito-idp").list_users(UserPoolId=shop.stack.ref("UserPool"))["Users"]
    assert users == []
    assert outbox_entries(shop) == []
