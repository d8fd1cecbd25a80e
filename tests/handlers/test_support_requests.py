"""A member asks customer support (rule S1): POST, GET /support-requests and messages, through API Gateway events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shop_aws.dynamodb import support_requests as request_store
from tests.support.orders import STAFF, a_preorder
from tests.support.shop import Answer, Member, Shop


def open_request(
    shop: Shop, member: Member, kind: str, order: str | None = None, message: str = "Please help."
) -> Answer:
    body: dict[str, Any] = {"kind": kind, "message": message}
    if order is not None:
        body["orderNumber"] = order
    return shop.call("POST", "/support-requests", body, member=member)


def write(shop: Shop, member: Member, request_id: str, message: str) -> Answer:
    return shop.call("POST", f"/support-requests/{request_id}/messages", {"message": message}, member=member)


def staff_answer(shop: Shop, request_id: str, message: str, close: bool = False) -> Answer:
    body = {"message": message, "close": close}
    return shop.call("POST", f"/admin/support-requests/{request_id}/answers", body, member=STAFF)


def test_a_member_asks_to_cancel_one_of_their_orders(shop: Shop, alice: Member) -> None:
    # rule S1, rule L8: the member asks, support cancels
    number = a_preorder(shop, alice)

    answer = open_request(shop, alice, "CANCELLATION", number, "I ordered this twice by mistake.")

    assert answer.status == 201
    body = answer.body
    assert (body["kind"], body["state"], body["orderNumber"]) == ("CANCELLATION", "OPEN", number)
    assert body["requestId"].startswith("SR-")
    assert [(m["author"], m["text"]) for m in body["messages"]] == [("MEMBER", "I ordered this twice by mistake.")]


def test_an_order_number_typed_loosely_is_read_as_the_order(shop: Shop, alice: Member) -> None:
    # rule S1, rule O12: read over the phone, typed without dashes in lower case
    number = a_preorder(shop, alice)

    answer = open_request(shop, alice, "DEFECT", number.replace("-", "").lower())

    assert answer.body["orderNumber"] == number


def test_a_request_about_another_members_order_is_a_404_and_opens_nothing(
    shop: Shop, alice: Member, bob: Member
) -> None:
    # rule S1: the order must be theirs; never confirm someone else's order exists
    number = a_preorder(shop, bob)

    answer = open_request(shop, alice, "CANCELLATION", number)

    assert answer.status == 404
    assert answer.body["message"] == f"There is no order {number} in your account."
    assert request_store.member_requests(alice.member_id, 10, None) == ([], None)


def test_a_request_about_an_order_that_does_not_exist_is_a_404(shop: Shop, alice: Member) -> None:
    # rule S1
    answer = open_request(shop, alice, "DEFECT", "01M9-2VPC-GE4T-7QXZ")

    assert answer.status == 404


@pytest.mark.parametrize("kind", ["CANCELLATION", "DEFECT"])
def test_a_request_about_an_order_that_names_none_is_refused_naming_the_field(
    shop: Shop, alice: Member, kind: str
) -> None:
    # rule S1
    answer = open_request(shop, alice, kind)

    assert answer.status == 422
    assert f"a {kind} request names the order it is about (orderNumber)" in answer.body["message"]


def test_a_withdrawal_request_is_about_the_account_and_names_no_order(shop: Shop, alice: Member) -> None:
    # rule S1, rule M5
    number = a_preorder(shop, alice)

    with_order = open_request(shop, alice, "WITHDRAWAL", number)
    without = open_request(shop, alice, "WITHDRAWAL", message="Please delete my account.")

    assert with_order.status == 422
    assert (without.status, without.body["orderNumber"]) == (201, None)


def test_any_other_question_may_name_an_order_or_not(shop: Shop, alice: Member) -> None:
    # rule S1
    number = a_preorder(shop, alice)

    about_order = open_request(shop, alice, "OTHER", number, "Can it ship with my other order?")
    general = open_request(shop, alice, "OTHER", message="Do you ship to Iceland?")

    assert (about_order.status, general.status) == (201, 201)


def test_a_message_may_run_over_several_lines_but_hides_nothing(shop: Shop, alice: Member) -> None:
    # rule S1
    fine = open_request(shop, alice, "OTHER", message="Hello,\nthe box was open.\n\tThanks")
    hidden = open_request(shop, alice, "OTHER", message="Hello\u200b there")

    assert fine.body["messages"][0]["text"] == "Hello,\nthe box was open.\n\tThanks"
    assert hidden.status == 422


def test_a_member_lists_their_own_requests_newest_first(shop: Shop, alice: Member, bob: Member) -> None:
    # rule S1
    first = open_request(shop, alice, "OTHER", message="first").body["requestId"]
    shop.clock.advance(timedelta(minutes=5))
    second = open_request(shop, alice, "WITHDRAWAL", message="second").body["requestId"]
    open_request(shop, bob, "OTHER", message="bob's")

    answer = shop.call("GET", "/support-requests", member=alice)

    assert answer.status == 200
    listed = [(request["requestId"], request["messageCount"]) for request in answer.body["requests"]]
    assert listed == [(second, 1), (first, 1)]


def test_a_member_reads_their_request_with_the_answers(shop: Shop, alice: Member) -> None:
    # rule S1
    request_id = open_request(shop, alice, "OTHER", message="Do you ship to Iceland?").body["requestId"]
    staff_answer(shop, request_id, "Yes, we do: $18 per order number.")

    answer = shop.call("GET", f"/support-requests/{request_id}", member=alice)

    assert answer.body["state"] == "ANSWERED"
    assert [(m["author"], m["text"]) for m in answer.body["messages"]] == [
        ("MEMBER", "Do you ship to Iceland?"),
        ("STAFF", "Yes, we do: $18 per order number."),
    ]


def test_another_members_request_is_a_404(shop: Shop, alice: Member, bob: Member) -> None:
    # rule S1
    request_id = open_request(shop, bob, "OTHER", message="bob's question").body["requestId"]

    read = shop.call("GET", f"/support-requests/{request_id}", member=alice)
    written = write(shop, alice, request_id, "let me in")

    assert (read.status, written.status) == (404, 404)
    assert len(request_store.require_request(request_id).messages) == 1


def test_a_member_writing_again_puts_the_request_back_in_the_staff_queue(shop: Shop, alice: Member) -> None:
    # rule S1
    request_id = open_request(shop, alice, "OTHER", message="Do you ship to Iceland?").body["requestId"]
    staff_answer(shop, request_id, "Yes.")

    answer = write(shop, alice, request_id, "And to Greenland?")

    assert (answer.status, answer.body["state"]) == (200, "OPEN")
    assert [m["author"] for m in answer.body["messages"]] == ["MEMBER", "STAFF", "MEMBER"]


def test_a_closed_request_takes_no_more_messages(shop: Shop, alice: Member) -> None:
    # rule S1
    request_id = open_request(shop, alice, "OTHER", message="Do you ship to Iceland?").body["requestId"]
    staff_answer(shop, request_id, "Yes.", close=True)

    answer = write(shop, alice, request_id, "Thanks!")

    assert answer.status == 409
    assert answer.body["currentState"] == "CLOSED"


def test_a_message_written_while_staff_answer_is_refused_and_loses_nothing(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule S1: every change is written over the version read
    request_id = open_request(shop, alice, "OTHER", message="Do you ship to Iceland?").body["requestId"]
    real_get = request_store.get_request
    staff_went_first: list[Answer] = []

    def read_then_staff_answer(wanted: str) -> Any:
        read = real_get(wanted)
        if not staff_went_first:
            staff_went_first.append(staff_answer(shop, request_id, "Yes."))
        return read

    monkeypatch.setattr(request_store, "get_request", read_then_staff_answer)

    answer = write(shop, alice, request_id, "And to Greenland?")

    assert answer.status == 409
    assert [m.text for m in request_store.require_request(request_id).messages] == ["Do you ship to Iceland?", "Yes."]


def test_the_orders_history_in_my_account_shows_its_support_requests(shop: Shop, alice: Member) -> None:
    # rule S1, rule M6
    number = a_preorder(shop, alice)
    request_id = open_request(shop, alice, "CANCELLATION", number).body["requestId"]
    open_request(shop, alice, "OTHER", message="not about the order")

    answer = shop.call("GET", f"/orders/{number}", member=alice)

    assert [(r["requestId"], r["kind"], r["state"]) for r in answer.body["supportRequests"]] == [
        (request_id, "CANCELLATION", "OPEN")
    ]
