"""A member asks customer support (rule S1), about one of their orders or their account:

- POST /support-requests: a request to cancel an order (L8), about a defect (L10), to delete the account
  (M5) or anything else, with the order it is about where the kind needs one;
- GET /support-requests and GET /support-requests/{requestId}: their own requests, with every answer;
- POST /support-requests/{requestId}/messages: write again.

Another member's order or request is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from use_cases import support_requests

from shop.support_requests import (
    REQUEST_ID_PATTERN,
    MemberMessage,
    NewRequest,
    SupportRequestPage,
    SupportRequestView,
)
from shop_aws.api import caller, handler_for, resolver

app = resolver()
RequestInPath = Annotated[str, Path(pattern=REQUEST_ID_PATTERN)]


@app.post(
    "/support-requests",
    status_code=201,
    summary="Ask customer support",
    operation_id="openSupportRequest",
    description=(
        "S1: kind CANCELLATION or DEFECT names one of the member's orders (orderNumber), WITHDRAWAL names "
        "none, OTHER may; the request waits for staff, who answer by email and act through L8, L10 or M5."
    ),
)
def open_request(asked: NewRequest) -> Response[SupportRequestView]:
    member = caller(app)
    return Response(201, "application/json", support_requests.open_request(member.member_id, member.email, asked))


@app.get(
    "/support-requests",
    summary="The member's support requests",
    operation_id="listMySupportRequests",
    description="S1: the member's own support requests, newest first, a page at a time.",
)
def my_requests(
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[SupportRequestPage]:
    return Response(200, "application/json", support_requests.my_requests(caller(app).member_id, limit, cursor))


@app.get(
    "/support-requests/<request_id>",
    summary="One support request with its answers",
    operation_id="getMySupportRequest",
    description="S1: one of the member's requests with every message and answer, and what was done for it.",
)
def my_request(request_id: RequestInPath) -> Response[SupportRequestView]:
    return Response(200, "application/json", support_requests.my_request(caller(app).member_id, request_id))


@app.post(
    "/support-requests/<request_id>/messages",
    summary="Write again on a support request",
    operation_id="addSupportMessage",
    description=(
        "S1: the member writes again and the request waits for staff again; a closed request takes no more (409)."
    ),
)
def add_message(request_id: RequestInPath, message: MemberMessage) -> Response[SupportRequestView]:
    changed = support_requests.add_message(caller(app).member_id, request_id, message.message)
    return Response(200, "application/json", changed)


lambda_handler = handler_for(app)
