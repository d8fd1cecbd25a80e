"""The emailed secrets (M7 verification links, M8 reset codes) and how often the shop sends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.credentials import (
    RESET_CODE_TRIES,
    RESET_EMAILS,
    VERIFICATION_EMAILS,
    ResetRequest,
    SendLog,
    VerificationLink,
    check_verification_link,
    new_link_token,
    new_reset_code,
    normalise_reset_code,
    record_send,
    redeem_reset_code,
    reset_code_digest,
)
from shop.errors import (
    ResetCodeInvalid,
    ResetCodeWrong,
    TooManyRequests,
    VerificationLinkExpired,
    VerificationLinkUsed,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADDRESS_KEY = "a1b2c3"


def a_link(**changes: object) -> VerificationLink:
    values: dict[str, object] = {
        "member_id": "m-1",
        "email": "alice@example.com",
        "expires_at": NOW + timedelta(hours=24),
    }
    return VerificationLink(**(values | changes))  # type: ignore[arg-type]


def a_reset(code: str = "ABCD-EFGH", **changes: object) -> ResetRequest:
    values: dict[str, object] = {
        "expires_at": NOW + timedelta(hours=1),
        "tries_left": RESET_CODE_TRIES,
        "member_id": "m-1",
        "code_digest": reset_code_digest(ADDRESS_KEY, code),
    }
    return ResetRequest(**(values | changes))  # type: ignore[arg-type]


# --- M7: verification links -------------------------------------------------------------------------------


# rule M7
def test_a_link_is_used_at_the_moment_it_is_opened() -> None:
    used = check_verification_link(a_link(), NOW)

    assert used.used_at == NOW


# rule M7
def test_a_used_link_is_refused() -> None:
    with pytest.raises(VerificationLinkUsed):
        check_verification_link(a_link(used_at=NOW - timedelta(minutes=5)), NOW)


# rule M7
def test_a_link_is_refused_from_the_moment_it_expires() -> None:
    link = a_link()

    check_verification_link(link, link.expires_at - timedelta(seconds=1))
    with pytest.raises(VerificationLinkExpired):
        check_verification_link(link, link.expires_at)


# rule M7
def test_link_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_link_token() for _ in range(50)}

    assert len(tokens) == 50
    assert all(len(token) >= 43 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


# --- M8: reset codes --------------------------------------------------------------------------------------


# rule M8
def test_the_right_code_names_the_member() -> None:
    redeemed = redeem_reset_code(a_reset("ABCD-EFGH"), ADDRESS_KEY, "ABCD-EFGH", NOW)

    assert redeemed.member_id == "m-1"


# rule M8
def test_a_code_is_read_as_typed_whatever_its_case_spaces_dashes_or_look_alike_letters() -> None:
    assert normalise_reset_code(" abcd efgh ") == normalise_reset_code("ABCD-EFGH")
    assert normalise_reset_code("O1L0") == "0110"
    assert redeem_reset_code(a_reset("0110-ABCD"), ADDRESS_KEY, "oIl0abcd", NOW).member_id == "m-1"


# rule M8
def test_a_wrong_code_says_how_many_tries_are_left() -> None:
    with pytest.raises(ResetCodeWrong) as wrong:
        redeem_reset_code(a_reset(), ADDRESS_KEY, "ZZZZ-ZZZZ", NOW)

    assert wrong.value.details["triesLeft"] == RESET_CODE_TRIES - 1


# rule M8
def test_no_code_is_accepted_once_the_tries_are_used_up() -> None:
    with pytest.raises(ResetCodeInvalid):
        redeem_reset_code(a_reset("ABCD-EFGH", tries_left=0), ADDRESS_KEY, "ABCD-EFGH", NOW)


# rule M8
def test_a_code_is_refused_from_the_moment_it_expires() -> None:
    with pytest.raises(ResetCodeInvalid):
        redeem_reset_code(a_reset("ABCD-EFGH"), ADDRESS_KEY, "ABCD-EFGH", NOW + timedelta(hours=1))


# rule M8
def test_a_request_for_an_address_no_member_holds_is_answered_like_a_wrong_code() -> None:
    unknown = ResetRequest(expires_at=NOW + timedelta(hours=1), tries_left=RESET_CODE_TRIES)

    with pytest.raises(ResetCodeWrong) as wrong:
        redeem_reset_code(unknown, ADDRESS_KEY, "ABCD-EFGH", NOW)

    assert wrong.value.details == {"triesLeft": RESET_CODE_TRIES - 1}


# rule M8
def test_a_code_for_another_address_is_wrong() -> None:
    with pytest.raises(ResetCodeWrong):
        redeem_reset_code(a_reset("ABCD-EFGH"), "another-address", "ABCD-EFGH", NOW)


# rule M8
def test_codes_are_eight_characters_that_cannot_be_misread() -> None:
    codes = [new_reset_code() for _ in range(200)]

    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert not set("".join(codes)) & set("ILOU")
    assert len(set(codes)) == 200


# --- how often: resends (M7) and reset emails (M8) -----------------------------------------------------------


# rule M7
def test_the_first_email_starts_a_window() -> None:
    assert record_send(VERIFICATION_EMAILS, None, NOW) == SendLog(NOW, 1, NOW)


# rule M7
def test_a_second_email_within_a_minute_is_refused_with_the_seconds_to_wait() -> None:
    first = record_send(VERIFICATION_EMAILS, None, NOW)

    with pytest.raises(TooManyRequests) as refused:
        record_send(VERIFICATION_EMAILS, first, NOW + timedelta(seconds=20))

    assert refused.value.retry_after_seconds == 40
    assert refused.value.headers() == {"Retry-After": "40"}


# rule M8
def test_emails_a_minute_apart_are_sent_until_the_window_is_full() -> None:
    log = record_send(RESET_EMAILS, None, NOW)
    for minute in range(1, RESET_EMAILS.per_window):
        log = record_send(RESET_EMAILS, log, NOW + timedelta(minutes=minute))

    with pytest.raises(TooManyRequests) as refused:
        record_send(RESET_EMAILS, log, NOW + timedelta(minutes=10))

    assert refused.value.retry_after_seconds == 50 * 60


# rule M7
def test_a_full_window_opens_a_new_one_once_it_has_passed() -> None:
    full = SendLog(NOW, VERIFICATION_EMAILS.per_window, NOW + timedelta(hours=2))

    later = NOW + VERIFICATION_EMAILS.window

    assert record_send(VERIFICATION_EMAILS, full, later) == SendLog(later, 1, later)
