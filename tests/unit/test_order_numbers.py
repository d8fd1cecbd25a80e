"""Order numbers (O12): unique, ordered by the time of order, readable over the phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shop.clock import FixedClock
from shop.errors import InvalidInput
from shop.order_numbers import ALPHABET, OrderNumbers, format_order_number, parse_order_number
from tests.support.builders import NOW

# Crockford's base 32: digits and capitals without I, L, O and U.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ORDER_NUMBER = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RANDOM_SPACE = 32**6

# Milliseconds from 2000 to the end of 9999: any time the shop may take an order.
ORDER_MILLIS = st.integers(
    min_value=(datetime(2000, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
    max_value=(datetime(9999, 12, 31, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
)
RANDOM_PARTS = st.integers(min_value=0, max_value=RANDOM_SPACE // 2 - 1)

# 2038-06-07T19:16:51.805Z: its float timestamp times 1000 truncates to ...804.
FLOAT_ROUNDING_MILLIS = 2_159_551_011_805


def at_millis(millis: int) -> datetime:
    return EPOCH + timedelta(milliseconds=millis)


def millis_of(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def decode(characters: str) -> int:
    value = 0
    for character in characters:
        value = value * 32 + CROCKFORD.index(character)
    return value


def number_at(millis: int, random_part: int) -> str:
    """The number a fresh generator (a fresh shop process) issues at this millisecond."""
    return OrderNumbers(FixedClock(at_millis(millis)), random_source=lambda _bound: random_part).next()


# --- Format ------------------------------------------------------------------------------------------------


# rule O12
def test_the_alphabet_is_crockfords_without_i_l_o_or_u() -> None:
    assert ALPHABET == CROCKFORD


# rule O12
def test_the_alphabet_is_in_ascending_ascii_order_so_text_order_is_number_order() -> None:
    assert list(ALPHABET) == sorted(ALPHABET)


# rule O12
def test_an_order_number_is_four_dashed_groups_of_four_characters() -> None:
    # when
    number = OrderNumbers(FixedClock(NOW)).next()

    # then
    assert ORDER_NUMBER.fullmatch(number), number


# rule O12
@settings(deadline=None)
@given(ORDER_MILLIS, RANDOM_PARTS)
def test_no_order_number_holds_an_ambiguous_character(millis: int, random_part: int) -> None:
    # when
    number = number_at(millis, random_part)

    # then
    assert ORDER_NUMBER.fullmatch(number), number
    assert not set(number) & set("ILOU")


# rule O12
def test_format_order_number_puts_the_millisecond_first_and_the_random_part_last() -> None:
    assert format_order_number(1, 2) == "0000-0000-0100-0002"


# rule O12
@settings(deadline=None)
@given(ORDER_MILLIS)
@example(FLOAT_ROUNDING_MILLIS)
def test_the_first_ten_characters_are_the_exact_millisecond_of_the_order(millis: int) -> None:
    # when
    number = number_at(millis, 0)

    # then
    assert decode(number.replace("-", "")[:10]) == millis


# --- Strictly increasing within a generator ------------------------------------------------------------------


# rule O12
def test_numbers_issued_in_the_same_millisecond_strictly_increase() -> None:
    # given a clock that does not move
    numbers = OrderNumbers(FixedClock(NOW))

    # when
    issued = [numbers.next() for _ in range(1_000)]

    # then
    assert all(earlier < later for earlier, later in pairwise(issued))


# rule O12
def test_a_number_issued_a_millisecond_later_is_greater_even_with_a_smaller_random_part() -> None:
    # given random parts that fall: the first number ends high, the next low
    clock = FixedClock(NOW)
    random_parts = iter([RANDOM_SPACE // 2 - 1, 0])
    numbers = OrderNumbers(clock, random_source=lambda _bound: next(random_parts))
    first = numbers.next()

    # when
    clock.advance(timedelta(milliseconds=1))
    second = numbers.next()

    # then
    assert first < second


# rule O12
def test_numbers_keep_increasing_when_the_clock_steps_back() -> None:
    # given
    clock = FixedClock(NOW)
    numbers = OrderNumbers(clock)
    first = numbers.next()

    # when
    clock.set(NOW - timedelta(seconds=2))
    second = numbers.next()

    # then
    assert first < second


# rule O12
def test_when_a_millisecond_runs_out_of_random_parts_the_next_number_moves_to_the_next_millisecond() -> None:
    # given a random source at the very top of the random space, so the next number cannot add one
    random_parts = iter([RANDOM_SPACE - 1, 5])
    numbers = OrderNumbers(FixedClock(NOW), random_source=lambda _bound: next(random_parts))
    first = numbers.next()

    # when
    second = numbers.next()

    # then
    assert first < second
    assert second == format_order_number(millis_of(NOW) + 1, 5)


# rule O12
def test_the_random_part_is_drawn_from_the_lower_half_of_its_space() -> None:
    # given
    bounds: list[int] = []

    def record(bound: int) -> int:
        bounds.append(bound)
        return 0

    # when
    OrderNumbers(FixedClock(NOW), random_source=record).next()

    # then: the upper half is left for numbers issued later in the same millisecond
    assert bounds == [RANDOM_SPACE // 2]


# --- Sorted as text is sorted by time ------------------------------------------------------------------------


# rule O12
@settings(deadline=None)
@given(st.lists(st.tuples(ORDER_MILLIS, RANDOM_PARTS), min_size=2, max_size=20, unique_by=lambda pair: pair[0]))
@example([(FLOAT_ROUNDING_MILLIS - 1, 100), (FLOAT_ROUNDING_MILLIS, 5)])
def test_numbers_from_different_processes_sorted_as_text_are_sorted_by_time(orders: list[tuple[int, int]]) -> None:
    # given one number per order, each from its own generator, at distinct milliseconds
    numbers = {number_at(millis, random_part): millis for millis, random_part in orders}

    # when
    by_text = [numbers[number] for number in sorted(numbers)]

    # then
    assert by_text == sorted(millis for millis, _ in orders)


# rule O12
@settings(deadline=None)
@given(st.lists(ORDER_MILLIS, min_size=1, max_size=30).map(sorted))
def test_numbers_from_one_generator_over_time_sorted_as_text_keep_their_order(times: list[int]) -> None:
    # given one generator whose clock moves forward (or stands still) between orders
    clock = FixedClock(at_millis(times[0]))
    numbers = OrderNumbers(clock)
    issued = []

    # when
    for millis in times:
        clock.set(at_millis(millis))
        issued.append(numbers.next())

    # then
    assert sorted(issued) == issued
    assert len(set(issued)) == len(issued)


# --- Reading a number back -----------------------------------------------------------------------------------


# rule O12
def test_a_canonical_order_number_parses_to_itself() -> None:
    assert parse_order_number("01JD-3M5K-7QXZ-4T2A") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
def test_a_lowercase_order_number_is_accepted() -> None:
    assert parse_order_number("01jd-3m5k-7qxz-4t2a") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
def test_an_order_number_without_dashes_is_accepted() -> None:
    assert parse_order_number("01JD3M5K7QXZ4T2A") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
def test_an_order_number_read_out_in_groups_with_spaces_is_accepted() -> None:
    assert parse_order_number("  01JD 3M5K 7QXZ 4T2A ") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
def test_the_letter_o_is_read_as_zero() -> None:
    assert parse_order_number("O1JD-3M5K-7QXZ-4T2A") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
@pytest.mark.parametrize("one", ["I", "i", "L", "l"])
def test_the_letters_i_and_l_are_read_as_one(one: str) -> None:
    assert parse_order_number(f"0{one}JD-3M5K-7QXZ-4T2A") == "01JD-3M5K-7QXZ-4T2A"


# rule O12
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "01JD-3M5K-7QXZ",
        "01JD-3M5K-7QXZ-4T2A-0",
        "01JD-3M5K-7QXZ-4T2U",
        "01JD-3M5K-7QXZ-4T2#",
        "01JD_3M5K_7QXZ_4T2A",
        "\uff10\uff11JD-3M5K-7QXZ-4T2A",
        "hello world, this is no order",
    ],
    ids=repr,
)
def test_garbage_is_refused_as_invalid_input(text: str) -> None:
    # when
    with pytest.raises(InvalidInput) as refusal:
        parse_order_number(text)

    # then
    assert refusal.value.status == 400
    assert refusal.value.message.startswith(f"'{text}' is not an order number")


# rule O12
@settings(deadline=None)
@given(ORDER_MILLIS, RANDOM_PARTS)
def test_an_issued_number_typed_in_lowercase_without_dashes_parses_back_to_itself(
    millis: int, random_part: int
) -> None:
    # given
    number = number_at(millis, random_part)

    # when
    parsed = parse_order_number(number.lower().replace("-", ""))

    # then
    assert parsed == number
