"""Property tests for what the rules parse from members: passwords, countries, quantities, addresses."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shop.checkout import MAX_QUANTITY, CartLine
from shop.members import PASSWORD_SYMBOLS, password_violations
from shop.orders import Address

ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=80)
UNICODE_SPACES = [chr(c) for c in range(0x10FFFF) if unicodedata.category(chr(c)) == "Zs"]


@settings(deadline=None, max_examples=300)
@given(ANY_TEXT)
def test_any_text_as_a_password_gets_an_answer_never_an_error(password: str) -> None:
    # rule M2: every Unicode class
    rules = {violation.rule for violation in password_violations(password)}

    accepted = not rules
    if accepted:
        assert 8 <= len(password) <= 64
        assert all(ch in string.ascii_letters + string.digits or ch in PASSWORD_SYMBOLS for ch in password)


@settings(deadline=None)
@given(st.sampled_from(UNICODE_SPACES), st.integers(0, 10))
def test_a_space_of_any_kind_anywhere_is_named(space: str, position: int) -> None:
    # rule M2
    base = "Figure#2027a"
    password = base[:position] + space + base[position:]

    assert "SPACE" in {violation.rule for violation in password_violations(password)}


@settings(deadline=None)
@given(
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF).filter(
        lambda ch: (
            not unicodedata.category(ch).startswith("Z")
            and not ch.isspace()
            and ch != "\u00b4"
            and ch not in "\u200b\u2060\ufeff"
        )
    )
)
def test_any_non_ascii_character_other_than_the_acute_accent_is_refused(character: str) -> None:
    # rule M2: full-width and other non-ASCII characters are refused
    rules = {violation.rule for violation in password_violations("Figure#2027a" + character)}

    assert rules == {"NOT_ALLOWED_CHARACTER"}


@settings(deadline=None)
@given(ANY_TEXT)
def test_a_country_is_accepted_only_as_two_capital_letters(country: str) -> None:
    # rule O1, rule O2 read the destination country from this
    address = {"name": "A", "line1": "1 Main St", "city": "Paris", "postalCode": "75001", "country": country}
    is_code = len(country) == 2 and all("A" <= ch <= "Z" for ch in country)

    if is_code:
        assert Address.model_validate(address).country == country
    else:
        with pytest.raises(ValidationError):
            Address.model_validate(address)


@settings(deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=5), st.booleans(), st.none()))
def test_a_quantity_is_a_whole_number_from_one_to_the_maximum(quantity: object) -> None:
    # rule O6
    valid = type(quantity) is int and 1 <= quantity <= MAX_QUANTITY

    if valid:
        assert CartLine.model_validate({"productId": "figure-1", "quantity": quantity}).quantity == quantity
    else:
        with pytest.raises(ValidationError):
            CartLine.model_validate({"productId": "figure-1", "quantity": quantity})


@settings(deadline=None, max_examples=200)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_any_address_text_is_accepted_or_refused_never_an_error(name: str, line1: str, city: str, postal: str) -> None:
    address = {"name": name, "line1": line1, "city": city, "postalCode": postal, "country": "FR"}

    try:
        parsed = Address.model_validate(address)
    except ValidationError:
        return
    assert parsed.name == parsed.name.strip()
    assert parsed.name in name
    assert 1 <= len(parsed.postal_code) <= 20
