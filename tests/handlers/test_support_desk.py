"""Customer support's desk under /admin (rule S1): the queue, answers, and resolution through L8, L10 and M5."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shop.orders import ERASED, WITHDRAWN_MEMBER
from shop_aws.dynamodb import members as member_store
from shop_aws.dynamodb import support_requests as request_store
from tests.handlers.test_support_requests import open_request, staff_answer
from tests.support.orders import STAFF, a_paid_order, a_preorder, a_shipped_order, order_of, signed_up, subjects_to
from tests.support.shop import Answer, Member, Shop, state_of


def act(shop: Shop, request_id: str, action: str, body: dict[str, Any] | None = None) -> Answer:
    return shop.call("POST", f"/admin/support-requests/{request_id}/{action}", body or {}, member=STAFF)


def queue(shop: Shop, **query: str) -> list[str]:
    answer = shop.call("GET", "/admin/support-requests", member=STAFF, query=query or None)
    assert answer.status == 200, answer
    return [request["requestId"] for request in answer.body["requests"]]


def request_of(shop: Shop, member: Member, kind: str, order: str | None = None) -> str:
    answer = open_request(shop, member, kind, order)
    assert answer.status == 201, answer
    return str(answer.body["requestId"])


# ---------------------------------------------------------------- the queue


def test_staff_see_the_open_requests_oldest_first(shop: Shop, alice: Member, bob: Member) -> None:
    # rule S1
    older = request_of(shop, bob, "OTHER")
    shop.clock.advance(timedelta(minutes=3))
    newer = request_of(shop, alice, "WITHDRAWAL")
    shop.clock.advance(timedelta(minutes=3))
    answered = request_of(shop, alice, "OTHER")
    staff_answer(shop, answered, "Done.")

    assert queue(shop) == [older, newer]


def test_staff_filter_the_queue_by_kind_and_state(shop: Shop, alice: Member) -> None:
    # rule S1
    number = a_preorder(shop, alice)
    cancellation = request_of(shop, alice, "CANCELLATION", number)
    other = request_of(shop, alice, "OTHER")
    closed = request_of(shop, alice, "OTHER")
    staff_answer(shop, closed, "Nothing to do.", close=True)

    assert queue(shop, kind="CANCELLATION") == [cancellation]
    assert queue(shop, state="OPEN", kind="OTHER") == [other]
    assert queue(shop, state="CLOSED") == [closed]


def test_an_unknown_state_or_kind_is_refused_naming_the_field(shop: Shop) -> None:
    answer = shop.call("GET", "/admin/support-requests", member=STAFF, query={"kind": "REFUND"})

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "kind"


def test_members_cannot_reach_the_desk(shop: Shop, alice: Member) -> None:
    # rule S1: staff only, under /admin
    request_id = request_of(shop, alice, "OTHER")

    answers = [
        shop.call("GET", "/admin/support-requests", member=alice),
        shop.call("POST", f"/admin/support-requests/{request_id}/answers", {"message": "self-served"}, member=alice),
    ]

    assert [answer.status for answer in answers] == [403, 403]


def test_staff_read_a_request_beside_the_orders_state_and_history(shop: Shop, alice: Member) -> None:
    # rule S1, rule M6
    number = a_preorder(shop, alice)
    shop.deliver_outbox()
    request_id = request_of(shop, alice, "CANCELLATION", number)

    answer = shop.call("GET", f"/admin/support-requests/{request_id}", member=STAFF)

    assert answer.status == 200
    assert (answer.body["memberId"], answer.body["email"]) == (alice.member_id, alice.email)
    order = answer.body["order"]
    assert (order["orderNumber"], order["state"]) == (number, "RESERVED")
    assert [entry["subject"] for entry in order["history"]] == [f"Order confirmation {number}"]
    assert [request["requestId"] for request in order["supportRequests"]] == [request_id]


# ---------------------------------------------------------------- answers


def test_an_answer_is_emailed_to_the_member_and_waits_for_them(shop: Shop, alice: Member) -> None:
    # rule S1
    request_id = request_of(shop, alice, "OTHER")

    answer = staff_answer(shop, request_id, "We ship to Iceland, $18 per order number.")
    shop.deliver_outbox()

    assert answer.body["state"] == "ANSWERED"
    (email,) = shop.emails_to(alice.email)
    assert email.subject == f"Customer support answered your request {request_id} about your account"
    assert "We ship to Iceland, $18 per order number." in email.body
    assert queue(shop) == []


def test_an_answer_about_an_order_joins_the_orders_email_history(shop: Shop, alice: Member) -> None:
    # rule S1, rule M6
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, "OTHER", number)

    staff_answer(shop, request_id, "It ships in June.")
    shop.deliver_outbox()

    history = shop.call("GET", f"/orders/{number}", member=alice).body["history"]
    assert f"Customer support answered your request {request_id} about order {number}" in [
        entry["subject"] for entry in history
    ]


def test_an_answer_may_close_the_request(shop: Shop, alice: Member) -> None:
    # rule S1
    request_id = request_of(shop, alice, "OTHER")

    answer = staff_answer(shop, request_id, "Nothing more to do.", close=True)

    assert answer.body["state"] == "CLOSED"
    assert staff_answer(shop, request_id, "One more thing").status == 409


# ---------------------------------------------------------------- cancellation (L8)


def test_staff_cancel_the_order_through_the_request_which_closes_linked_to_it(shop: Shop, alice: Member) -> None:
    # rule S1, rule L8
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, "CANCELLATION", number)

    answer = act(shop, request_id, "cancellation", {"reason": "DUPLICATE_ORDER", "message": "Done, sorry!"})
    shop.deliver_outbox()

    assert answer.status == 200
    assert answer.body["state"] == "CLOSED"
    assert answer.body["resolution"]["action"] == "ORDER_CANCELLED"
    assert answer.body["resolution"]["orderNumber"] == number
    assert answer.body["order"]["state"] == "CANCELLED"
    assert order_of(number).cancellation_note == f"Support request {request_id}"
    assert sorted(subjects_to(shop, alice.email, starting="Order ")) == [
        f"Order {number} has been cancelled",
        f"Order confirmation {number}",
    ]
    (told,) = [m for m in shop.emails_to(alice.email) if m.subject.startswith("Customer support")]
    assert f"Order {number} has been cancelled." in told.body
    assert "Done, sorry!" in told.body


def test_a_paid_order_is_not_cancelled_and_the_member_is_told_why_in_words(shop: Shop, alice: Member) -> None:
    # rule S1, rule L8: refused with the reason
    number = a_paid_order(shop, alice)
    request_id = request_of(shop, alice, "CANCELLATION", number)

    answer = act(shop, request_id, "cancellation")
    shop.deliver_outbox()

    assert answer.status == 200
    assert (answer.body["state"], answer.body["resolution"]) == ("ANSWERED", None)
    assert state_of(number) == "PAID"
    reason = answer.body["messages"][-1]["text"]
    assert reason.startswith(f"We could not do what you asked. Order {number} is PAID and cannot be cancelled")
    (told,) = [m for m in shop.emails_to(alice.email) if m.subject.startswith("Customer support")]
    assert f"Order {number} is PAID and cannot be cancelled" in told.body


def test_a_release_date_is_no_reason_to_cancel_through_a_request_either(shop: Shop, alice: Member) -> None:
    # rule S1, rule L8, rule C2
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, "CANCELLATION", number)

    answer = act(shop, request_id, "cancellation", {"reason": "RELEASE_DATE_CHANGED"})

    assert answer.body["state"] == "ANSWERED"
    assert "never a ground for cancellation" in answer.body["messages"][-1]["text"]
    assert state_of(number) == "RESERVED"


# ---------------------------------------------------------------- replacement (L10)


def test_a_defect_request_gets_a_replacement_linked_to_the_request(shop: Shop, alice: Member) -> None:
    # rule S1, rule L10
    number = a_shipped_order(shop, alice)
    request_id = request_of(shop, alice, "DEFECT", number)

    answer = act(shop, request_id, "replacement", {"description": "Left arm broken in the box"})

    assert answer.status == 200
    resolution = answer.body["resolution"]
    assert (resolution["action"], resolution["orderNumber"]) == ("REPLACEMENT_SENT", number)
    replacement = order_of(resolution["replacementOrderNumber"])
    assert (replacement.replacement_of, replacement.support_ticket, replacement.total_cents) == (number, request_id, 0)
    assert answer.body["order"]["replacements"] == [replacement.order_number]


def test_a_defect_on_an_order_not_shipped_yet_is_answered_with_the_reason(shop: Shop, alice: Member) -> None:
    # rule S1, rule L10
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, "DEFECT", number)

    answer = act(shop, request_id, "replacement")

    assert answer.body["state"] == "ANSWERED"
    assert "a replacement is sent only for an order that was shipped" in answer.body["messages"][-1]["text"]
    assert order_of(number).replacements == ()


# ---------------------------------------------------------------- withdrawal (M5)


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


def test_a_withdrawal_request_withdraws_the_member_and_erases_their_requests(shop: Shop, member: Member) -> None:
    # rule S1, rule M5
    shipped = a_shipped_order(shop, member)
    question = request_of(shop, member, "OTHER", shipped)
    request_id = request_of(shop, member, "WITHDRAWAL")

    answer = act(shop, request_id, "withdrawal")
    shop.deliver_outbox()

    assert answer.status == 200
    assert (answer.body["state"], answer.body["resolution"]["action"]) == ("CLOSED", "ACCOUNT_WITHDRAWN")
    profile = member_store.get_member(member.member_id)
    assert profile is not None
    assert profile["email"] == ERASED
    assert subjects_to(shop, member.email)[-1] == "Your Preorder Figure Shop account has been deleted"
    for kept in (request_store.require_request(request_id), request_store.require_request(question)):
        assert (kept.member_id, kept.email, kept.state.value) == (WITHDRAWN_MEMBER, ERASED, "CLOSED")
        assert {message.text for message in kept.messages} == {ERASED}
    assert request_store.member_requests(member.member_id, 10, None) == ([], None)


def test_a_withdrawal_with_unshipped_orders_is_answered_listing_them(shop: Shop, member: Member) -> None:
    # rule S1, rule M5
    waiting = a_preorder(shop, member)
    request_id = request_of(shop, member, "WITHDRAWAL")

    answer = act(shop, request_id, "withdrawal")

    assert answer.body["state"] == "ANSWERED"
    assert (
        f"Your account cannot be deleted while orders are unshipped: {waiting}." in answer.body["messages"][-1]["text"]
    )
    assert "withdrawnAt" not in (member_store.get_member(member.member_id) or {})


def test_a_member_who_withdraws_from_my_account_leaves_no_request_naming_them(shop: Shop, member: Member) -> None:
    # rule S1, rule M5
    request_id = request_of(shop, member, "OTHER")

    assert shop.call("DELETE", "/account", member=member).status == 200

    kept = request_store.require_request(request_id)
    assert (kept.email, kept.state.value, kept.messages[0].text) == (ERASED, "CLOSED", ERASED)


# ---------------------------------------------------------------- what an action may answer


@pytest.mark.parametrize(
    ("kind", "action"), [("DEFECT", "cancellation"), ("CANCELLATION", "replacement"), ("OTHER", "withdrawal")]
)
def test_an_action_answers_only_the_kind_of_request_that_asked_for_it(
    shop: Shop, alice: Member, kind: str, action: str
) -> None:
    # rule S1
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, kind, number)

    answer = act(shop, request_id, action)

    assert answer.status == 422
    assert answer.body["code"] == "SUPPORT_ACTION_REFUSED"
    assert state_of(number) == "RESERVED"


def test_a_closed_request_is_not_acted_on_again(shop: Shop, alice: Member) -> None:
    # rule S1
    number = a_preorder(shop, alice)
    request_id = request_of(shop, alice, "CANCELLATION", number)
    act(shop, request_id, "cancellation")

    again = act(shop, request_id, "cancellation")

    assert again.status == 409
    assert again.body["currentState"] == "CLOSED"


def test_an_unknown_request_is_a_404(shop: Shop) -> None:
    answer = shop.call("GET", "/admin/support-requests/SR-0000-0000-0000-0000", member=STAFF)

    assert answer.status == 404
