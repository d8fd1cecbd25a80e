"""Members: the password policy (M2), the sign-in email (M3) and what signing up records (M4)."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from shop.errors import InvalidInput, PasswordRejected

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 64
# The guide prints the backtick as the acute accent (U+00B4); rule M2 accepts both.
PASSWORD_SYMBOLS = frozenset(string.punctuation) | {"\u00b4"}
_ASCII_LETTERS_AND_DIGITS = frozenset(string.ascii_letters + string.digits)


@dataclass(frozen=True)
class PasswordViolation:
    rule: str
    message: str


def password_violations(password: str) -> list[PasswordViolation]:
    """Every M2 rule the password breaks, so the member fixes them all in one go."""
    violations: list[PasswordViolation] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        violations.append(PasswordViolation("TOO_SHORT", f"must be at least {PASSWORD_MIN_LENGTH} characters"))
    if len(password) > PASSWORD_MAX_LENGTH:
        violations.append(PasswordViolation("TOO_LONG", f"must be at most {PASSWORD_MAX_LENGTH} characters"))
    if any(_is_space(ch) for ch in password):
        violations.append(PasswordViolation("SPACE", "must not contain spaces of any kind"))
    if not any(ch in string.ascii_lowercase for ch in password):
        violations.append(PasswordViolation("NO_LOWERCASE", "must contain a half-width lowercase letter (a-z)"))
    if not any(ch in string.ascii_uppercase for ch in password):
        violations.append(PasswordViolation("NO_UPPERCASE", "must contain a half-width uppercase letter (A-Z)"))
    if not any(ch in string.digits for ch in password):
        violations.append(PasswordViolation("NO_DIGIT", "must contain a half-width digit (0-9)"))
    if not any(ch in PASSWORD_SYMBOLS for ch in password):
        violations.append(
            PasswordViolation("NO_SYMBOL", "must contain a symbol: " + " ".join(sorted(PASSWORD_SYMBOLS)))
        )
    others = sorted(
        {ch for ch in password if ch not in _ASCII_LETTERS_AND_DIGITS | PASSWORD_SYMBOLS and not _is_space(ch)}
    )
    if others:
        violations.append(
            PasswordViolation(
                "NOT_ALLOWED_CHARACTER",
                "must use only half-width letters, digits and the listed symbols; not allowed: "
                + " ".join(f"U+{ord(ch):04X}" for ch in others),
            )
        )
    return violations


def check_password(password: str) -> None:
    violations = password_violations(password)
    if violations:
        raise PasswordRejected(
            "The password does not meet the rules.",
            violations=[{"rule": v.rule, "message": v.message} for v in violations],
        )


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in {"Zs", "Zl", "Zp"} or ch in "\u200b\u2060\ufeff"


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
EMAIL_MAX_LENGTH = 254


def normalise_email(address: str) -> str:
    """The sign-in name (M3): trimmed and lower-cased, so Alice@Shop.com and alice@shop.com are one member."""
    candidate = address.strip()
    if len(candidate) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(candidate):
        raise InvalidInput("The email address is not valid.", field="email")
    return candidate.lower()


@dataclass(frozen=True)
class NewMember:
    """What signing up records about a member (M3, M4)."""

    email: str
    name: str
    terms_version: str
    terms_accepted_at: datetime
    is_minor: bool

    @property
    def guardian_consent_assumed(self) -> bool:
        """The guide assumes a minor's parent or guardian consented (M4); the record says so."""
        return self.is_minor


def sign_up(
    *,
    email: str,
    password: str,
    name: str,
    accepted_terms: bool,
    terms_version: str,
    is_minor: bool,
    now: datetime,
) -> NewMember:
    """Apply M2-M4 and return the member to create; raises with every problem the password has."""
    normalised = normalise_email(email)
    if not accepted_terms:
        raise InvalidInput("The terms of use must be accepted to sign up.", field="acceptTerms")
    if not terms_version.strip():
        raise InvalidInput("The version of the accepted terms is required.", field="termsVersion")
    if not name.strip():
        raise InvalidInput("A name is required.", field="name")
    check_password(password)
    return NewMember(
        email=normalised,
        name=name.strip(),
        terms_version=terms_version.strip(),
        terms_accepted_at=now,
        is_minor=is_minor,
    )
