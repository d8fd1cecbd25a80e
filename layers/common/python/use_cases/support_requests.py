"""S1: a member asks customer support, about one of their orders or their account, and reads the answers.

Another member's order, or another member's request, is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from shop.order_numbers import OrderNumbers
from shop.support_requests import (
    REQUEST_PREFIX,
    NewRequest,
    SupportRequest,
    SupportRequestPage,
    SupportRequestView,
    opened,
    summary,
    with_member_message,
)
from shop_aws.dynamodb import support_requests
from shop_aws.runtime import clock, logger
from use_cases.my_account import own_order

# Request numbers read like order numbers (O12: by time, easy to say over the phone), with a prefix.
request_numbers = OrderNumbers(clock())


def open_request(member_id: str, email: str, asked: NewRequest) -> SupportRequestView:
    """S1: a new request about the member's own order (or their account), waiting for staff."""
    order_number = own_order(member_id, asked.order_number).order_number if asked.order_number else None
    request_id = REQUEST_PREFIX + request_numbers.next()
    request = opened(request_id, member_id, email, asked, clock().now(), order_number=order_number)
    support_requests.open_request(request)
    logger.info("support request opened", extra={"request_id": request_id, "kind": asked.kind.value})
    return SupportRequestView.of(request)


def own_request(member_id: str, request_id: str) -> SupportRequest:
    """The member's request, or 404 for anyone else's."""
    canonical = request_id.strip().upper()
    request = support_requests.get_request(canonical)
    if request is None or request.member_id != member_id:
        raise support_requests.not_found(canonical)
    return request


def my_requests(member_id: str, limit: int, cursor: str | None) -> SupportRequestPage:
    """S1: the member's own requests, newest first, a page at a time."""
    page, next_cursor = support_requests.member_requests(member_id, limit, cursor)
    return SupportRequestPage(requests=[summary(request) for request in page], next_cursor=next_cursor)


def my_request(member_id: str, request_id: str) -> SupportRequestView:
    """S1: one request with every message and answer."""
    return SupportRequestView.of(own_request(member_id, request_id))


def add_message(member_id: str, request_id: str, text: str) -> SupportRequestView:
    """S1: the member writes again; the request waits for staff again (a closed one takes no more)."""
    request = own_request(member_id, request_id)
    changed = with_member_message(request, text, clock().now())
    support_requests.record(request, changed)
    return SupportRequestView.of(changed)
