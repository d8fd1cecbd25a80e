"""Order numbers (O12): unique, ordered by the time of order, and easy to read over the phone.

Sixteen characters of Crockford's base 32 (no I, L, O or U, so nothing is mistaken for 1, 0 or V),
in four groups: ten for the millisecond of the order, six random. The alphabet is in ascending
ASCII order, so sorting numbers as text sorts them by time.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from shop.clock import Clock, as_utc
from shop.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TIME_CHARS = 10
_RANDOM_CHARS = 6
_RANDOM_SPACE = 32**_RANDOM_CHARS
# What people say or type by mistake, read as the digit they meant (Crockford's decoding).
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def _encode(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def format_order_number(millis: int, random_part: int) -> str:
    raw = _encode(millis, _TIME_CHARS) + _encode(random_part, _RANDOM_CHARS)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class OrderNumbers:
    """Issues order numbers from a clock; numbers from one generator strictly increase."""

    def __init__(self, clock: Clock, random_source: Callable[[int], int] = secrets.randbelow) -> None:
        self._clock = clock
        self._random = random_source
        self._last: tuple[int, int] = (-1, 0)

    def next(self) -> str:
        millis = _millis(self._clock.now())
        last_millis, last_random = self._last
        if millis <= last_millis:
            # Same millisecond (or a clock that stepped back): keep strictly increasing.
            millis, random_part = last_millis, last_random + 1
            if random_part >= _RANDOM_SPACE:
                millis, random_part = last_millis + 1, self._random(_RANDOM_SPACE // 2)
        else:
            random_part = self._random(_RANDOM_SPACE // 2)
        self._last = (millis, random_part)
        return format_order_number(millis, random_part)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _millis(moment: datetime) -> int:
    """Whole milliseconds since the epoch, in integers: float timestamps drift by one near some instants."""
    return (as_utc(moment) - _EPOCH) // timedelta(milliseconds=1)


def parse_order_number(text: str) -> str:
    """The canonical form of an order number as a member typed or read it, or InvalidInput."""
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in text.strip().upper() if ch not in "- ")
    if len(cleaned) != _TIME_CHARS + _RANDOM_CHARS or any(ch not in ALPHABET for ch in cleaned):
        raise InvalidInput(f"'{text}' is not an order number (16 characters such as 01JD-3M5K-7QXZ-4T2A).")
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


# L11: the old shop numbered orders with 6 to 12 digits. Never 16 characters, so an old number can
# never be read as a new one (and the other way round).
_OLD_SHOP_NUMBER = re.compile(r"[0-9]{6,12}")


def is_old_shop_number(text: str) -> bool:
    return bool(_OLD_SHOP_NUMBER.fullmatch(text))


def parse_any_order_number(text: str) -> str:
    """A new-shop number in canonical form, or an old-shop number (L11) as it was issued."""
    try:
        return parse_order_number(text)
    except InvalidInput:
        cleaned = text.strip()
        if is_old_shop_number(cleaned):
            return cleaned
        raise


def listing_key(order_number: str, created_at: datetime) -> str:
    """Sorts a member's orders by time of order: new numbers already do (O12); an old-shop number is
    placed by its order time, as if it had been issued a new number then."""
    if not is_old_shop_number(order_number):
        return order_number
    return f"{format_order_number(_millis(created_at), 0)}#{order_number}"
