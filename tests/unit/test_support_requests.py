"""The support desk's rules (S1): what a request names, how it moves between its states, how it is resolved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shop.errors import StateConflict, SupportActionRefused
from shop.orders import ERASED, WITHDRAWN_MEMBER
from shop.support_requests import (
    ACCOUNT_KINDS,
    MAX_MESSAGES,
    ORDER_KINDS,
    Author,
    NewRequest,
    RequestKind,
    RequestState,
    Resolution,
    ResolutionAction,
    SupportRequest,
    answered,
    check_action,
    erased,
    opened,
    refused,
    resolved,
    with_member_message,
)
from tests.support.builders import NOW

NUMBER = "01JD-3M5K-7QXZ-4T2A"


def a_request(kind: RequestKind = RequestKind.CANCELLATION, order_number: str | None = NUMBER) -> SupportRequest:
    asked = NewRequest(kind=kind, order_number=order_number, message="I ordered it twice.")
    return opened("SR-0000-0000-0000-0001", "member-1", "alex@example.com", asked, NOW, order_number=order_number)


# ---------------------------------------------------------------- what a request names


# rule S1: an order for CANCELLATION and DEFECT, none for WITHDRAWAL, either for OTHER
@given(kind=st.sampled_from(RequestKind), order_number=st.one_of(st.none(), st.just(NUMBER)))
def test_a_request_names_an_order_exactly_when_its_kind_is_about_one(
    kind: RequestKind, order_number: str | None
) -> None:
    fits = (order_number is not None or kind not in ORDER_KINDS) and (order_number is None or kind not in ACCOUNT_KINDS)

    try:
        NewRequest(kind=kind, order_number=order_number, message="Hello")
    except ValidationError:
        accepted = False
    else:
        accepted = True

    assert accepted is fits


def test_a_new_request_waits_for_staff_with_the_members_words() -> None:
    # rule S1
    request = a_request()

    assert request.state is RequestState.OPEN
    assert [(m.author, m.text, m.at) for m in request.messages] == [(Author.MEMBER, "I ordered it twice.", NOW)]


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001, "zero\u200bwidth", "bell\x07"])
def test_an_empty_overlong_or_hidden_message_is_refused(message: str) -> None:
    # rule S1
    with pytest.raises(ValidationError):
        NewRequest(kind=RequestKind.OTHER, message=message)


# ---------------------------------------------------------------- how it moves


OPERATIONS = st.lists(st.sampled_from(["member", "answer", "close"]), max_size=MAX_MESSAGES + 5)


# rule S1: a member's message waits for staff, an answer waits for the member, a closed request takes nothing
@given(OPERATIONS)
def test_every_message_is_kept_in_order_and_the_state_follows_the_last_one(operations: list[str]) -> None:
    request = a_request()
    for step, operation in enumerate(operations, start=1):
        at = NOW + timedelta(minutes=step)
        before = request
        try:
            if operation == "member":
                request = with_member_message(request, f"m{step}", at)
            else:
                request = answered(request, f"s{step}", at, close=operation == "close")
        except StateConflict:
            assert before.state is RequestState.CLOSED or len(before.messages) == MAX_MESSAGES
            continue
        assert request.messages[:-1] == before.messages
        assert request.updated_at == at
        expected = {"member": RequestState.OPEN, "answer": RequestState.ANSWERED, "close": RequestState.CLOSED}
        assert request.state is expected[operation]
    assert len(request.messages) <= MAX_MESSAGES


def test_an_answer_is_written_by_staff() -> None:
    # rule S1
    assert answered(a_request(), "Cancelled.", NOW).messages[-1].author is Author.STAFF


# ---------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        (kind, action)
        for kind in RequestKind
        for action in (RequestKind.CANCELLATION, RequestKind.DEFECT, RequestKind.WITHDRAWAL)
    ],
)
def test_an_action_answers_only_the_kind_of_request_that_asked_for_it(kind: RequestKind, action: RequestKind) -> None:
    # rule S1
    request = a_request(kind, None if kind in ACCOUNT_KINDS else NUMBER)

    if kind is action:
        assert check_action(request, action) == (request.order_number or "")
    else:
        with pytest.raises(SupportActionRefused):
            check_action(request, action)


def test_a_closed_request_is_not_acted_on() -> None:
    # rule S1
    closed = answered(a_request(), "Nothing to do.", NOW, close=True)

    with pytest.raises(StateConflict):
        check_action(closed, RequestKind.CANCELLATION)


def test_a_resolution_closes_the_request_linked_to_what_was_done_and_tells_the_member() -> None:
    # rule S1, rule L10
    done = Resolution(
        action=ResolutionAction.REPLACEMENT_SENT, order_number=NUMBER, replacement_order_number="01JD-R", at=NOW
    )

    request = resolved(a_request(RequestKind.DEFECT), done, "Sorry about that.", NOW)

    assert (request.state, request.resolution) == (RequestState.CLOSED, done)
    assert request.messages[-1].text == (
        f"A replacement for order {NUMBER} goes out at no charge: order 01JD-R.\n\nSorry about that."
    )


def test_a_refusal_is_an_answer_giving_the_reason_and_leaves_the_request_answerable() -> None:
    # rule S1, rule L8
    reason = f"Order {NUMBER} is PAID and cannot be cancelled."

    request = refused(a_request(), reason, None, NOW)

    assert request.state is RequestState.ANSWERED
    assert request.resolution is None
    assert request.messages[-1].text == f"We could not do what you asked. {reason}"


def test_an_erased_request_keeps_its_shape_and_nothing_of_the_person() -> None:
    # rule S1, rule M5
    request = answered(a_request(), "Cancelled.", NOW)

    kept = erased(request, NOW)

    assert (kept.member_id, kept.email, kept.state) == (WITHDRAWN_MEMBER, ERASED, RequestState.CLOSED)
    assert [(m.author, m.text) for m in kept.messages] == [(Author.MEMBER, ERASED), (Author.STAFF, ERASED)]
    assert (kept.kind, kept.order_number) == (request.kind, request.order_number)
