"""The injectable clock: fixed time for tests, UTC everywhere, ISO text that sorts as time does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.clock import FixedClock, SystemClock, as_utc, iso, parse_iso
from tests.support.builders import NOW

TOKYO = timezone(timedelta(hours=9))
# Aware times from 1970 to 9999 (four-digit years), in UTC or another zone.
AWARE_TIMES = st.datetimes(
    min_value=datetime(1970, 1, 2),  # hypothesis bounds are naive; zones are drawn
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, TOKYO, timezone(timedelta(hours=-5, minutes=-30))]),
)


def to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# --- FixedClock ---------------------------------------------------------------------------------------------


def test_a_fixed_clock_tells_the_time_it_was_given() -> None:
    assert FixedClock(NOW).now() == NOW


def test_a_fixed_clock_stands_still() -> None:
    # given
    clock = FixedClock(NOW)

    # when
    first, second = clock.now(), clock.now()

    # then
    assert first == second == NOW


def test_a_fixed_clock_can_be_set_to_another_time() -> None:
    # given
    clock = FixedClock(NOW)

    # when
    clock.set(NOW + timedelta(days=3))

    # then
    assert clock.now() == NOW + timedelta(days=3)


def test_a_fixed_clock_can_be_advanced() -> None:
    # given
    clock = FixedClock(NOW)

    # when
    clock.advance(timedelta(days=6, hours=23, minutes=59))

    # then
    assert clock.now() == datetime(2027, 1, 17, 11, 59, tzinfo=UTC)


def test_a_fixed_clock_given_another_zone_tells_the_time_in_utc() -> None:
    # when
    clock = FixedClock(datetime(2027, 1, 10, 21, 0, tzinfo=TOKYO))

    # then
    assert clock.now() == datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_a_fixed_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        FixedClock(datetime(2027, 1, 10, 12, 0))


def test_a_fixed_clock_refuses_to_be_set_to_a_naive_time() -> None:
    # given
    clock = FixedClock(NOW)

    # when / then
    with pytest.raises(ValueError, match="naive datetime"):
        clock.set(datetime(2027, 1, 10, 12, 0))


def test_the_system_clock_tells_the_current_utc_time_shifted_by_its_offset() -> None:
    # given
    clock = SystemClock(offset=timedelta(days=7))

    # when
    before = datetime.now(UTC)
    shifted = clock.now()
    after = datetime.now(UTC)

    # then
    assert before + timedelta(days=7) <= shifted <= after + timedelta(days=7)
    assert shifted.tzinfo is UTC


# --- as_utc -------------------------------------------------------------------------------------------------


def test_as_utc_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        as_utc(datetime(2027, 1, 10, 12, 0))


def test_as_utc_keeps_the_instant_and_changes_the_zone_to_utc() -> None:
    # when
    moment = as_utc(datetime(2027, 1, 10, 21, 0, tzinfo=TOKYO))

    # then
    assert (moment, moment.tzinfo) == (datetime(2027, 1, 10, 12, 0, tzinfo=UTC), UTC)


# --- iso ------------------------------------------------------------------------------------------------------


def test_iso_is_utc_to_the_millisecond_ending_in_z() -> None:
    assert iso(datetime(2027, 1, 10, 21, 5, 9, 123_987, tzinfo=TOKYO)) == "2027-01-10T12:05:09.123Z"


def test_iso_writes_whole_seconds_with_three_zero_decimals() -> None:
    assert iso(NOW) == "2027-01-10T12:00:00.000Z"


def test_iso_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        iso(datetime(2027, 1, 10, 12, 0))


@settings(deadline=None)
@given(AWARE_TIMES, AWARE_TIMES)
def test_iso_text_sorts_as_the_times_do(first: datetime, second: datetime) -> None:
    # when
    first_text, second_text = iso(first), iso(second)

    # then: compare at the millisecond iso keeps
    first_ms, second_ms = to_millisecond(as_utc(first)), to_millisecond(as_utc(second))
    assert (first_text < second_text, first_text == second_text) == (first_ms < second_ms, first_ms == second_ms)


@settings(deadline=None)
@given(AWARE_TIMES)
def test_iso_text_always_ends_in_z_and_has_a_fixed_width(moment: datetime) -> None:
    # when
    text = iso(moment)

    # then
    assert text.endswith("Z")
    assert len(text) == len("2027-01-10T12:00:00.000Z")


@settings(deadline=None)
@given(AWARE_TIMES)
def test_parse_iso_reads_back_the_instant_iso_wrote_to_the_millisecond(moment: datetime) -> None:
    assert parse_iso(iso(moment)) == to_millisecond(as_utc(moment))
