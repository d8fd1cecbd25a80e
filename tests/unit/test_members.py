"""Members: the password policy (M2), the sign-in email (M3) and what signing up records (M4)."""

from __future__ import annotations

from typing import Any

import pytest

from shop.errors import InvalidInput, PasswordRejected
from shop.members import NewMember, check_password, normalise_email, password_violations, sign_up
from tests.support.builders import NOW, STRONG_PASSWORD

# The symbols the guide lists, its acute accent (U+00B4) and the backtick the spec's decision adds (rule M2).
LISTED_SYMBOLS = [*"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "\u00b4"]


def rules_broken(password: str) -> list[str]:
    return [violation.rule for violation in password_violations(password)]


def password_of_length(length: int) -> str:
    """A password meeting every rule but length: one of each class, then lowercase letters."""
    return "Aa1!" + "x" * (length - 4)


# --- M2: a password that meets every rule -------------------------------------------------------


# rule M2
def test_a_password_meeting_every_rule_breaks_none() -> None:
    # when
    broken = rules_broken(STRONG_PASSWORD)

    # then
    assert broken == []


# rule M2
def test_a_password_meeting_every_rule_is_accepted_by_check_password() -> None:
    # when / then: no refusal is raised
    check_password(STRONG_PASSWORD)


# --- M2: spaces of every kind ---------------------------------------------------------------------


# rule M2
def test_a_password_with_an_ascii_space_is_refused() -> None:
    assert rules_broken("Figure #2027a") == ["SPACE"]


# rule M2
def test_a_password_with_a_tab_is_refused() -> None:
    assert rules_broken("Figure\t#2027a") == ["SPACE"]


# rule M2
def test_a_password_with_an_ideographic_space_is_refused() -> None:
    assert rules_broken("Figure\u3000#2027a") == ["SPACE"]


# rule M2
def test_a_password_with_a_no_break_space_is_refused() -> None:
    assert rules_broken("Figure\u00a0#2027a") == ["SPACE"]


# rule M2
@pytest.mark.parametrize(
    "space",
    ["\n", "\r", "\v", "\f", "\u2003", "\u2009", "\u202f", "\u2028", "\u2029", "\u200b", "\ufeff"],
    ids=[
        "newline",
        "carriage-return",
        "vertical-tab",
        "form-feed",
        "em-space",
        "thin-space",
        "narrow-no-break-space",
        "line-separator",
        "paragraph-separator",
        "zero-width-space",
        "zero-width-no-break-space",
    ],
)
def test_a_password_with_any_other_kind_of_space_is_refused(space: str) -> None:
    assert rules_broken(f"Figure{space}#2027a") == ["SPACE"]


# rule M2
def test_a_password_starting_and_ending_with_spaces_is_refused_not_trimmed() -> None:
    assert rules_broken(f" {STRONG_PASSWORD} ") == ["SPACE"]


# --- M2: the four character classes ----------------------------------------------------------------


# rule M2
def test_a_password_without_a_lowercase_letter_is_refused() -> None:
    assert rules_broken("FIGURE#2027A") == ["NO_LOWERCASE"]


# rule M2
def test_a_password_without_an_uppercase_letter_is_refused() -> None:
    assert rules_broken("figure#2027a") == ["NO_UPPERCASE"]


# rule M2
def test_a_password_without_a_digit_is_refused() -> None:
    assert rules_broken("Figure#abcda") == ["NO_DIGIT"]


# rule M2
def test_a_password_without_a_symbol_is_refused() -> None:
    assert rules_broken("Figure12027a") == ["NO_SYMBOL"]


# rule M2
@pytest.mark.parametrize("symbol", LISTED_SYMBOLS)
def test_each_listed_symbol_counts_as_the_symbol(symbol: str) -> None:
    # given a password whose only symbol is this one
    password = f"Figure{symbol}2027a"

    # when
    broken = rules_broken(password)

    # then
    assert broken == []


# rule M2 (decision: the guide's acute accent U+00B4 and the backtick are both accepted)
def test_a_backtick_is_accepted_as_the_only_symbol() -> None:
    assert rules_broken("Figure`2027a") == []


# rule M2 (decision: the guide's acute accent U+00B4 and the backtick are both accepted)
def test_an_acute_accent_as_the_guide_prints_it_is_accepted_as_the_only_symbol() -> None:
    assert rules_broken("Figure\u00b42027a") == []


# --- M2: full-width and other non-ASCII characters ----------------------------------------------


# rule M2
def test_a_full_width_uppercase_letter_does_not_count_as_the_uppercase_letter() -> None:
    # given the only uppercase letter is full-width capital A (U+FF21)
    password = "figure#2027\uff21"

    # when
    broken = rules_broken(password)

    # then
    assert broken == ["NO_UPPERCASE", "NOT_ALLOWED_CHARACTER"]


# rule M2
def test_a_full_width_lowercase_letter_does_not_count_as_the_lowercase_letter() -> None:
    # given the only lowercase letter is full-width small a (U+FF41)
    password = "FIGURE#2027\uff41"

    # when
    broken = rules_broken(password)

    # then
    assert broken == ["NO_LOWERCASE", "NOT_ALLOWED_CHARACTER"]


# rule M2
def test_a_full_width_digit_does_not_count_as_the_digit() -> None:
    # given the only digits are full-width one (U+FF11)
    password = "Figure#\uff11\uff11a"

    # when
    broken = rules_broken(password)

    # then
    assert broken == ["NO_DIGIT", "NOT_ALLOWED_CHARACTER"]


# rule M2
def test_a_full_width_letter_is_refused_even_when_every_class_is_present() -> None:
    assert rules_broken(STRONG_PASSWORD + "\uff21") == ["NOT_ALLOWED_CHARACTER"]


# rule M2
def test_a_full_width_symbol_does_not_count_as_the_symbol() -> None:
    # given the only symbol is the full-width number sign (U+FF03)
    assert rules_broken("Figure\uff032027a") == ["NO_SYMBOL", "NOT_ALLOWED_CHARACTER"]


# rule M2
@pytest.mark.parametrize("character", ["\u00e9", "\u00df", "\u20ac", "\U0001f600", "\u3042"], ids=repr)
def test_a_password_with_another_non_ascii_character_is_refused(character: str) -> None:
    assert rules_broken(STRONG_PASSWORD + character) == ["NOT_ALLOWED_CHARACTER"]


# rule M2
def test_the_refusal_names_the_characters_not_allowed() -> None:
    # given
    password = STRONG_PASSWORD + "\uff21\u00e9"

    # when
    [violation] = password_violations(password)

    # then
    assert "U+FF21" in violation.message
    assert "U+00E9" in violation.message


# --- M2: length 8 to 64 ---------------------------------------------------------------------------


# rule M2 (decision: length 8 to 64)
def test_a_password_of_seven_characters_is_too_short() -> None:
    assert rules_broken(password_of_length(7)) == ["TOO_SHORT"]


# rule M2 (decision: length 8 to 64)
def test_a_password_of_eight_characters_is_long_enough() -> None:
    assert rules_broken(password_of_length(8)) == []


# rule M2 (decision: length 8 to 64)
def test_a_password_of_sixty_four_characters_is_accepted() -> None:
    assert rules_broken(password_of_length(64)) == []


# rule M2 (decision: length 8 to 64)
def test_a_password_of_sixty_five_characters_is_too_long() -> None:
    assert rules_broken(password_of_length(65)) == ["TOO_LONG"]


# --- M2: one answer with every rule broken ----------------------------------------------------------


# rule M2
def test_a_password_breaking_every_rule_lists_every_rule_in_one_answer() -> None:
    # given: too short, a space, a full-width letter, and no half-width letter, digit or symbol
    password = "\u3000\uff41"

    # when
    with pytest.raises(PasswordRejected) as refusal:
        check_password(password)

    # then
    rules = sorted(violation["rule"] for violation in refusal.value.details["violations"])
    assert rules == sorted(
        ["TOO_SHORT", "SPACE", "NO_LOWERCASE", "NO_UPPERCASE", "NO_DIGIT", "NO_SYMBOL", "NOT_ALLOWED_CHARACTER"]
    )


# rule M2
def test_each_listed_violation_carries_a_message_for_the_member() -> None:
    # when
    with pytest.raises(PasswordRejected) as refusal:
        check_password("short")

    # then
    violations = refusal.value.details["violations"]
    assert [v["rule"] for v in violations] == ["TOO_SHORT", "NO_UPPERCASE", "NO_DIGIT", "NO_SYMBOL"]
    assert violations[0]["message"] == "must be at least 8 characters"
    assert all(v["message"] for v in violations)


# rule M2
def test_a_refused_password_answers_400_password_rejected() -> None:
    # when
    with pytest.raises(PasswordRejected) as refusal:
        check_password("short")

    # then
    body = refusal.value.to_body()
    assert refusal.value.status == 400
    assert body["code"] == "PASSWORD_REJECTED"
    assert len(body["violations"]) == 4


# --- M3: the email address is the sign-in name --------------------------------------------------------


# rule M3
def test_an_email_address_is_lower_cased() -> None:
    assert normalise_email("Alice.Smith@Example.COM") == "alice.smith@example.com"


# rule M3
def test_an_email_address_is_trimmed() -> None:
    assert normalise_email("  alice@example.com\t\n") == "alice@example.com"


# rule M3
def test_two_addresses_differing_only_in_case_are_one_sign_in_name() -> None:
    # when
    first = normalise_email("ALICE@example.com")
    second = normalise_email("alice@EXAMPLE.com")

    # then
    assert first == second == "alice@example.com"


# rule M3
def test_an_address_with_plus_and_subdomains_is_valid() -> None:
    assert normalise_email("Alice+figures@mail.Example.co.uk") == "alice+figures@mail.example.co.uk"


# rule M3
@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "alice",
        "alice@",
        "@example.com",
        "alice@example",
        "alice@@example.com",
        "alice@bob@example.com",
        "ali ce@example.com",
        "alice@exam ple.com",
        "alice@-example.com",
        "alice@example-.com",
        "alice@example..com",
        "alice@exa_mple.com",
        "\uff41lice@example.com",
        "alice@example.com\nbob@example.com",
        "a" * 250 + "@example.com",
    ],
    ids=repr,
)
def test_an_invalid_email_address_is_refused(address: str) -> None:
    # when
    with pytest.raises(InvalidInput) as refusal:
        normalise_email(address)

    # then
    assert refusal.value.details == {"field": "email"}


