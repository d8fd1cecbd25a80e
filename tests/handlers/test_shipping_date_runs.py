"""A product's shipping-date fan-out shows its progress while it runs (rules L1, L2; issue 15's console)."""

from __future__ import annotations

import json

import pytest
from use_cases import shipping_dates

from tests.support.builders import preorder
from tests.support.orders import a_shipped_order, cancel
from tests.support.shop import Api, Member, Shop, place_preorder, state_of


def confirm_product(shop: Api, staff: Member, date: str = "2027-03-10"):
    return shop.call("POST", "/admin/products/miku-2027/shipping-date", {"shippingDate": date}, member=staff)


def progress(shop: Api, staff: Member, run_id: str) -> dict:
    answer = shop.call("GET", f"/admin/shipping-date-runs/{run_id}", member=staff)
    assert answer.status == 200, answer
    return answer.body


@pytest.fixture
def five_orders(shop: Shop, alice: Member, monkeypatch) -> list[str]:
    """Five pre-orders of one figure, listed two to a page."""
    monkeypatch.setattr(shipping_dates, "PAGE_SIZE", 2)
    shop.add_product(preorder("miku-2027"))
    return [place_preorder(shop, alice, key=f"k{index}") for index in range(5)]


def test_the_answer_names_the_run_and_where_its_progress_is(shop: Shop, staff: Member, five_orders) -> None:
    # rule L1
    answer = confirm_product(shop, staff)

    assert answer.status == 202
    assert answer.body["progress"] == f"/admin/shipping-date-runs/{answer.body['runId']}"
    assert answer.headers["Location"] == [answer.body["progress"]]


def test_before_any_page_is_worked_the_run_has_listed_nothing_and_is_not_finished(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L1
    run_id = confirm_product(shop, staff).body["runId"]

    shown = progress(shop, staff, run_id)

    assert (shown["orders"], shown["dated"], shown["listingDone"], shown["finished"]) == (0, 0, False, False)
    assert (shown["productId"], shown["shippingDate"]) == ("miku-2027", "2027-03-10")


def test_a_finished_run_counts_every_order_dated_emailed_and_sent_to_be_charged(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L1: five orders over three pages
    run_id = confirm_product(shop, staff).body["runId"]

    shop.shipping_queue.drain()
    shown = progress(shop, staff, run_id)

    assert {key: shown[key] for key in ("orders", "dated", "emailed", "settlementRequested", "failed")} == {
        "orders": 5,
        "dated": 5,
        "emailed": 5,
        "settlementRequested": 5,
        "failed": 0,
    }
    assert shown["listingDone"]
    assert shown["finished"]


def test_an_order_cancelled_after_it_was_listed_is_counted_failed_with_its_number(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L1, rule L8: the page is listed, then support cancels an order before its own job runs
    run_id = confirm_product(shop, staff).body["runId"]
    shop.shipping_queue.step()  # the first page: its two order jobs and the next page are queued
    first = sorted(five_orders)[0]
    assert cancel(shop, first).status == 200

    shop.shipping_queue.drain()
    shown = progress(shop, staff, run_id)

    assert state_of(first) == "CANCELLED"
    assert (shown["failed"], shown["failedOrders"], shown["dated"], shown["finished"]) == (1, [first], 4, True)


def test_the_same_date_again_leaves_every_order_unchanged_and_counts_it_so(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L2: only a different date is a change
    confirm_product(shop, staff)
    shop.shipping_queue.drain()

    again = confirm_product(shop, staff).body["runId"]
    shop.shipping_queue.drain()
    shown = progress(shop, staff, again)

    assert (shown["orders"], shown["unchanged"], shown["dated"], shown["emailed"]) == (5, 5, 0, 0)
    assert shown["finished"]


def test_a_new_date_counts_each_order_dated_and_emailed_once_more(shop: Shop, staff: Member, five_orders) -> None:
    # rule L2: every order is told the changed date; it is already charged, so nothing more is requested
    confirm_product(shop, staff)
    shop.shipping_queue.drain()

    changed = confirm_product(shop, staff, date="2027-03-20").body["runId"]
    shop.shipping_queue.drain()
    shown = progress(shop, staff, changed)

    assert (shown["orders"], shown["dated"], shown["emailed"], shown["settlementRequested"]) == (5, 5, 5, 0)


def test_a_redelivered_order_job_is_counted_once(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L1: SQS delivers at least once; the count is written with the order's change
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    run_id = confirm_product(shop, staff).body["runId"]
    shop.shipping_queue.drain()
    job = {"job": {"type": "ORDER", "orderNumber": number, "shippingDate": "2027-03-10", "runId": run_id}}
    record = {
        "messageId": "again",
        "receiptHandle": "handle-again",
        "body": json.dumps(job),
        "attributes": {"ApproximateReceiveCount": "2"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": shop.stack.attribute("ShippingDateQueue", "Arn"),
        "awsRegion": "us-east-1",
    }

    assert shop.invoke("ShippingDateWorkerFunction", {"Records": [record]}) == {"batchItemFailures": []}
    shown = progress(shop, staff, run_id)

    assert (shown["orders"], shown["dated"], shown["emailed"], shown["settlementRequested"]) == (1, 1, 1, 1)


def test_an_unknown_run_is_a_404(shop: Shop, staff: Member) -> None:
    answer = shop.call("GET", f"/admin/shipping-date-runs/{'0' * 32}", member=staff)

    assert answer.status == 404


def test_a_member_outside_the_staff_group_is_refused(shop: Shop, alice: Member) -> None:
    answer = shop.call("GET", f"/admin/shipping-date-runs/{'0' * 32}", member=alice)

    assert answer.status == 403


def open_orders(shop: Api, staff: Member, product_id: str = "miku-2027") -> int:
    answer = shop.call("GET", f"/admin/products/{product_id}/open-orders", member=staff)
    assert answer.status == 200, answer
    assert answer.body["productId"] == product_id
    return int(answer.body["openOrders"])


def test_staff_see_before_confirming_how_many_open_orders_the_date_will_reach(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L1: the count shown first is the count the run then works through
    before = open_orders(shop, staff)
    run_id = confirm_product(shop, staff).body["runId"]
    shop.shipping_queue.drain()

    assert before == 5
    assert progress(shop, staff, run_id)["orders"] == before


def test_cancelled_shipped_and_other_products_orders_are_not_counted(
    shop: Shop, alice: Member, staff: Member, five_orders
) -> None:
    # rule L7, rule L8: a shipped or cancelled order gets no shipping date
    assert cancel(shop, five_orders[0]).status == 200
    a_shipped_order(shop, alice, "miku-2027", key="shipped")
    shop.add_product(preorder("rem-2027"))
    place_preorder(shop, alice, "rem-2027", key="another-figure")

    assert open_orders(shop, staff) == 4
    assert open_orders(shop, staff, "rem-2027") == 1


def test_orders_already_dated_are_counted_as_they_would_be_told_of_a_new_date(
    shop: Shop, staff: Member, five_orders
) -> None:
    # rule L2: a changed date reaches every dated order again
    confirm_product(shop, staff)
    shop.shipping_queue.drain()

    assert open_orders(shop, staff) == 5


def test_the_open_orders_of_an_unknown_product_are_a_404(shop: Shop, staff: Member) -> None:
    answer = shop.call("GET", "/admin/products/no-such-figure/open-orders", member=staff)

    assert answer.status == 404


def test_a_member_cannot_count_a_products_open_orders(shop: Shop, alice: Member, five_orders) -> None:
    answer = shop.call("GET", "/admin/products/miku-2027/open-orders", member=alice)

    assert answer.status == 403
