"""POST /members with passwords of any length: M2's length (8 to 64) is refused like its other rules, in one list."""

from __future__ import annotations

from typing import Any

from tests.support.shop import Shop

GOOD_PASSWORD = "Figure#2027a"


def signup_with(password: str) -> dict[str, Any]:
    return {
        "email": "alice@example.com",
        "password": password,
        "name": "Alice Martin",
        "acceptTerms": True,
        "termsVersion": "2026-04",
    }


def rules_broken(answer_body: dict[str, Any]) -> set[str]:
    return {violation["rule"] for violation in answer_body["violations"]}


def test_a_password_of_sixty_five_characters_is_refused_as_too_long(shop: Shop) -> None:
    # rule M2 (decision: length 8 to 64)
    # given
    password = GOOD_PASSWORD + "x" * (65 - len(GOOD_PASSWORD))

    # when
    answer = shop.call("POST", "/members", signup_with(password))

    # then
    assert answer.status == 400
    assert answer.body["code"] == "PASSWORD_REJECTED"
    assert rules_broken(answer.body) == {"TOO_LONG"}


def test_a_password_of_hundreds_of_characters_gets_every_broken_rule_in_one_answer(shop: Shop) -> None:
    # rule M2: the length is one rule among the others, not a malformed request
    # given: 300 characters with a space, and no uppercase letter or symbol
    password = "figure 2027" + "x" * 289

    # when
    answer = shop.call("POST", "/members", signup_with(password))

    # then
    assert answer.status == 400
    assert answer.body["code"] == "PASSWORD_REJECTED"
    assert rules_broken(answer.body) == {"TOO_LONG", "SPACE", "NO_UPPERCASE", "NO_SYMBOL"}


def test_an_empty_password_is_refused_listing_everything_it_lacks(shop: Shop) -> None:
    # rule M2
    answer = shop.call("POST", "/members", signup_with(""))

    assert answer.status == 400
    assert rules_broken(answer.body) == {"TOO_SHORT", "NO_LOWERCASE", "NO_UPPERCASE", "NO_DIGIT", "NO_SYMBOL"}