# --- M4: signing up ---------------------------------------------------------------------------------


def sign_up_with(**overrides: Any) -> NewMember:
    fields: dict[str, Any] = {
        "email": "Alice@Example.com",
        "password": STRONG_PASSWORD,
        "name": "Alice",
        "accepted_terms": True,
        "terms_version": "2027-01",
        "is_minor": False,
        "now": NOW,
    }
    return sign_up(**(fields | overrides))


# rule M4
def test_signing_up_without_accepting_the_terms_is_refused() -> None:
    # when
    with pytest.raises(InvalidInput) as refusal:
        sign_up_with(accepted_terms=False)

    # then
    assert refusal.value.details == {"field": "acceptTerms"}


# rule M4
def test_signing_up_stores_the_version_of_the_accepted_terms_and_when() -> None:
    # when
    member = sign_up(
        email="alice@example.com",
        password=STRONG_PASSWORD,
        name="Alice",
        accepted_terms=True,
        terms_version="2027-01",
        is_minor=False,
        now=NOW,
    )

    # then
    assert member.terms_version == "2027-01"
    assert member.terms_accepted_at == NOW


# rule M4
def test_signing_up_without_a_terms_version_is_refused() -> None:
    with pytest.raises(InvalidInput) as refusal:
        sign_up_with(terms_version="  ")

    assert refusal.value.details == {"field": "termsVersion"}


