"""Why a payment failed, in words for the L4 email (rule L4, P3)."""

from __future__ import annotations

from shop.payments import reason_in_words


def test_a_decline_is_said_in_words() -> None:
    # rule L4
    assert reason_in_words("card_declined") == "your bank declined the card"


def test_authentication_required_asks_the_member_to_re_settle_themselves() -> None:
    # rule L4, P3
    assert "re-settle in My Account" in reason_in_words("authentication_required")


def test_an_unknown_code_is_named_as_it_is() -> None:
    # rule L4
    assert reason_in_words("do_not_honor") == "the payment was refused (do_not_honor)"


def test_no_reason_still_says_the_payment_was_not_accepted() -> None:
    # rule L4
    assert reason_in_words(None) == "the payment was not accepted"
