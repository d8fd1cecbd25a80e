"""S1 for staff: the queue of requests, one request beside its order, answers, and resolutions.

A resolution acts through the rule the member asked about: cancellation (L8), a replacement for a defect
(L10) or withdrawal (M5). The request is closed, linked to what was done, in the action's own transaction,
so an action never happens without its request recording it, nor the other way round. When the rule
refuses (a paid order cannot be cancelled), the member is answered with the reason in words instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shop import emails
from shop.errors import CancellationRefused, IllegalTransition, ShopError, StateConflict, UnshippedOrders
from shop.orders import Order
from shop.support import CancellationRequest, DefectReport
from shop.support_requests import (
    KIND_TEXTS,
    CancellationAction,
    ReplacementAction,
    RequestKind,
    RequestState,
    Resolution,
    ResolutionAction,
    StaffAnswer,
    StaffRequestView,
    SupportRequest,
    SupportRequestPage,
    WithdrawalAction,
    answered,
    check_action,
    refused,
    resolved,
    summary,
)
from shop_aws.dynamodb import support_requests
from shop_aws.dynamodb.outbox import OutboxEntry, outbox_email, put_outbox
from shop_aws.runtime import clock, logger, metrics
from use_cases import staff_orders, withdrawal

# What the rules refuse for good, told to the member in words. A conflict with another request ("try again")
# is not one of them: it goes back to staff.
RULE_REFUSALS = (IllegalTransition, StateConflict, CancellationRefused, UnshippedOrders)


def queue(state: RequestState, kind: RequestKind | None, limit: int, cursor: str | None) -> SupportRequestPage:
    """S1: requests in one state (open: waiting for staff), oldest first, perhaps of one kind."""
    page, next_cursor = support_requests.queue(state, kind, limit, cursor)
    return SupportRequestPage(requests=[summary(request) for request in page], next_cursor=next_cursor)


def detail(request_id: str) -> StaffRequestView:
    """S1: the request, who asked, and the order's state and history beside it."""
    request = support_requests.require_request(_canonical(request_id))
    order = staff_orders.detail(request.order_number) if request.order_number else None
    return StaffRequestView.with_order(request, order)


def answer(request_id: str, reply: StaffAnswer) -> StaffRequestView:
    """S1: staff answer; the member is emailed the answer."""
    request = support_requests.require_request(_canonical(request_id))
    changed = answered(request, reply.message, clock().now(), close=reply.close)
    support_requests.record(request, changed, [_answer_email(changed)])
    logger.info("support request answered", extra={"request_id": request.request_id, "state": changed.state})
    return detail(request.request_id)


def cancel(request_id: str, action: CancellationAction) -> StaffRequestView:
    """S1, L8: the order the CANCELLATION request names is cancelled, or the member is told why not."""
    request = support_requests.require_request(_canonical(request_id))
    order_number = check_action(request, RequestKind.CANCELLATION)
    note = action.note or f"Support request {request.request_id}"

    def closing(cancelled: Order) -> Sequence[dict[str, Any]]:
        at = cancelled.cancelled_at or clock().now()
        done = Resolution(action=ResolutionAction.ORDER_CANCELLED, order_number=cancelled.order_number, at=at)
        return _closed(request, done, action.message, at)

    try:
        staff_orders.cancel_for_support(order_number, CancellationRequest(reason=action.reason, note=note), closing)
    except RULE_REFUSALS as refusal:
        return _refused(request, refusal, action.message)
    return _resolved(request, ResolutionAction.ORDER_CANCELLED)


def replace(request_id: str, action: ReplacementAction) -> StaffRequestView:
    """S1, L10: a replacement at no charge for the order the DEFECT request names, its ticket the request."""
    request = support_requests.require_request(_canonical(request_id))
    order_number = check_action(request, RequestKind.DEFECT)
    description = action.description or request.messages[0].text[:1000]
    report = DefectReport(support_ticket=request.request_id, description=description, lines=action.lines)

    def closing(replacement: Order) -> Sequence[dict[str, Any]]:
        done = Resolution(
            action=ResolutionAction.REPLACEMENT_SENT,
            order_number=replacement.replacement_of,
            replacement_order_number=replacement.order_number,
            at=replacement.created_at,
        )
        return _closed(request, done, action.message, replacement.created_at)

    try:
        staff_orders.report_defect(order_number, report, closing)
    except RULE_REFUSALS as refusal:
        return _refused(request, refusal, action.message)
    return _resolved(request, ResolutionAction.REPLACEMENT_SENT)


def withdraw(request_id: str, action: WithdrawalAction) -> StaffRequestView:
    """S1, M5: the member who asked is withdrawn (their last email says so), or told why not yet."""
    request = support_requests.require_request(_canonical(request_id))
    check_action(request, RequestKind.WITHDRAWAL)
    now = clock().now()
    done = Resolution(action=ResolutionAction.ACCOUNT_WITHDRAWN, at=now)
    # The account's last email is the answer: the request itself is erased with the account.
    closing = [support_requests.written(request, resolved(request, done, action.message, now))]
    try:
        withdrawal.withdraw(request.member_id, also=closing)
    except RULE_REFUSALS as refusal:
        return _refused(request, refusal, action.message)
    return _resolved(request, ResolutionAction.ACCOUNT_WITHDRAWN)


def _closed(request: SupportRequest, done: Resolution, words: str | None, at: datetime) -> Sequence[dict[str, Any]]:
    """The request closed and linked to what was done, and its email, for the action's transaction."""
    closed = resolved(request, done, words, at)
    return [support_requests.written(request, closed), put_outbox(_answer_email(closed))]


def _refused(request: SupportRequest, refusal: ShopError, words: str | None) -> StaffRequestView:
    changed = refused(request, refusal.message, words, clock().now())
    support_requests.record(request, changed, [_answer_email(changed)])
    logger.info("support request refused by the rules", extra={"request_id": request.request_id, "code": refusal.code})
    return detail(request.request_id)


def _resolved(request: SupportRequest, action: ResolutionAction) -> StaffRequestView:
    metrics.add_metric(name="SupportRequestsResolved", unit="Count", value=1)
    logger.info("support request resolved", extra={"request_id": request.request_id, "action": action.value})
    return detail(request.request_id)


def _answer_email(request: SupportRequest) -> OutboxEntry:
    """S1: the member is emailed each answer: the request's last message."""
    kind = KIND_TEXTS[request.kind]
    text = request.messages[-1].text
    email = emails.support_answer(request.email, request.request_id, kind, request.order_number, text)
    return outbox_email(email, request.updated_at)


def _canonical(request_id: str) -> str:
    return request_id.strip().upper()
