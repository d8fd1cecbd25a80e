"""Customer support's desk under /admin (staff group only, rule S1):

- GET /admin/support-requests: requests in a state (OPEN by default: waiting for staff), oldest first,
  perhaps of one kind;
- GET /admin/support-requests/{requestId}: a request, who asked, and the order's state and history;
- POST /admin/support-requests/{requestId}/answers: answer (the member is emailed), perhaps closing it;
- POST /admin/support-requests/{requestId}/cancellation, /replacement, /withdrawal: resolve it through
  L8, L10 or M5, the request closed and linked to what was done; when the rule refuses, the member is
  answered with the reason in words and the request stays answered (both 200: read `state`).
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from use_cases import support_desk

from shop.support_requests import (
    REQUEST_ID_PATTERN,
    CancellationAction,
    ReplacementAction,
    RequestKind,
    RequestState,
    StaffAnswer,
    StaffRequestView,
    SupportRequestPage,
    WithdrawalAction,
)
from shop_aws.api import handler_for, resolver

app = resolver()
RequestInPath = Annotated[str, Path(pattern=REQUEST_ID_PATTERN)]


@app.get(
    "/admin/support-requests",
    summary="Support requests in a state, oldest first",
    operation_id="listSupportQueue",
    description="S1: the requests in a state (OPEN: waiting for staff), oldest first, filtered by kind if given.",
)
def queue(
    state: Annotated[RequestState, Query()] = RequestState.OPEN,
    kind: Annotated[RequestKind | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[SupportRequestPage]:
    return Response(200, "application/json", support_desk.queue(state, kind, limit, cursor))


@app.get(
    "/admin/support-requests/<request_id>",
    summary="A support request beside its order",
    operation_id="getSupportRequestForStaff",
    description=(
        "S1: the request with every message, who asked, and its order's state, emails and other requests (M6)."
    ),
)
def request_detail(request_id: RequestInPath) -> Response[StaffRequestView]:
    return Response(200, "application/json", support_desk.detail(request_id))


@app.post(
    "/admin/support-requests/<request_id>/answers",
    summary="Answer a support request",
    operation_id="answerSupportRequest",
    description="S1: staff answer and the member is emailed; `close` when nothing more is to be done.",
)
def answer(request_id: RequestInPath, reply: StaffAnswer) -> Response[StaffRequestView]:
    return Response(200, "application/json", support_desk.answer(request_id, reply))


@app.post(
    "/admin/support-requests/<request_id>/cancellation",
    summary="Resolve a CANCELLATION request (L8)",
    operation_id="resolveByCancellingOrder",
    description=(
        "S1, L8: cancels the order of a CANCELLATION request (only before payment); refused: answered with why."
    ),
)
def cancel(request_id: RequestInPath, action: CancellationAction) -> Response[StaffRequestView]:
    return Response(200, "application/json", support_desk.cancel(request_id, action))


@app.post(
    "/admin/support-requests/<request_id>/replacement",
    summary="Resolve a DEFECT request (L10)",
    operation_id="resolveBySendingReplacement",
    description="S1, L10: a replacement at no charge for the shipped order of a DEFECT request; never a refund.",
)
def replace(request_id: RequestInPath, action: ReplacementAction) -> Response[StaffRequestView]:
    return Response(200, "application/json", support_desk.replace(request_id, action))


@app.post(
    "/admin/support-requests/<request_id>/withdrawal",
    summary="Resolve a WITHDRAWAL request (M5)",
    operation_id="resolveByWithdrawingMember",
    description=(
        "S1, M5: withdraws the member of a WITHDRAWAL request (refused while orders are unshipped: answered)."
    ),
)
def withdraw(request_id: RequestInPath, action: WithdrawalAction) -> Response[StaffRequestView]:
    return Response(200, "application/json", support_desk.withdraw(request_id, action))


lambda_handler = handler_for(app, staff_only=True)
