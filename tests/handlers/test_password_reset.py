"""M8: POST /members/password-reset and /members/password-reset/confirm, against template.yaml's resources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.client import BaseClient

from shop_aws.dynamodb.items import from_attributes
from tests.support.accounts import RESET_SUBJECT, latest_email, reset_code, sign_in
from tests.support.orders import PASSWORD, signed_up
from tests.support.shop import Answer, Member, Shop

NEW_PASSWORD = "Nendoroid$2028"


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


def ask(shop: Shop, email: str) -> Answer:
    return shop.call("POST", "/members/password-reset", {"email": email})


def confirm(shop: Shop, email: str, code: str, new: str = NEW_PASSWORD) -> Answer:
    return shop.call("POST", "/members/password-reset/confirm", {"email": email, "code": code, "newPassword": new})


def reset_emails(shop: Shop, address: str) -> list[Any]:
    shop.deliver_outbox()
    return [m for m in shop.emails_to(address) if m.subject == RESET_SUBJECT]


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every AWS call the functions make, by service and operation, in order."""
    calls: list[tuple[str, str]] = []
    real: Callable[..., Any] = BaseClient._make_api_call

    def recorded(client: BaseClient, operation: str, parameters: dict[str, Any]) -> Any:
        calls.append((client.meta.service_model.service_name, operation))
        return real(client, operation, parameters)

    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)
    return calls


# --- asking ---------------------------------------------------------------------------------------------------


def test_asking_for_a_reset_emails_a_code_valid_for_an_hour(shop: Shop, member: Member) -> None:
    # rule M8
    answer = ask(shop, "Yuki@Example.com")

    assert answer.status == 202
    message = latest_email(shop, member.email, RESET_SUBJECT)
    assert "until 2026-12-01 10:00 UTC" in message.body
    assert "five tries" in message.body


def test_an_unknown_address_gets_the_same_status_and_body_and_no_email(shop: Shop, member: Member) -> None:
    # rule M8: a reset never tells whether an address is registered
    known = ask(shop, member.email)
    unknown = ask(shop, "nobody@example.com")

    assert (unknown.status, unknown.body) == (known.status, known.body)
    assert len(reset_emails(shop, member.email)) == 1
    assert shop.emails_to("nobody@example.com") == []


def test_an_unknown_address_costs_the_same_reads_and_writes_as_a_known_one(
    shop: Shop, member: Member, aws_calls: list[tuple[str, str]]
) -> None:
    # rule M8: "in about the same time": the same AWS calls, in the same order
    ask(shop, member.email)
    for_known = list(aws_calls)
    aws_calls.clear()

    ask(shop, "nobody@example.com")

    assert aws_calls == for_known
    assert for_known == [("dynamodb", "BatchGetItem"), ("dynamodb", "TransactWriteItems")]


def test_the_table_keeps_neither_the_code_nor_an_unknown_address(shop: Shop, member: Member) -> None:
    # rule M8: stored hashed, with a time to live
    ask(shop, member.email)
    ask(shop, "stranger@example.com")
    code = reset_code(shop, member.email)

    items = [item for item in _all_items(shop) if item.get("type") == "PASSWORD_RESET"]

    assert len(items) == 2
    assert not any(text in str(items) for text in (code, code.replace("-", ""), "stranger@example.com"))
    assert all(isinstance(item["expiresAt"], int) for item in items)


def test_more_than_one_request_a_minute_sends_no_second_email_and_answers_the_same(shop: Shop, member: Member) -> None:
    # rule M8
    first = ask(shop, member.email)
    shop.clock.advance(timedelta(seconds=30))
    second = ask(shop, member.email)

    assert (second.status, second.body) == (first.status, first.body)
    assert len(reset_emails(shop, member.email)) == 1


