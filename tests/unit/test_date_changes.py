"""Dates that move after the order: a confirmed shipping date changes (L2), a release date moves (C2), and a
failed payment is reminded once a day before its deadline (L5a)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.errors import IllegalTransition, ProductRefused
from shop.orders import OrderState, reminder_due
from shop.release_dates import ReleaseDateChange, check_release_date_change, line_to_announce
from shop.shipping_dates import DateAction, check_can_date, shipping_date_action
from tests.support.builders import NOW, order, order_line, preorder_product

S = OrderState
DATED = [S.SHIPPING_DATE_CONFIRMED, S.SETTLEMENT_PENDING, S.PAYMENT_FAILED, S.PAID]

# --- L1/L2 ------------------------------------------------------------------------------------------------


# rule L1
def test_a_reserved_order_gets_its_first_date() -> None:
    assert shipping_date_action(order(state=S.RESERVED), "2027-06-20") is DateAction.CONFIRM


# rule L2
@pytest.mark.parametrize("state", DATED)
def test_a_different_date_for_a_confirmed_order_is_a_change(state: OrderState) -> None:
    dated = order(state=state).model_copy(update={"shipping_date": "2027-06-20"})

    assert shipping_date_action(dated, "2027-07-01") is DateAction.CHANGE


# rule L2: a retried confirmation tells nobody twice
@pytest.mark.parametrize("state", DATED)
def test_the_same_date_again_changes_nothing(state: OrderState) -> None:
    dated = order(state=state).model_copy(update={"shipping_date": "2027-06-20"})

    assert shipping_date_action(dated, "2027-06-20") is DateAction.NOTHING


# rule L2
@pytest.mark.parametrize("state", [S.SHIPPED, S.CANCELLED])
def test_a_shipped_or_cancelled_order_keeps_its_date(state: OrderState) -> None:
    # given
    gone = order(state=state).model_copy(update={"shipping_date": "2027-06-20"})

    # then
    assert shipping_date_action(gone, "2027-07-01") is DateAction.NOTHING
    with pytest.raises(IllegalTransition, match=f"is {state.value}; its shipping date can no longer"):
        check_can_date(gone)


# rule L1, rule L2
@pytest.mark.parametrize("state", [S.RESERVED, *DATED])
def test_an_order_not_yet_shipped_may_be_dated(state: OrderState) -> None:
    check_can_date(order(state=state))


# --- C2 ---------------------------------------------------------------------------------------------------


# rule C2
@pytest.mark.parametrize("new_date", ["2027-09", "2027-04-15"])
def test_a_release_date_may_move_later_or_earlier(new_date: str) -> None:
    product = preorder_product(release_date="2027-06")

    moved = check_release_date_change(product, ReleaseDateChange(releaseDate=new_date))

    assert moved.release_date == new_date
    assert moved.model_copy(update={"release_date": "2027-06"}) == product


# rule C2
def test_the_same_release_date_again_is_refused() -> None:
    with pytest.raises(ProductRefused, match="is already 2027-06; nothing to announce"):
        check_release_date_change(preorder_product(release_date="2027-06"), ReleaseDateChange(releaseDate="2027-06"))


# rule C2
def test_a_release_date_that_is_not_a_month_or_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        ReleaseDateChange(releaseDate="next spring")


# rule C2
@pytest.mark.parametrize("state", [S.RESERVED, *DATED])
def test_every_open_order_holding_the_product_is_told(state: OrderState) -> None:
    held = order(state=state, lines=[order_line("A"), order_line("FIG-1", release_date="2027-06")])

    assert line_to_announce(held, "FIG-1", "2027-09") == 1


# rule C2: one email per change, however often the job runs
def test_an_order_already_showing_the_new_date_is_not_told_again() -> None:
    assert line_to_announce(order(lines=[order_line("FIG-1", release_date="2027-09")]), "FIG-1", "2027-09") is None


# rule C2
@pytest.mark.parametrize("state", [S.SHIPPED, S.CANCELLED])
def test_a_shipped_or_cancelled_order_is_not_told(state: OrderState) -> None:
    assert line_to_announce(order(state=state), "FIG-1", "2027-09") is None


# --- L5a --------------------------------------------------------------------------------------------------

DEADLINE = NOW + timedelta(days=7)


def failed(**changes: object):
    return order(state=S.PAYMENT_FAILED, resettlement_deadline=DEADLINE).model_copy(update=changes)


# rule L5a
@pytest.mark.parametrize("before", [timedelta(hours=24), timedelta(hours=23, minutes=45), timedelta(seconds=1)])
def test_a_reminder_is_due_within_the_last_day_before_the_deadline(before: timedelta) -> None:
    assert reminder_due(failed(), DEADLINE - before)


# rule L5a
@pytest.mark.parametrize("before", [timedelta(hours=24, seconds=1), timedelta(days=3), timedelta(0)])
def test_no_reminder_earlier_than_a_day_before_or_once_the_deadline_passed(before: timedelta) -> None:
    assert not reminder_due(failed(), DEADLINE - before)


# rule L5a: never twice
def test_no_second_reminder() -> None:
    assert not reminder_due(failed(reminder_sent_at=DEADLINE - timedelta(hours=24)), DEADLINE - timedelta(hours=2))


# rule L5a
@pytest.mark.parametrize("state", [S.SETTLEMENT_PENDING, S.PAID, S.CANCELLED])
def test_no_reminder_once_the_order_was_resettled_paid_or_cancelled(state: OrderState) -> None:
    assert not reminder_due(failed(state=state), DEADLINE - timedelta(hours=2))
