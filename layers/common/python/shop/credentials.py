"""The secrets the shop emails to prove an address (M7 verification links, M8 reset codes), and how often.

Each secret is random and used once. The shop keeps only its SHA-256 digest with an expiry, so the table
never holds a secret that works, and there is no signing key to keep, rotate or leak: a link or code is
valid exactly when its digest is stored, unexpired and unused (docs/decisions.md, M7 and M8).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shop.errors import (
    ResetCodeInvalid,
    ResetCodeWrong,
    TooManyRequests,
    VerificationLinkExpired,
    VerificationLinkUsed,
)

VERIFICATION_LINK_VALIDITY = timedelta(hours=24)
RESET_CODE_VALIDITY = timedelta(hours=1)
RESET_CODE_TRIES = 5
# Crockford's base32: no I, L, O or U, so a code read aloud or retyped from a phone is not misread.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 8  # 40 bits: five tries per code leave about one chance in 2**38


def new_link_token() -> str:
    """256 random bits for a verification link, URL-safe."""
    return secrets.token_urlsafe(32)


def new_reset_code() -> str:
    """Eight characters a member can type, shown as XXXX-XXXX."""
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reset_code(typed: str) -> str:
    """What the member typed, as issued: case, spaces and dashes do not matter; O is 0, I and L are 1."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t")
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def digest(*parts: str) -> str:
    """What the table keeps instead of a secret (or an address, for reset requests)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------- verification links (M7)


@dataclass(frozen=True)
class VerificationLink:
    """A link sent to a member's address: which member, which address, until when, and whether used."""

    member_id: str
    email: str
    expires_at: datetime
    used_at: datetime | None = None


def check_verification_link(link: VerificationLink, now: datetime) -> VerificationLink:
    """M7: a link verifies once, before it expires; returns it used."""
    if link.used_at is not None:
        raise VerificationLinkUsed(
            "This link has already been used: the address it was sent to is verified. You can check out."
        )
    if now >= link.expires_at:
        raise VerificationLinkExpired(
            "This link has expired. Sign in and ask for a new one (POST /account/verification-email)."
        )
    return replace(link, used_at=now)


# ---------------------------------------------------------------- reset codes (M8)


@dataclass(frozen=True)
class ResetRequest:
    """The latest password reset asked for one address. For an address no member holds, there is no code:
    it can be tried like any other and never matches, so the answers cannot tell the two apart."""

    expires_at: datetime
    tries_left: int
    member_id: str | None = None
    code_digest: str | None = None


def reset_code_digest(address_key: str, code: str) -> str:
    return digest("reset-code", address_key, normalise_reset_code(code))


@dataclass(frozen=True)
class RedeemedCode:
    member_id: str
    code_digest: str


def redeem_reset_code(request: ResetRequest | None, address_key: str, code: str, now: datetime) -> RedeemedCode:
    """M8: whose code this is, if it is right, unused, unexpired and not tried too often."""
    if request is None or request.tries_left <= 0 or now >= request.expires_at:
        raise ResetCodeInvalid(
            "This code cannot be used: it expired, was used already or was tried too often. Ask for a new one."
        )
    offered = reset_code_digest(address_key, code)
    if (
        request.member_id is None
        or request.code_digest is None
        or not hmac.compare_digest(offered, request.code_digest)
    ):
        left = request.tries_left - 1
        if left:
            raise ResetCodeWrong(f"This is not the code we sent. {left} tries left.", triesLeft=left)
        raise ResetCodeWrong("This is not the code we sent, and it was the last try. Ask for a new code.", triesLeft=0)
    return RedeemedCode(member_id=request.member_id, code_digest=request.code_digest)


# ---------------------------------------------------------------- how often the shop sends them


@dataclass(frozen=True)
class SendLimit:
    """At most `per_window` emails in a window of `window` from the first, and never two within `gap`."""

    gap: timedelta
    per_window: int
    window: timedelta


@dataclass(frozen=True)
class SendLog:
    window_started_at: datetime
    sent_in_window: int
    last_sent_at: datetime


VERIFICATION_EMAILS = SendLimit(gap=timedelta(minutes=1), per_window=5, window=timedelta(days=1))
RESET_EMAILS = SendLimit(gap=timedelta(minutes=1), per_window=5, window=timedelta(hours=1))


def record_send(limit: SendLimit, log: SendLog | None, now: datetime) -> SendLog:
    """The log with one more email sent now; TooManyRequests (with when to ask again) if over the limit."""
    if log is None or now >= log.window_started_at + limit.window:
        return SendLog(window_started_at=now, sent_in_window=1, last_sent_at=now)
    wait = timedelta(0)
    if now < log.last_sent_at + limit.gap:
        wait = log.last_sent_at + limit.gap - now
    if log.sent_in_window >= limit.per_window:
        wait = max(wait, log.window_started_at + limit.window - now)
    if wait > timedelta(0):
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise TooManyRequests(
            f"An email was sent a moment ago or several were sent lately; ask again in {seconds} seconds.",
            retry_after_seconds=seconds,
        )
    return SendLog(window_started_at=log.window_started_at, sent_in_window=log.sent_in_window + 1, last_sent_at=now)