# rule M4
def test_a_minor_is_accepted_with_guardian_consent_assumed() -> None:
    # when
    member = sign_up(
        email="kid@example.com",
        password=STRONG_PASSWORD,
        name="Kid",
        accepted_terms=True,
        terms_version="2027-01",
        is_minor=True,
        now=NOW,
    )

    # then
    assert member.is_minor is True
    assert member.guardian_consent_assumed is True


# rule M4
def test_an_adult_is_recorded_without_guardian_consent_assumed() -> None:
    # when
    member = sign_up(
        email="alice@example.com",
        password=STRONG_PASSWORD,
        name="Alice",
        accepted_terms=True,
        terms_version="2027-01",
        is_minor=False,
        now=NOW,
    )

    # then
    assert member.guardian_consent_assumed is False


# rule M3
def test_signing_up_records_the_normalised_email_as_the_sign_in_name() -> None:
    # when
    member = sign_up(
        email="  Alice@Example.COM ",
        password=STRONG_PASSWORD,
        name="Alice",
        accepted_terms=True,
        terms_version="2027-01",
        is_minor=False,
        now=NOW,
    )

    # then
    assert member.email == "alice@example.com"


# rule M3
def test_signing_up_with_an_invalid_email_is_refused() -> None:
    with pytest.raises(InvalidInput) as refusal:
        sign_up_with(email="not-an-address")

    assert refusal.value.details == {"field": "email"}


# rule M2
def test_signing_up_with_a_weak_password_lists_every_rule_broken() -> None:
    # when
    with pytest.raises(PasswordRejected) as refusal:
        sign_up_with(password="figure 1")

    # then
    rules = [violation["rule"] for violation in refusal.value.details["violations"]]
    assert rules == ["SPACE", "NO_UPPERCASE", "NO_SYMBOL"]


def test_signing_up_without_a_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as refusal:
        sign_up_with(name=" ")

    assert refusal.value.details == {"field": "name"}
