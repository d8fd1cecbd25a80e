"""The re-settlement reminder (rule L5a): one email about 24 hours before the deadline, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shop_aws.dynamodb import orders as order_store
from tests.support.orders import a_preorder, order_of, payment_fails, subjects_to
from tests.support.shop import Member, Shop, confirm_shipping_date

REMINDER = "Reminder: re-settle order"


def failed_order(shop: Shop, member: Member, key: str | None = None) -> str:
    number = a_preorder(shop, member, key=key)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)
    return number


def run_reminders(shop: Shop, **kwargs: Any) -> dict[str, Any]:
    return shop.invoke("RemindResettlementsFunction", {}, **kwargs)


def reminders_to(shop: Shop, member: Member) -> list[str]:
    shop.deliver_outbox()
    return subjects_to(shop, member.email, REMINDER)


def test_a_reminder_goes_out_a_day_before_the_deadline(shop: Shop, alice: Member) -> None:
    # rule L5a
    # given a payment that failed six days ago
    number = failed_order(shop, alice)
    shop.clock.advance(timedelta(days=6))

    # when
    report = run_reminders(shop)

    # then
    assert report == {"reminded": 1, "skipped": 0, "finished": True}
    assert reminders_to(shop, alice) == [f"Reminder: re-settle order {number} by 2026-12-08 09:00 UTC"]
    assert order_of(number).reminder_sent_at == shop.now()


def test_no_reminder_earlier_than_a_day_before(shop: Shop, alice: Member) -> None:
    # rule L5a
    failed_order(shop, alice)
    shop.clock.advance(timedelta(days=5, hours=23, minutes=59))

    report = run_reminders(shop)

    assert report["reminded"] == 0
    assert reminders_to(shop, alice) == []


def test_the_schedule_running_every_fifteen_minutes_reminds_once(shop: Shop, alice: Member) -> None:
    # rule L5a: never twice
    failed_order(shop, alice)
    shop.clock.advance(timedelta(days=6))

    reports = []
    for _ in range(8):
        reports.append(run_reminders(shop))
        shop.clock.advance(timedelta(minutes=15))

    assert [report["reminded"] for report in reports] == [1, 0, 0, 0, 0, 0, 0, 0]
    assert len(reminders_to(shop, alice)) == 1


def test_two_runs_racing_remind_once(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule L5a: the mark and the email are one conditional write; the run that loses the race sends nothing
    number = failed_order(shop, alice)
    shop.clock.advance(timedelta(days=6))
    read_order = order_store.get_order

    def other_run_reminds_after_the_read(order_number: str):
        seen = read_order(order_number)
        monkeypatch.setattr(order_store, "get_order", read_order)
        assert run_reminders(shop)["reminded"] == 1
        return seen

    monkeypatch.setattr(order_store, "get_order", other_run_reminds_after_the_read)

    report = run_reminders(shop)

    assert report["reminded"] == 0
    assert reminders_to(shop, alice) == [f"Reminder: re-settle order {number} by 2026-12-08 09:00 UTC"]


def test_an_order_resettled_meanwhile_is_not_reminded(shop: Shop, alice: Member) -> None:
    # rule L5a
    number = failed_order(shop, alice)
    shop.clock.advance(timedelta(days=3))
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(alice)}, member=alice)
    shop.clock.advance(timedelta(days=3))

    report = run_reminders(shop)

    assert report["reminded"] == 0
    assert reminders_to(shop, alice) == []


def test_a_second_failure_after_resettlement_gets_its_own_reminder(shop: Shop, alice: Member) -> None:
    # rule L5a: once per deadline
    number = failed_order(shop, alice)
    shop.clock.advance(timedelta(days=6))
    run_reminders(shop)
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(alice)}, member=alice)
    payment_fails(shop, number)
    shop.clock.advance(timedelta(days=6))

    run_reminders(shop)

    assert reminders_to(shop, alice) == [
        f"Reminder: re-settle order {number} by 2026-12-08 09:00 UTC",
        f"Reminder: re-settle order {number} by 2026-12-14 09:00 UTC",
    ]


def test_an_order_whose_deadline_passed_gets_no_reminder_but_is_left_to_the_expiry(shop: Shop, alice: Member) -> None:
    # rule L5a, rule L6
    failed_order(shop, alice)
    shop.clock.advance(timedelta(days=7))

    report = run_reminders(shop)

    assert report["reminded"] == 0
    assert reminders_to(shop, alice) == []


def test_the_reminder_is_in_the_orders_history(shop: Shop, alice: Member) -> None:
    # rule L5a, rule M6
    number = failed_order(shop, alice)
    shop.deliver_outbox()
    shop.clock.advance(timedelta(days=6))

    run_reminders(shop)
    shop.deliver_outbox()

    history = shop.call("GET", f"/orders/{number}", member=alice).body["history"]
    assert history[-1]["kind"] == "resettlement_reminder"


def test_a_run_short_of_time_stops_cleanly_and_the_next_run_finishes(shop: Shop, alice: Member) -> None:
    # rule L5a: bounded work per run
    numbers = [failed_order(shop, alice, key=f"k{index}") for index in range(3)]
    shop.clock.advance(timedelta(days=6))
    budget = iter([60_000, 60_000, 60_000, 1_000])

    first = run_reminders(shop, remaining_millis=lambda: next(budget, 1_000))
    second = run_reminders(shop)

    assert first == {"reminded": 2, "skipped": 0, "finished": False}
    assert second == {"reminded": 1, "skipped": 2, "finished": True}
    assert all(order_of(number).reminder_sent_at is not None for number in numbers)