def test_a_newer_code_replaces_the_older_one(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    older = reset_code(shop, member.email)
    shop.clock.advance(timedelta(minutes=2))
    ask(shop, member.email)
    newer = reset_code(shop, member.email)

    assert confirm(shop, member.email, older).status == 400
    assert confirm(shop, member.email, newer).status == 200


# --- confirming ------------------------------------------------------------------------------------------------


def test_the_emailed_code_sets_the_new_password(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)

    answer = confirm(shop, member.email, reset_code(shop, member.email))

    assert (answer.status, answer.body["status"]) == (200, "PASSWORD_RESET")
    assert sign_in(shop, member.email, NEW_PASSWORD).status == 201
    assert sign_in(shop, member.email, PASSWORD).status == 401


def test_a_reset_signs_out_every_session(shop: Shop, member: Member) -> None:
    # rule M8
    session = sign_in(shop, member.email, PASSWORD).body
    ask(shop, member.email)

    confirm(shop, member.email, reset_code(shop, member.email))

    renewed = shop.call(
        "POST", "/sessions/refresh", {"memberId": member.member_id, "refreshToken": session["refreshToken"]}
    )
    assert renewed.status == 401


def test_the_member_is_emailed_that_the_password_was_reset(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    confirm(shop, member.email, reset_code(shop, member.email))

    message = latest_email(shop, member.email, "Your Preorder Figure Shop password was changed")

    assert "reset with a code sent to this address" in message.body


def test_a_code_works_once(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    code = reset_code(shop, member.email)
    assert confirm(shop, member.email, code).status == 200

    reused = confirm(shop, member.email, code, new="Another$Pass2029")

    assert (reused.status, reused.body["code"]) == (400, "RESET_CODE_INVALID")
    assert sign_in(shop, member.email, NEW_PASSWORD).status == 201


def test_a_code_is_refused_once_its_hour_has_passed(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    code = reset_code(shop, member.email)
    shop.clock.advance(timedelta(hours=1))

    answer = confirm(shop, member.email, code)

    assert (answer.status, answer.body["code"]) == (400, "RESET_CODE_INVALID")
    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_five_wrong_codes_and_then_the_right_one_is_refused_too(shop: Shop, member: Member) -> None:
    # rule M8: five tries
    ask(shop, member.email)
    code = reset_code(shop, member.email)

    wrong = [confirm(shop, member.email, "ZZZZ-ZZZZ") for _ in range(5)]
    right = confirm(shop, member.email, code)

    assert [(a.status, a.body["code"], a.body["triesLeft"]) for a in wrong] == [
        (400, "RESET_CODE_WRONG", left) for left in (4, 3, 2, 1, 0)
    ]
    assert (right.status, right.body["code"]) == (400, "RESET_CODE_INVALID")
    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_four_wrong_codes_leave_the_right_one_working(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    code = reset_code(shop, member.email)

    for _ in range(4):
        confirm(shop, member.email, "ZZZZ-ZZZZ")

    assert confirm(shop, member.email, code).status == 200


def test_codes_tried_for_an_unknown_address_are_answered_as_for_a_known_one(shop: Shop, member: Member) -> None:
    # rule M8
    ask(shop, member.email)
    ask(shop, "nobody@example.com")

    known = [confirm(shop, member.email, "ZZZZ-ZZZZ") for _ in range(6)]
    unknown = [confirm(shop, "nobody@example.com", "ZZZZ-ZZZZ") for _ in range(6)]

    assert [(a.status, a.body) for a in unknown] == [(a.status, a.body) for a in known]


@pytest.mark.parametrize(
    ("new", "broken"),
    [
        ("Ｆigure#2027a", ["NO_UPPERCASE", "NOT_ALLOWED_CHARACTER"]),
        ("Figure#\u30002027a", ["SPACE"]),
        ("Figure2027a", ["NO_SYMBOL"]),
    ],
)
def test_a_new_password_breaking_m2_is_refused_and_keeps_the_code(
    shop: Shop, member: Member, new: str, broken: list[str]
) -> None:
    # rule M2, rule M8: the code is not spent on a refused password
    ask(shop, member.email)
    code = reset_code(shop, member.email)

    refused = confirm(shop, member.email, code, new=new)

    assert (refused.status, refused.body["code"]) == (400, "PASSWORD_REJECTED")
    assert [violation["rule"] for violation in refused.body["violations"]] == broken
    assert confirm(shop, member.email, code).status == 200


def test_the_acute_accent_as_the_only_symbol_is_accepted(shop: Shop, member: Member) -> None:
    # rule M2, rule M8
    ask(shop, member.email)

    answer = confirm(shop, member.email, reset_code(shop, member.email), new="Figure\u00b42027a")

    assert answer.status == 200
    assert sign_in(shop, member.email, "Figure\u00b42027a").status == 201


def _all_items(shop: Shop) -> list[dict[str, Any]]:
    pages = shop.session.client("dynamodb").get_paginator("scan").paginate(TableName=shop.stack.ref("ShopTable"))
    return [from_attributes(item) for page in pages for item in page["Items"]]
